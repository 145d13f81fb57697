import type { DeliveryRecord, PostRecord } from '#domain/models.js';

export function deliveryView(d: DeliveryRecord) {
  return {
    id: d.id,
    accountId: d.accountId,
    state: d.state,
    scheduledAt: d.scheduledAt,
    attempts: d.attempts,
    remoteId: d.remoteId,
    url: d.remoteUrl,
    publishedAt: d.publishedAt,
    lastError: d.lastError,
    failureReason: d.failureReason,
    cancelReason: d.cancelReason,
    updatedAt: d.updatedAt,
  };
}

export function postView(p: PostRecord) {
  return {
    id: p.id,
    text: p.text,
    contentWarning: p.contentWarning,
    visibility: p.visibility,
    language: p.language,
    scheduledAt: p.scheduledAt,
    media: p.media.map((m) => ({ mediaId: m.mediaId, altText: m.altText, mimeType: m.mimeType })),
    deliveries: p.deliveries.map(deliveryView),
    createdById: p.createdById,
    strikeId: p.strikeId,
    strikeRole: p.strikeRole,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}
