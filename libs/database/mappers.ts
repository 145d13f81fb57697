import type { AccountRecord, DeliveryRecord, MemberRecord, PostRecord } from '#domain/models.js';
import type { Account, Delivery, Media, Member, Post, PostMedia } from './generated/client.js';

export const toMember = (m: Member): MemberRecord => ({
  id: m.id,
  organisationId: m.organisationId,
  name: m.name,
  role: m.role,
  createdAt: m.createdAt,
  removedAt: m.removedAt,
});

export const toAccount = (a: Account): AccountRecord => ({
  id: a.id,
  organisationId: a.organisationId,
  network: a.network,
  instanceUrl: a.instanceUrl,
  remoteId: a.remoteId,
  handle: a.handle,
  displayName: a.displayName,
  profileUrl: a.profileUrl,
  tokenCiphertext: a.tokenCiphertext,
  maxCharacters: a.maxCharacters,
  maxMedia: a.maxMedia,
  charactersPerUrl: a.charactersPerUrl,
  status: a.status,
  statusReason: a.statusReason,
  rateLimitedUntil: a.rateLimitedUntil,
  createdAt: a.createdAt,
  disconnectedAt: a.disconnectedAt,
});

export const toDelivery = (d: Delivery): DeliveryRecord => ({
  id: d.id,
  organisationId: d.organisationId,
  postId: d.postId,
  accountId: d.accountId,
  strikeId: d.strikeId,
  state: d.state,
  scheduledAt: d.scheduledAt,
  attempts: d.attempts,
  remoteMediaIds: d.remoteMediaIds,
  remoteId: d.remoteId,
  remoteUrl: d.remoteUrl,
  publishedAt: d.publishedAt,
  lastError: d.lastError,
  failureReason: d.failureReason,
  cancelReason: d.cancelReason,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});

type PostRow = Post & { media: (PostMedia & { media: Pick<Media, 'mimeType'> })[]; deliveries: Delivery[] };

export const toPost = (p: PostRow): PostRecord => ({
  id: p.id,
  organisationId: p.organisationId,
  createdById: p.createdById,
  strikeId: p.strikeId,
  strikeRole: p.strikeRole,
  text: p.text,
  contentWarning: p.contentWarning,
  visibility: p.visibility,
  language: p.language,
  scheduledAt: p.scheduledAt,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
  media: p.media
    .sort((a, b) => a.position - b.position)
    .map((m) => ({ mediaId: m.mediaId, position: m.position, altText: m.altText, mimeType: m.media.mimeType })),
  deliveries: p.deliveries.map(toDelivery),
});

export const POST_INCLUDE = {
  media: { include: { media: { select: { mimeType: true } } } },
  deliveries: { orderBy: { createdAt: 'asc' as const } },
};
