/** The contract every network implements; strike and queue logic only ever see this. */
export type NetworkName = 'mastodon';

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

export interface NetworkAdapter {
  readonly network: NetworkName;
  verify(conn: AccountConnection): Promise<VerifiedAccount>;
  /** Length of a post as the network counts it against `limits.maxCharacters`. */
  postLength(text: string, contentWarning: string | null, limits: NetworkLimits): number;
  uploadMedia(conn: AccountConnection, media: OutgoingMedia): Promise<string>;
  /** `idempotencyKey` is stable across retries, so a retried publish cannot post twice. */
  publish(conn: AccountConnection, post: OutgoingPost, idempotencyKey: string): Promise<PublishedPost>;
}

export const NETWORK_ADAPTERS = Symbol('NETWORK_ADAPTERS');
