// What the API answers. The OpenAPI document describes requests (schema.d.ts, generated) but not yet
// responses, so these mirror the server's view functions; keep them in step with the files named.

export type Role = 'admin' | 'community_manager' | 'member' | 'viewer';
export const ROLES: Role[] = ['admin', 'community_manager', 'member', 'viewer'];
export type DeliveryState = 'scheduled' | 'publishing' | 'published' | 'failed' | 'cancelled' | 'held';
export const DELIVERY_STATES: DeliveryState[] = ['scheduled', 'publishing', 'published', 'failed', 'cancelled', 'held'];
export type Network = 'mastodon' | 'x' | 'bluesky';
export type StrikeState = 'proposed' | 'approved' | 'rejected' | 'running' | 'ended' | 'cancelled';

/** GET /v1/auth/session (WEB-CONTRACT.md). */
export type Session =
  | { signedIn: false }
  | {
      signedIn: true;
      member: { id: string; name: string; role: Role };
      organisation: { id: string; name: string; timeZone: string };
      pendingVotes: number;
    };

/** apps/api/src/accounts/account.view.ts */
export interface Account {
  id: string;
  network: Network;
  instanceUrl: string;
  remoteId: string;
  handle: string;
  displayName: string | null;
  profileUrl: string | null;
  limits: { maxCharacters: number; maxMedia: number; charactersPerUrl: number };
  status: string;
  statusReason: string | null;
  rateLimitedUntil: string | null;
  createdAt: string;
  /** Added by branch `servers`: what this server can do during a strike. */
  capabilities?: Record<string, unknown>;
}

/** apps/api/src/posts/post.view.ts */
export interface Delivery {
  id: string;
  accountId: string;
  state: DeliveryState;
  scheduledAt: string;
  attempts: number;
  remoteId: string | null;
  url: string | null;
  publishedAt: string | null;
  lastError: string | null;
  failureReason: string | null;
  cancelReason: string | null;
  updatedAt: string;
  /** The strike holding it, when the API says so. */
  heldByStrikeId?: string | null;
}

export interface Post {
  id: string;
  text: string;
  contentWarning: string | null;
  visibility: string;
  language: string | null;
  scheduledAt: string;
  media: { mediaId: string; altText: string; mimeType: string }[];
  deliveries: Delivery[];
  createdById: string | null;
  strikeId: string | null;
  strikeRole: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** apps/api/src/strikes/strike.view.ts (strikeView) */
export interface Strike {
  id: string;
  title: string;
  reason: string | null;
  startsAt: string;
  endsAt: string;
  allAccounts: boolean;
  accountIds: string[];
  mode: 'silence' | 'occupation';
  state: StrikeState;
  effectiveFrom: string | null;
  createdAt: string;
}

/** libs/domain/models.ts MemberRecord */
export interface Member {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  removedAt: string | null;
}

/** apps/api/src/organisations/organisations.repository.ts TokenRecord */
export interface ApiToken {
  id: string;
  memberId: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** WEB-CONTRACT.md: invitations. */
export interface Invitation {
  id: string;
  name: string;
  role: Role;
  expiresAt: string;
  url?: string;
}

export interface DecisionRule {
  kind: 'votes' | 'assembly';
  quorumCount: number;
  quorumPercent: number;
  ballot: 'named' | 'secret';
}

/** strike.view.ts auditView */
export interface AuditEntry {
  id: string;
  at: string;
  action: string;
  actor: { id: string; name: string } | null;
  strikeId: string | null;
  motionId: string | null;
  detail: unknown;
}

export interface SessionInfo {
  id: string;
  current: boolean;
  createdAt: string;
  lastSeenAt: string;
  userAgent: string | null;
}

export interface Passkey {
  id: string;
  name: string;
  createdAt: string;
}
