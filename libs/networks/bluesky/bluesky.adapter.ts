import { Inject, Injectable } from '@nestjs/common';
import {
  AppBskyFeedDefs,
  AtpAgent,
  AtUri,
  BlobRef,
  jsonToLex,
  lexToJson,
  RichText,
  XRPCError,
  type AppBskyActorProfile,
  type AppBskyFeedPost,
} from '@atproto/api';
import { createHash } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { escapeHtml } from '#html/escape.js';
import { BlockedDestinationError, NetworkAuthError, NetworkError, NetworkPermanentError, NetworkTransientError } from '../errors.js';
import { errorForStatus, libraryError, transportError, translate } from '../http-errors.js';
import type {
  AccountConnection,
  DetectedCapabilities,
  IncomingRepliesPage,
  NativeScheduledPost,
  NetworkAdapter,
  NetworkCapabilities,
  NetworkLimits,
  OutgoingMedia,
  OutgoingPost,
  PostCounts,
  ProfileImage,
  ProfileState,
  ProfileUpdate,
  PublishedPost,
  RemoteReply,
  VerifiedAccount,
} from '../network-adapter.js';
import { downloadImage, requireImage } from '../image-download.js';
import { OutboundHttp } from '../http/outbound-http.js';
import { blueskyPostLength, blueskyText } from './bluesky-text.js';

/** Bluesky's post lexicon: 300 graphemes, 4 images; links count in full (no shortening). */
export const BLUESKY_LIMITS: NetworkLimits = { maxCharacters: 300, maxMedia: 4, charactersPerUrl: 0 };
/** app.bsky.feed.getPosts takes at most 25 uris. */
const GET_POSTS_LIMIT = 25;
const POST_COLLECTION = 'app.bsky.feed.post';
const PROFILE_COLLECTION = 'app.bsky.actor.profile';
const PROFILE_RKEY = 'self';
const WEB_APP = 'https://bsky.app';
// getPostThread's lexicon allows depth up to 1000: the whole tree below the post.
const THREAD_DEPTH = 1000;
// listNotifications answers at most 100 a page; a first read takes the latest 50.
const NOTIFICATIONS_PAGE = 100;
const FIRST_READ_PAGE = 50;
const MAX_CACHED_SESSIONS = 1000;
const PROFILE_SWAP_RETRIES = 5;
// How long a PDS endpoint found acceptable is trusted before its name is checked again (the
// connection itself is checked every time it is opened, whatever this says).
const ENDPOINT_CHECK_TTL_MS = 60_000;

/**
 * What Piquet stores as a Bluesky account's secret (`AccountConnection.accessToken`): the handle
 * (or DID, or email) and an app password. `instanceUrl` is the PDS (or entryway) service URL.
 */
export interface BlueskyCredentials {
  identifier: string;
  appPassword: string;
}

export function encodeBlueskySecret(credentials: BlueskyCredentials): string {
  return JSON.stringify({ identifier: credentials.identifier, appPassword: credentials.appPassword });
}

export function parseBlueskySecret(secret: string): BlueskyCredentials {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secret);
  } catch {
    throw new NetworkAuthError('The stored Bluesky credentials are not readable: reconnect the account');
  }
  const { identifier, appPassword } = (parsed ?? {}) as Partial<Record<keyof BlueskyCredentials, unknown>>;
  if (typeof identifier !== 'string' || !identifier || typeof appPassword !== 'string' || !appPassword) {
    throw new NetworkAuthError('The stored Bluesky credentials are incomplete: reconnect the account');
  }
  return { identifier, appPassword };
}

/**
 * The id `uploadMedia` hands back: Bluesky has no server-side media object, only a blob that a
 * record must reference (with its alt text) soon after the upload.
 */
interface UploadedMedia {
  blob: unknown;
  alt: string;
}

export { blueskyText } from './bluesky-text.js';

/**
 * A record key derived from the idempotency key, so a retried publish writes the same record and
 * the PDS refuses the second one. Post keys must be TIDs (13 base32-sortable characters holding a
 * microsecond timestamp and a clock id): the hash supplies both, the timestamp kept inside 2024 so
 * it stays a plausible TID.
 */
export function idempotencyRkey(idempotencyKey: string): string {
  const digest = createHash('sha256').update(`piquet:bluesky:${idempotencyKey}`).digest();
  const random = digest.readBigUInt64BE(0);
  const timestamp = BigInt(Date.UTC(2024, 0, 1)) * 1000n + (random & ((1n << 44n) - 1n));
  const clockId = (random >> 44n) & 0x3ffn;
  let value = (timestamp << 10n) | clockId;
  const alphabet = '234567abcdefghijklmnopqrstuvwxyz';
  let out = '';
  for (let i = 0; i < 13; i++) {
    out = alphabet[Number(value & 31n)]! + out;
    value >>= 5n;
  }
  return out;
}

@Injectable()
export class BlueskyAdapter implements NetworkAdapter {
  readonly network = 'bluesky' as const;
  readonly capabilities: NetworkCapabilities = { pin: true, nativeScheduling: false, profileImages: true };
  readonly countsBatchSize = GET_POSTS_LIMIT;
  /** PDS origins from DID documents found https and public, until when. */
  private readonly checkedEndpoints = new Map<string, number>();
  /**
   * Logged-in agents by account: createSession is rate limited hard (30 per 5 minutes, 300 a day per
   * account), so a session is reused and AtpAgent refreshes its tokens itself.
   */
  private readonly sessions = new Map<string, Promise<AtpAgent>>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outbound: OutboundHttp,
  ) {}

  async verify(conn: AccountConnection): Promise<VerifiedAccount> {
    return this.withAgent(conn, async (agent, did) => {
      const handle = agent.session?.handle ?? did;
      const profile = await this.profileRecord(agent, did);
      return {
        remoteId: did,
        handle: `@${handle}`,
        displayName: profile?.value.displayName || handle,
        profileUrl: `${WEB_APP}/profile/${handle}`,
        limits: { ...BLUESKY_LIMITS },
      };
    });
  }

  /** Bluesky's lexicons are the same on every PDS: only the rate-limit headers are read from an answer. */
  async detectCapabilities(conn: AccountConnection): Promise<DetectedCapabilities> {
    return this.withAgent(conn, async (agent, did) => {
      const res = await agent.com.atproto.repo.describeRepo({ repo: did });
      const limit = res.headers['ratelimit-limit'];
      return {
        limits: { ...BLUESKY_LIMITS },
        features: {
          multiStatus: { support: 'yes', detail: 'app.bsky.feed.getPosts looks up 25 posts at a time' },
          scheduledStatuses: { support: 'no', detail: 'Bluesky has no natively scheduled posts: nothing to move' },
          pin: { support: 'yes', detail: 'the profile record takes a pinned post' },
          profileFields: { support: 'yes', detail: 'the profile record holds the display name and description' },
          profileImages: { support: 'yes', detail: 'the profile record takes avatar and banner blobs' },
          avatarRemoval: { support: 'yes', detail: 'the avatar is removed from the profile record' },
          headerRemoval: { support: 'yes', detail: 'the banner is removed from the profile record' },
          rateLimitHeaders: limit
            ? { support: 'yes', detail: `answers carry ratelimit-limit: ${limit}` }
            : { support: 'no', detail: 'answers carry no ratelimit-* headers: Piquet keeps to its own budget' },
          replyNotifications: { support: 'yes', detail: 'app.bsky.notification.listNotifications names replies with their thread root' },
        },
      };
    });
  }

  /** Graphemes, whatever the limits say: links count in full on Bluesky. */
  postLength(text: string, contentWarning: string | null, _limits?: NetworkLimits): number {
    return blueskyPostLength(text, contentWarning);
  }

  async uploadMedia(conn: AccountConnection, media: OutgoingMedia): Promise<string> {
    return this.withAgent(conn, async (agent) => {
      const res = await agent.uploadBlob(media.data, { encoding: media.mimeType });
      const uploaded: UploadedMedia = { blob: lexToJson(res.data.blob), alt: media.altText };
      return JSON.stringify(uploaded);
    });
  }

  /**
   * Links, mentions and hashtags become facets (mentions only when the handle resolves). The record
   * key comes from the idempotency key: a retry after a lost answer finds the record there and
   * returns it instead of posting again.
   */
  async publish(conn: AccountConnection, post: OutgoingPost, idempotencyKey: string): Promise<PublishedPost> {
    if (post.visibility !== 'public') {
      // Every Bluesky post is public: posting it would widen the audience that was asked for.
      throw new NetworkPermanentError(`Bluesky posts are always public; a ${post.visibility} post cannot be published there`);
    }
    const images = post.remoteMediaIds.map(decodeMedia);
    if (images.length > BLUESKY_LIMITS.maxMedia) {
      throw new NetworkPermanentError(`Bluesky takes at most ${BLUESKY_LIMITS.maxMedia} images per post`);
    }
    return this.withAgent(conn, async (agent, did) => {
      const rkey = idempotencyRkey(idempotencyKey);
      const rt = new RichText({ text: blueskyText(post.text, post.contentWarning) });
      await rt.detectFacets(agent);
      const createdAt = new Date();
      const record: AppBskyFeedPost.Record = {
        $type: POST_COLLECTION,
        text: rt.text,
        ...(rt.facets?.length ? { facets: rt.facets } : {}),
        ...(post.language ? { langs: [post.language] } : {}),
        ...(images.length > 0
          ? { embed: { $type: 'app.bsky.embed.images', images: images.map((i) => ({ image: i.blob, alt: i.alt })) } }
          : {}),
        createdAt: createdAt.toISOString(),
      };
      // A retry after a lost answer finds the record an earlier attempt wrote: that post is this one.
      const earlier = await this.existingPost(agent, did, rkey);
      if (earlier) return earlier;
      try {
        const res = await agent.com.atproto.repo.createRecord({ repo: did, collection: POST_COLLECTION, rkey, record });
        return { remoteId: res.data.uri, url: postUrl(res.data.uri), publishedAt: createdAt };
      } catch (err) {
        // The PDS answers a taken key with a 500 (a unique-constraint failure), not a clear error:
        // whatever the failure, a record now under that key means a concurrent attempt won.
        if (err instanceof XRPCError && err.status !== 401 && err.status !== 429) {
          const raced = await this.existingPost(agent, did, rkey).catch(() => null);
          if (raced) return raced;
        }
        throw err;
      }
    });
  }

  private async existingPost(agent: AtpAgent, did: string, rkey: string): Promise<PublishedPost | null> {
    try {
      const existing = await agent.com.atproto.repo.getRecord({ repo: did, collection: POST_COLLECTION, rkey });
      const value = existing.data.value as { createdAt?: unknown };
      const at = typeof value.createdAt === 'string' && !Number.isNaN(Date.parse(value.createdAt)) ? new Date(value.createdAt) : new Date();
      return { remoteId: existing.data.uri, url: postUrl(existing.data.uri), publishedAt: at };
    } catch (err) {
      if (err instanceof XRPCError && err.error === 'RecordNotFound') return null;
      throw err;
    }
  }

  /** Read from the profile record on the PDS (consistent at once, unlike the AppView's copy). */
  async readProfile(conn: AccountConnection): Promise<ProfileState> {
    return this.withAgent(conn, async (agent, did) => toProfileState(await this.profileRecord(agent, did), pdsUrl(agent), did));
  }

  async updateProfile(conn: AccountConnection, update: ProfileUpdate): Promise<ProfileState> {
    return this.withAgent(conn, async (agent, did) => {
      const avatar = update.avatar ? await this.upload(agent, update.avatar) : update.avatar;
      const banner = update.header ? await this.upload(agent, update.header) : update.header;
      const written = await this.upsertProfile(agent, did, (existing) => {
        const next: AppBskyActorProfile.Record = { ...existing, $type: PROFILE_COLLECTION };
        if (update.displayName !== undefined) setOrDelete(next, 'displayName', update.displayName);
        if (update.bio !== undefined) setOrDelete(next, 'description', update.bio);
        if (avatar !== undefined) setOrDelete(next, 'avatar', avatar);
        if (banner !== undefined) setOrDelete(next, 'banner', banner);
        return next;
      });
      return toProfileState({ value: written }, pdsUrl(agent), did);
    });
  }

  /**
   * Profile image URLs from `readProfile` are the PDS's getBlob URLs: fetched through the account's
   * session (original bytes, not the CDN's re-encoded copy). Any other URL is downloaded without
   * credentials, through the private-address guard.
   */
  async fetchImage(conn: AccountConnection, url: string): Promise<ProfileImage> {
    const blob = parseGetBlobUrl(url);
    if (!blob) return this.download(url);
    return this.withAgent(conn, async (agent) => {
      const res = await agent.com.atproto.sync.getBlob(blob);
      const data = res.data;
      if (data.byteLength > this.config.mediaMaxBytes) {
        throw new NetworkPermanentError(`${url} is larger than ${this.config.mediaMaxBytes} bytes`);
      }
      return { data, mimeType: requireImage(res.headers['content-type'] ?? null, data, url) };
    });
  }

  async pin(conn: AccountConnection, remoteId: string): Promise<void> {
    await this.withAgent(conn, async (agent, did) => {
      const uri = ownPostUri(remoteId, did);
      const post = await agent.com.atproto.repo.getRecord({ repo: did, collection: POST_COLLECTION, rkey: uri.rkey });
      if (!post.data.cid) throw new NetworkPermanentError(`The PDS gave no CID for ${remoteId}`);
      const cid = post.data.cid;
      await this.upsertProfile(agent, did, (existing) => ({ ...existing, $type: PROFILE_COLLECTION, pinnedPost: { uri: post.data.uri, cid } }));
    });
  }

  async unpin(conn: AccountConnection, remoteId: string): Promise<void> {
    await this.withAgent(conn, async (agent, did) => {
      const current = await this.profileRecord(agent, did);
      if (current?.value.pinnedPost?.uri !== remoteId) return;
      await this.upsertProfile(agent, did, (existing) => {
        const next: AppBskyActorProfile.Record = { ...existing, $type: PROFILE_COLLECTION };
        if (next.pinnedPost?.uri === remoteId) delete next.pinnedPost;
        return next;
      });
    });
  }

  /** Bluesky has no native scheduling: nothing is ever scheduled there. */
  async listNativeScheduled(): Promise<NativeScheduledPost[]> {
    return [];
  }

  async rescheduleNative(): Promise<void> {
    throw new NetworkPermanentError('Bluesky has no native scheduled posts');
  }

  async deleteNative(): Promise<void> {
    throw new NetworkPermanentError('Bluesky has no native scheduled posts');
  }

  /** One app.bsky.feed.getPosts (at most 25 uris); posts the AppView leaves out are gone. */
  async fetchCountsBatch(conn: AccountConnection, remoteIds: string[]): Promise<PostCounts[]> {
    if (remoteIds.length === 0) return [];
    return this.withAgent(conn, async (agent) => {
      const res = await agent.getPosts({ uris: remoteIds });
      return res.data.posts.map(toPostCounts);
    });
  }

  async fetchCounts(conn: AccountConnection, remoteId: string): Promise<PostCounts | null> {
    const [counts] = await this.fetchCountsBatch(conn, [remoteId]);
    return counts ?? null;
  }

  /** One app.bsky.feed.getPostThread, the reply tree flattened (depth first). Bluesky posts are all public. */
  async fetchReplies(conn: AccountConnection, remoteId: string): Promise<RemoteReply[] | null> {
    return this.withAgent(conn, async (agent) => {
      let thread: AppBskyFeedDefs.ThreadViewPost | null;
      try {
        const res = await agent.getPostThread({ uri: remoteId, depth: THREAD_DEPTH, parentHeight: 0 });
        thread = AppBskyFeedDefs.isThreadViewPost(res.data.thread) ? (res.data.thread as AppBskyFeedDefs.ThreadViewPost) : null;
      } catch (err) {
        if (err instanceof XRPCError && err.error === 'NotFound') return null;
        throw err;
      }
      if (!thread) return null;
      const replies: RemoteReply[] = [];
      const walk = (node: AppBskyFeedDefs.ThreadViewPost) => {
        for (const child of node.replies ?? []) {
          if (!AppBskyFeedDefs.isThreadViewPost(child)) continue;
          const reply = child as AppBskyFeedDefs.ThreadViewPost;
          replies.push(toRemoteReply(reply.post, node.post.uri));
          walk(reply);
        }
      };
      walk(thread);
      return replies;
    });
  }

  /**
   * Replies and mentions from the account's notifications, newest first as Bluesky pages them, back
   * to the cursor (the newest notification's index time read before). A reply record names its
   * thread's root, so no reply needs its ancestors looked up.
   */
  async fetchIncomingReplies(conn: AccountConnection, cursor: string | null, page: string | null): Promise<IncomingRepliesPage> {
    return this.withAgent(conn, async (agent) => {
      const token = page ? (JSON.parse(page) as { page: string; newest: string | null }) : null;
      const res = await agent.app.bsky.notification.listNotifications({
        limit: cursor === null ? FIRST_READ_PAGE : NOTIFICATIONS_PAGE,
        reasons: ['reply', 'mention'],
        ...(token && { cursor: token.page }),
      });
      const all = res.data.notifications;
      const since = cursor === null ? null : Date.parse(cursor);
      // The one read last comes again (same index time): harmless, replies already kept stay as they are.
      const fresh = all.filter((n) => since === null || Date.parse(n.indexedAt) >= since);
      const newest = token ? token.newest : (all[0]?.indexedAt ?? cursor);
      const more = since !== null && res.data.cursor !== undefined && all.length > 0 && fresh.length === all.length;
      const replies = fresh
        .filter((n) => n.reason === 'reply' || n.reason === 'mention')
        .map((n) => {
          const reply = (n.record as { reply?: { root?: { uri?: unknown }; parent?: { uri?: unknown } } }).reply;
          const view = { uri: n.uri, cid: n.cid, author: n.author, record: n.record, indexedAt: n.indexedAt } as AppBskyFeedDefs.PostView;
          return {
            ...toRemoteReply(view, ''),
            inReplyToRemoteId: typeof reply?.parent?.uri === 'string' ? reply.parent.uri : null,
            rootRemoteId: typeof reply?.root?.uri === 'string' ? reply.root.uri : null,
          };
        });
      return { replies, nextPage: more ? JSON.stringify({ page: res.data.cursor, newest }) : null, cursor: newest };
    });
  }

  /** Drops a cached session (after the account's credentials change, say). */
  forget(conn: AccountConnection): void {
    this.sessions.delete(sessionKey(conn));
  }

  /**
   * Runs a call with the account's session. A session the PDS no longer accepts (revoked app
   * password, refresh token expired) is dropped and the login tried once more before the call
   * fails as an auth error; a 401 means the PDS did nothing, so the call is safe to repeat.
   */
  private async withAgent<T>(conn: AccountConnection, call: (agent: AtpAgent, did: string) => Promise<T>): Promise<T> {
    return translate(toNetworkError, async () => {
      const key = sessionKey(conn);
      for (let attempt = 0; ; attempt++) {
        const { agent, fresh } = await this.agent(conn, key);
        try {
          return await call(agent, agent.assertDid);
        } catch (err) {
          if (!fresh && attempt === 0 && isSessionError(err)) {
            if (this.sessions.get(key) !== undefined) this.sessions.delete(key);
            continue;
          }
          throw err;
        }
      }
    });
  }

  private async agent(conn: AccountConnection, key: string): Promise<{ agent: AtpAgent; fresh: boolean }> {
    const cached = this.sessions.get(key);
    if (cached) {
      const agent = await cached.catch(() => undefined);
      if (agent?.hasSession) return { agent, fresh: false };
      if (this.sessions.get(key) === cached) this.sessions.delete(key);
    }
    const { identifier, appPassword } = parseBlueskySecret(conn.accessToken);
    const login = (async () => {
      const agent = new AtpAgent({ service: conn.instanceUrl, fetch: this.fetchFn(conn.instanceUrl) });
      await agent.login({ identifier, password: appPassword });
      return agent;
    })();
    this.sessions.set(key, login);
    if (this.sessions.size > MAX_CACHED_SESSIONS) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    try {
      return { agent: await login, fresh: true };
    } catch (err) {
      if (this.sessions.get(key) === login) this.sessions.delete(key);
      throw err;
    }
  }

  /**
   * fetch for AtpAgent: the configured timeout, no redirects, every connection through the address
   * guard. After createSession, AtpAgent sends the account's tokens to the PDS named by the DID
   * document it got back: a request to any origin other than the configured service is such a
   * PDS, and must be https and public before anything (a token above all) is sent to it.
   */
  private fetchFn(service: string): typeof globalThis.fetch {
    const timeoutMs = this.config.networks.timeoutMs;
    const serviceOrigin = new URL(service).origin;
    return async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : input.toString());
      if (url.origin !== serviceOrigin) await this.checkPdsEndpoint(url);
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
      return this.outbound.fetch(input, { ...init, signal });
    };
  }

  private async checkPdsEndpoint(url: URL): Promise<void> {
    const trustedUntil = this.checkedEndpoints.get(url.origin);
    if (trustedUntil !== undefined && trustedUntil > Date.now()) return;
    try {
      await this.outbound.guard.checkUrl(url.origin);
    } catch (err) {
      if (!(err instanceof BlockedDestinationError)) throw err;
      throw new BlockedDestinationError(err.target, `the PDS endpoint in the account's DID document ${err.reason.startsWith('must') ? err.reason : `is refused (${err.reason})`}`);
    }
    if (this.checkedEndpoints.size >= MAX_CACHED_SESSIONS) this.checkedEndpoints.clear();
    this.checkedEndpoints.set(url.origin, Date.now() + ENDPOINT_CHECK_TTL_MS);
  }

  private async upload(agent: AtpAgent, image: ProfileImage): Promise<BlobRef> {
    const res = await agent.uploadBlob(image.data, { encoding: image.mimeType });
    return res.data.blob;
  }

  private async profileRecord(agent: AtpAgent, did: string): Promise<{ value: AppBskyActorProfile.Record; cid?: string } | undefined> {
    try {
      const res = await agent.com.atproto.repo.getRecord({ repo: did, collection: PROFILE_COLLECTION, rkey: PROFILE_RKEY });
      return { value: res.data.value as AppBskyActorProfile.Record, ...(res.data.cid && { cid: res.data.cid }) };
    } catch (err) {
      if (err instanceof XRPCError && err.error === 'RecordNotFound') return undefined;
      throw err;
    }
  }

  /**
   * Read, change, write with a compare-and-swap on the record's CID. Unlike AtpAgent.upsertProfile,
   * a failed read is not taken for "no profile" (which would wipe the fields left out).
   */
  private async upsertProfile(
    agent: AtpAgent,
    did: string,
    change: (existing: AppBskyActorProfile.Record | undefined) => AppBskyActorProfile.Record,
  ): Promise<AppBskyActorProfile.Record> {
    for (let attempt = 0; ; attempt++) {
      const existing = await this.profileRecord(agent, did);
      const record = change(existing?.value);
      try {
        await agent.com.atproto.repo.putRecord({
          repo: did,
          collection: PROFILE_COLLECTION,
          rkey: PROFILE_RKEY,
          record,
          swapRecord: existing?.cid ?? null,
        });
        return record;
      } catch (err) {
        if (attempt < PROFILE_SWAP_RETRIES && err instanceof XRPCError && err.error === 'InvalidSwap') continue;
        throw err;
      }
    }
  }

  private download(url: string): Promise<ProfileImage> {
    return downloadImage(url, {
      outbound: this.outbound,
      timeoutMs: this.config.networks.timeoutMs,
      maxBytes: this.config.mediaMaxBytes,
    });
  }
}

const AUTH_ERRORS = new Set(['AuthenticationRequired', 'ExpiredToken', 'InvalidToken', 'AccountTakedown', 'AuthFactorTokenRequired', 'AccountDeactivated']);

/** XRPC wraps the guard's refusal (an address, a redirect, the DID document's PDS) as the cause. */
export function toNetworkError(err: unknown): NetworkError {
  return libraryError(err, (e) => (e instanceof XRPCError ? xrpcError(e) : transportError('Bluesky', e)));
}

function xrpcError(err: XRPCError): NetworkError {
  const msg = `Bluesky answered ${err.status}${err.error ? ` ${err.error}` : ''}: ${err.message}`;
  if (err.status === 401 || AUTH_ERRORS.has(err.error)) return new NetworkAuthError(msg, err.status);
  // 1: no answer at all (network); 2: an answer that failed the lexicon (a server fault).
  if (err.status === 1 || err.status === 2) return new NetworkTransientError(msg);
  return errorForStatus(err.status, msg, (name) => err.headers?.[name] ?? null);
}

function isSessionError(err: unknown): boolean {
  return err instanceof XRPCError && (err.status === 401 || ['ExpiredToken', 'InvalidToken', 'AuthenticationRequired'].includes(err.error));
}

function sessionKey(conn: AccountConnection): string {
  return createHash('sha256').update(conn.instanceUrl).update('\0').update(conn.accessToken).digest('hex');
}

function pdsUrl(agent: AtpAgent): URL {
  return agent.pdsUrl ?? agent.serviceUrl;
}

function decodeMedia(id: string): { blob: BlobRef; alt: string } {
  try {
    const parsed = JSON.parse(id) as UploadedMedia;
    const blob = toBlobRef(jsonToLex(parsed.blob));
    if (blob && typeof parsed.alt === 'string') return { blob, alt: parsed.alt };
  } catch {
    // reported below
  }
  throw new NetworkPermanentError(`Not a Bluesky media id: ${id.slice(0, 100)}`);
}

function ownPostUri(remoteId: string, did: string): AtUri {
  let uri: AtUri;
  try {
    uri = new AtUri(remoteId);
  } catch {
    throw new NetworkPermanentError(`Not a post URI: ${remoteId}`);
  }
  if (uri.host !== did || uri.collection !== POST_COLLECTION) throw new NetworkPermanentError(`${remoteId} is not a post of this account`);
  return uri;
}

function postUrl(uri: string, handle?: string): string | null {
  try {
    const at = new AtUri(uri);
    return `${WEB_APP}/profile/${handle ?? at.host}/post/${at.rkey}`;
  } catch {
    return null;
  }
}

function setOrDelete<K extends 'displayName' | 'description' | 'avatar' | 'banner'>(
  record: AppBskyActorProfile.Record,
  key: K,
  value: AppBskyActorProfile.Record[K] | null,
): void {
  if (value === null || value === '') delete record[key];
  else record[key] = value;
}

function blobUrl(pds: URL, did: string, blob: unknown): string | null {
  const ref = toBlobRef(blob);
  if (!ref) return null;
  const url = new URL('/xrpc/com.atproto.sync.getBlob', pds);
  url.search = new URLSearchParams({ did, cid: ref.ref.toString() }).toString();
  return url.toString();
}

/** A record's blob field: a BlobRef once the client has decoded it, its IPLD form otherwise. */
function toBlobRef(value: unknown): BlobRef | null {
  return value instanceof BlobRef ? value : BlobRef.asBlobRef(value);
}

function parseGetBlobUrl(raw: string): { did: string; cid: string } | null {
  if (!URL.canParse(raw)) return null;
  const url = new URL(raw);
  if (url.pathname !== '/xrpc/com.atproto.sync.getBlob') return null;
  const did = url.searchParams.get('did');
  const cid = url.searchParams.get('cid');
  return did && cid ? { did, cid } : null;
}

function toProfileState(profile: { value: AppBskyActorProfile.Record } | undefined, pds: URL, did: string): ProfileState {
  const value = profile?.value;
  return {
    displayName: value?.displayName ?? '',
    bio: value?.description ?? '',
    avatarUrl: value?.avatar ? blobUrl(pds, did, value.avatar) : null,
    headerUrl: value?.banner ? blobUrl(pds, did, value.banner) : null,
  };
}

function toPostCounts(p: AppBskyFeedDefs.PostView): PostCounts {
  return {
    remoteId: p.uri,
    favourites: p.likeCount ?? 0,
    boosts: p.repostCount ?? 0,
    replies: p.replyCount ?? 0,
    quotes: p.quoteCount ?? 0,
    impressions: null,
  };
}

function toRemoteReply(p: AppBskyFeedDefs.PostView, parentUri: string): RemoteReply {
  const record = p.record as Partial<AppBskyFeedPost.Record>;
  const text = typeof record.text === 'string' ? record.text : '';
  const handle = p.author.handle;
  const reply = record.reply as { parent?: { uri?: unknown } } | undefined;
  const createdAt = typeof record.createdAt === 'string' && !Number.isNaN(Date.parse(record.createdAt)) ? record.createdAt : p.indexedAt;
  return {
    remoteId: p.uri,
    inReplyToRemoteId: typeof reply?.parent?.uri === 'string' ? reply.parent.uri : parentUri,
    visibility: 'public',
    authorHandle: `@${handle}`,
    authorName: p.author.displayName || handle,
    authorUrl: `${WEB_APP}/profile/${handle}`,
    html: richTextHtml(text, Array.isArray(record.facets) ? record.facets : undefined),
    language: Array.isArray(record.langs) && typeof record.langs[0] === 'string' ? record.langs[0] : null,
    url: postUrl(p.uri, handle),
    postedAt: new Date(createdAt),
    editedAt: null,
  };
}

/** The post's text as HTML, its facets as links (mentions and hashtags to bsky.app), like Mastodon's content. */
export function richTextHtml(text: string, facets: AppBskyFeedPost.Record['facets']): string {
  const rt = new RichText({ text, ...(facets && { facets }) });
  let html = '';
  for (const segment of rt.segments()) {
    const inner = escapeHtml(segment.text).replace(/\n/g, '<br>');
    const href = segment.link
      ? segment.link.uri
      : segment.mention
        ? `${WEB_APP}/profile/${segment.mention.did}`
        : segment.tag
          ? `${WEB_APP}/hashtag/${encodeURIComponent(segment.tag.tag)}`
          : null;
    html += href && /^https?:\/\//i.test(href) ? `<a href="${escapeHtml(href)}">${inner}</a>` : inner;
  }
  return `<p>${html}</p>`;
}

