/** Piquet's own record types: what repositories return and services use; Prisma's types stay behind repositories. */
export const ROLES = ['admin', 'community_manager', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const DELIVERY_STATES = ['scheduled', 'publishing', 'published', 'failed', 'cancelled', 'held'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export const VISIBILITIES = ['public', 'unlisted', 'private', 'direct'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

export type AccountStatus = 'active' | 'needs_reconnection';

export interface Caller {
  memberId: string;
  organisationId: string;
  role: Role;
  /** Set when the caller came with a browser session cookie (not an API token). */
  sessionId?: string;
}

export interface MemberRecord {
  id: string;
  organisationId: string;
  name: string;
  role: Role;
  createdAt: Date;
  removedAt: Date | null;
}

export interface AccountRecord {
  id: string;
  organisationId: string;
  network: 'mastodon' | 'x' | 'bluesky';
  instanceUrl: string;
  remoteId: string;
  handle: string;
  displayName: string;
  profileUrl: string | null;
  tokenCiphertext: string;
  maxCharacters: number;
  maxMedia: number;
  charactersPerUrl: number;
  status: AccountStatus;
  statusReason: string | null;
  rateLimitedUntil: Date | null;
  createdAt: Date;
  disconnectedAt: Date | null;
}

export interface PostMediaRecord {
  mediaId: string;
  position: number;
  altText: string;
  mimeType: string;
}

export interface DeliveryRecord {
  id: string;
  organisationId: string;
  postId: string;
  accountId: string;
  /** Set on strike posts. */
  strikeId: string | null;
  state: DeliveryState;
  scheduledAt: Date;
  attempts: number;
  remoteMediaIds: string[];
  remoteId: string | null;
  remoteUrl: string | null;
  publishedAt: Date | null;
  lastError: string | null;
  failureReason: string | null;
  cancelReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface PostRecord {
  id: string;
  organisationId: string;
  /** null for strike posts: they are written by the collective's decision. */
  createdById: string | null;
  strikeId: string | null;
  strikeRole: string | null;
  text: string;
  contentWarning: string | null;
  visibility: Visibility;
  language: string | null;
  scheduledAt: Date;
  createdAt: Date;
  updatedAt: Date;
  media: PostMediaRecord[];
  deliveries: DeliveryRecord[];
}

/** One feature of an account's server, as last checked (see FEATURES in libs/networks/network-adapter.ts). */
export interface CapabilityRecord {
  support: 'yes' | 'no' | 'unknown';
  detail: string;
  /** connect | strike-start | use */
  source: string;
  checkedAt: Date;
}

export type AccountCapabilitiesRecord = Record<string, CapabilityRecord>;
