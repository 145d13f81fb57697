/** The contract every network implements; strike and queue logic only ever see this. */
export const NETWORK_NAMES = ['mastodon', 'x', 'bluesky'] as const;
export type NetworkName = (typeof NETWORK_NAMES)[number];

export interface AccountConnection {
  instanceUrl: string;
  accessToken: string;
}

export interface NetworkLimits {
  maxCharacters: number;
  maxMedia: number;
  charactersPerUrl: number;
}

export interface VerifiedAccount {
  remoteId: string;
  handle: string;
  displayName: string;
  profileUrl: string | null;
  limits: NetworkLimits;
}

export interface OutgoingMedia {
  data: Uint8Array;
  mimeType: string;
  altText: string;
}

export interface OutgoingPost {
  text: string;
  contentWarning: string | null;
  visibility: 'public' | 'unlisted' | 'private' | 'direct';
  language: string | null;
  remoteMediaIds: string[];
}

export interface PublishedPost {
  remoteId: string;
  url: string | null;
  publishedAt: Date;
}

/** The profile fields a strike may occupy. `bio` is plain text; image URLs are null when unset. */
export interface ProfileState {
  displayName: string;
  bio: string;
  avatarUrl: string | null;
  headerUrl: string | null;
}

export interface ProfileImage {
  data: Uint8Array;
  mimeType: string;
}

/** Fields left out are not touched; an image set to null is removed (back to the network's default). */
export interface ProfileUpdate {
  displayName?: string;
  bio?: string;
  avatar?: ProfileImage | null;
  header?: ProfileImage | null;
}

/** A post scheduled on the network itself (by another tool), not through Piquet. */
export interface NativeScheduledPost {
  remoteId: string;
  scheduledAt: Date;
  text: string;
}

/** Engagement counts of one published post; quotes and impressions only where the network gives them. */
export interface PostCounts {
  remoteId: string;
  favourites: number;
  boosts: number;
  replies: number;
  quotes: number | null;
  impressions: number | null;
}

/** A reply somewhere below a post, as the network shows it. `html` is unsanitised: callers reduce it. */
export interface RemoteReply {
  remoteId: string;
  inReplyToRemoteId: string | null;
  visibility: 'public' | 'unlisted' | 'private' | 'direct';
  authorHandle: string;
  authorName: string;
  authorUrl: string | null;
  html: string;
  language: string | null;
  url: string | null;
  postedAt: Date;
  editedAt: Date | null;
}

/** A reply the network addressed to the account (a mention or reply notification). */
export interface IncomingReply extends RemoteReply {
  /** The thread's first post when the network tells it (Bluesky's reply root, X's conversation); null: only the parent is known. */
  rootRemoteId: string | null;
}

/** One page of the account's incoming replies. */
export interface IncomingRepliesPage {
  replies: IncomingReply[];
  /** Pass back as `page` for the next page; null when this was the last. Opaque to callers. */
  nextPage: string | null;
  /** What to store once this page is the last one read: where the next read starts. Opaque to callers. */
  cursor: string | null;
}

export interface NetworkCapabilities {
  pin: boolean;
  nativeScheduling: boolean;
  profileImages: boolean;
}

/**
 * What one account's server offers, found out at connect and again before each strike. Each strike
 * feature that depends on one degrades alone when the server lacks it.
 */
export const FEATURES = [
  'multiStatus', // several posts' counts in one request
  'scheduledStatuses', // natively scheduled posts can be listed and moved
  'pin', // a post can be pinned to the profile
  'profileFields', // display name and bio can be changed
  'profileImages', // avatar and header can be replaced
  'avatarRemoval', // the avatar can be removed (back to the default)
  'headerRemoval', // the header can be removed
  'rateLimitHeaders', // answers say how much of the rate limit is left
  'replyNotifications', // new replies can be read from the account's notifications, not thread by thread
] as const;
export type Feature = (typeof FEATURES)[number];
/** `unknown`: the server's answer did not tell (an error, an odd body); the feature is still tried. */
export type Support = 'yes' | 'no' | 'unknown';

export interface FeatureCheck {
  support: Support;
  /** What was asked and what the server answered, in a sentence people can read. */
  detail: string;
}

export interface DetectedCapabilities {
  features: Record<Feature, FeatureCheck>;
  limits: NetworkLimits;
}

export interface NetworkAdapter {
  /** What Piquet can do on this network at most; `detectCapabilities` tells what one server offers. */
  readonly capabilities: NetworkCapabilities;
  /**
   * Asks the account's server what it offers, without changing anything on it. Never throws for one
   * feature: an answer that tells nothing is `unknown`. Throws only when the account itself is refused.
   */
  detectCapabilities(conn: AccountConnection): Promise<DetectedCapabilities>;
  /** Short-lived credentials: whether they must be renewed before use (a cheap local check). */
  credentialsDue?(conn: AccountConnection, now: Date): boolean;
  /**
   * Renews short-lived credentials: the new secret to store, or null when the current one turns out
   * still good. Throws NetworkAuthError when the network refuses: the account needs reconnecting.
   */
  renewCredentials?(conn: AccountConnection, now: Date): Promise<string | null>;
  readonly network: NetworkName;
  verify(conn: AccountConnection): Promise<VerifiedAccount>;
  /** Length of a post as the network counts it against `limits.maxCharacters`. */
  postLength(text: string, contentWarning: string | null, limits: NetworkLimits): number;
  uploadMedia(conn: AccountConnection, media: OutgoingMedia): Promise<string>;
  /** `idempotencyKey` is stable across retries, so a retried publish cannot post twice. */
  publish(conn: AccountConnection, post: OutgoingPost, idempotencyKey: string): Promise<PublishedPost>;

  readProfile(conn: AccountConnection): Promise<ProfileState>;
  /** Returns the profile as the network reports it after the change. */
  updateProfile(conn: AccountConnection, update: ProfileUpdate): Promise<ProfileState>;
  /** Downloads a profile image (to put it back after the strike). */
  fetchImage(conn: AccountConnection, url: string): Promise<ProfileImage>;
  pin(conn: AccountConnection, remoteId: string): Promise<void>;
  /** Also succeeds when the post is no longer pinned or no longer exists. */
  unpin(conn: AccountConnection, remoteId: string): Promise<void>;
  /** Every post scheduled natively on the account (all pages). */
  listNativeScheduled(conn: AccountConnection): Promise<NativeScheduledPost[]>;
  rescheduleNative(conn: AccountConnection, remoteId: string, at: Date): Promise<void>;
  /** Also succeeds when the scheduled post no longer exists. */
  deleteNative(conn: AccountConnection, remoteId: string): Promise<void>;

  /** At most this many ids per fetchCountsBatch call. */
  readonly countsBatchSize: number;
  /**
   * Counts of several posts in ONE request; posts missing from the answer are gone. Throws
   * NetworkUnsupportedError when the server has no multi-post endpoint (callers fall back to fetchCounts).
   */
  fetchCountsBatch(conn: AccountConnection, remoteIds: string[]): Promise<PostCounts[]>;
  /** Counts of one post in one request; null when the post is gone. */
  fetchCounts(conn: AccountConnection, remoteId: string): Promise<PostCounts | null>;
  /** Every reply below the post (the whole tree), in one request; null when the post is gone. */
  fetchReplies(conn: AccountConnection, remoteId: string): Promise<RemoteReply[] | null>;
  /**
   * One page (one request) of the replies and mentions the network gathered for the account since
   * `cursor`, oldest or newest first as the network pages. Without a cursor (a first read) only the
   * latest page: what came before is found by the reply counts. Left out: no such feed, replies come
   * from whole threads only.
   */
  fetchIncomingReplies?(conn: AccountConnection, cursor: string | null, page: string | null): Promise<IncomingRepliesPage>;
  /**
   * The posts above one, from the thread's first post down to its parent, in one request; null when
   * the post is gone. Used for a reply whose parent Piquet has never seen.
   */
  fetchAncestors?(conn: AccountConnection, remoteId: string): Promise<RemoteReply[] | null>;
}

export const NETWORK_ADAPTERS = Symbol('NETWORK_ADAPTERS');
