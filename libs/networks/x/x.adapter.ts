import { Inject, Injectable } from '@nestjs/common';
import twitterText from 'twitter-text';
import {
  ApiPartialResponseError,
  ApiRequestError,
  ApiResponseError,
  TwitterApi,
  type ITwitterApiClientPlugin,
  type SendTweetV2Params,
  type TweetV2,
  type UserV2,
} from 'twitter-api-v2';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { escapeHtml } from '#html/escape.js';
import {
  BlockedDestinationError,
  NetworkAuthError,
  NetworkError,
  NetworkPermanentError,
  NetworkRateLimitedError,
  NetworkTransientError,
  NetworkUnsupportedError,
  RedirectRefusedError,
} from '../errors.js';
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
import { OutboundHttp } from '../http/outbound-http.js';
import { X_CHARACTERS_PER_URL, X_MAX_CHARACTERS, xPostLength, xPostText } from './x-text.js';

export const X_API_URL = 'https://api.x.com';
/** offline.access: X only gives a refresh token with it. media.write: the v2 media upload. */
export const X_OAUTH_SCOPES = ['tweet.read', 'tweet.write', 'users.read', 'offline.access', 'media.write'];
const X_LIMITS: NetworkLimits = { maxCharacters: X_MAX_CHARACTERS, maxMedia: 4, charactersPerUrl: X_CHARACTERS_PER_URL };
// GET /2/tweets takes at most 100 ids.
const LOOKUP_LIMIT = 100;
// X's rate-limit windows are 15 minutes: the wait when a 429 says nothing usable.
const DEFAULT_RATE_LIMIT_WAIT_MS = 15 * 60_000;
// X stores created_at to the second, and its clock is not ours.
const CLOCK_SKEW_MS = 5 * 60_000;
const REPLY_FIELDS = {
  max_results: 100,
  'tweet.fields': ['created_at', 'conversation_id', 'referenced_tweets', 'lang', 'author_id'],
  expansions: ['author_id'],
  'user.fields': ['name', 'username'],
} as const;

/** Where an X account's mentions were read up to (X's since_id), and whose they are. */
interface MentionsCursor {
  user: string;
  newest: string | null;
}

/**
 * What `AccountConnection.accessToken` holds for an X account: OAuth 2.0 user tokens, opaque JSON to
 * every caller. X rotates the refresh token on each refresh, so the new secret must be stored at once.
 */
export interface XSecret {
  accessToken: string;
  refreshToken: string | null;
  /** ISO time the access token stops working; null when X did not say. */
  expiresAt: string | null;
  clientId: string;
}

export function parseXSecret(raw: string): XSecret {
  let parsed: Partial<XSecret>;
  try {
    parsed = JSON.parse(raw) as Partial<XSecret>;
  } catch {
    throw new NetworkAuthError('The X credentials are not readable: reconnect the account');
  }
  if (typeof parsed?.accessToken !== 'string' || typeof parsed.clientId !== 'string') {
    throw new NetworkAuthError('The X credentials are incomplete: reconnect the account');
  }
  return { accessToken: parsed.accessToken, refreshToken: parsed.refreshToken ?? null, expiresAt: parsed.expiresAt ?? null, clientId: parsed.clientId };
}

export function serializeXSecret(secret: XSecret): string {
  return JSON.stringify(secret);
}

/** Whether the access token expires within `marginMs` (refresh it first): X's tokens last two hours. */
export function xNeedsRefresh(secret: XSecret, now = new Date(), marginMs = 5 * 60_000): boolean {
  return secret.expiresAt !== null && Date.parse(secret.expiresAt) - now.getTime() <= marginMs;
}

export interface XOAuthClient {
  clientId: string;
  /** Confidential clients (web apps) have one; public clients do not. */
  clientSecret?: string;
}

@Injectable()
export class XAdapter implements NetworkAdapter {
  readonly network = 'x' as const;
  readonly capabilities: NetworkCapabilities = { pin: false, nativeScheduling: false, profileImages: false };
  readonly countsBatchSize = LOOKUP_LIMIT;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outbound: OutboundHttp,
  ) {}

  /** The client for an account's user token. */
  client(conn: AccountConnection): TwitterApi {
    return this.apiClient(conn.instanceUrl, parseXSecret(conn.accessToken).accessToken);
  }

  /** OAuth 2.0 + PKCE: where to send the person, and the verifier to keep (with `state`) until the callback. */
  authorizationUrl(clientId: string, redirectUri: string, state: string): { url: string; codeVerifier: string } {
    const link = new TwitterApi({ clientId }).generateOAuth2AuthLink(redirectUri, { state, scope: X_OAUTH_SCOPES });
    return { url: link.url, codeVerifier: link.codeVerifier };
  }

  /** The callback's code against tokens; returns the account secret to store. */
  async exchangeCode(
    instanceUrl: string,
    client: XOAuthClient & { redirectUri: string },
    code: string,
    codeVerifier: string,
  ): Promise<string> {
    return translate(toNetworkError, async () => {
      const result = await this.apiClient(instanceUrl, client).loginWithOAuth2({ code, codeVerifier, redirectUri: client.redirectUri });
      return serializeXSecret(toSecret(result, client.clientId));
    });
  }

  /**
   * New tokens from the refresh token; returns the new secret (the old refresh token no longer works).
   * Any refusal means the account must be reconnected: NetworkAuthError.
   */
  async refresh(instanceUrl: string, secretRaw: string, clientSecret?: string): Promise<string> {
    const secret = parseXSecret(secretRaw);
    if (!secret.refreshToken) throw new NetworkAuthError('X gave no refresh token: reconnect the account');
    try {
      const result = await this.apiClient(instanceUrl, { clientId: secret.clientId, clientSecret }).refreshOAuth2Token(secret.refreshToken);
      return serializeXSecret(toSecret(result, secret.clientId));
    } catch (err) {
      const translated = toNetworkError(err);
      if (translated instanceof BlockedDestinationError) throw translated;
      // invalid_grant (400), revoked app (401/403): only a new authorisation helps. Network trouble
      // and 429s stay retryable: the refresh token has not been used up.
      if (translated instanceof NetworkPermanentError) throw new NetworkAuthError(`X refused the token refresh: ${translated.message}`);
      throw translated;
    }
  }

  /** X's access tokens last two hours: renewed a few minutes before they run out. */
  credentialsDue(conn: AccountConnection, now: Date): boolean {
    return xNeedsRefresh(parseXSecret(conn.accessToken), now);
  }

  async renewCredentials(conn: AccountConnection, now: Date): Promise<string | null> {
    if (!this.credentialsDue(conn, now)) return null;
    return this.refresh(conn.instanceUrl, conn.accessToken, this.config.networks.xClientSecret ?? undefined);
  }

  async verify(conn: AccountConnection): Promise<VerifiedAccount> {
    return translate(toNetworkError, async () => {
      const { data: me } = await this.client(conn).v2.me({ 'user.fields': ['name', 'username', 'description', 'profile_image_url'] });
      return { remoteId: me.id, handle: `@${me.username}`, displayName: me.name || me.username, profileUrl: profileUrl(me.username), limits: { ...X_LIMITS } };
    });
  }

  /** X's API is the same for every account: only the rate-limit headers are read from an answer. */
  async detectCapabilities(conn: AccountConnection): Promise<DetectedCapabilities> {
    return translate(toNetworkError, async () => {
      const res = await this.client(conn).v2.get('users/me', {}, { fullResponse: true });
      const limit = res.rateLimit?.limit;
      return {
        limits: { ...X_LIMITS },
        features: {
          multiStatus: { support: 'yes', detail: 'GET /2/tweets looks up 100 posts at a time' },
          scheduledStatuses: { support: 'no', detail: "X's API shows no natively scheduled posts: nothing to move" },
          pin: { support: 'no', detail: "X's API has no route to pin a post: the opening post is published unpinned" },
          profileFields: { support: 'yes', detail: 'PUT /2/users/me changes the name and description' },
          profileImages: { support: 'no', detail: "X's API v2 has no route for profile images: they are left as they are" },
          avatarRemoval: { support: 'no', detail: "X's API v2 has no route for profile images" },
          headerRemoval: { support: 'no', detail: "X's API v2 has no route for profile images" },
          rateLimitHeaders:
            typeof limit === 'number'
              ? { support: 'yes', detail: `answers carry x-rate-limit-limit: ${limit}` }
              : { support: 'no', detail: 'answers carry no x-rate-limit-* headers: Piquet keeps to its own budget' },
          replyNotifications: { support: 'yes', detail: 'GET /2/users/:id/mentions names replies with their conversation' },
        },
      };
    });
  }

  postLength(text: string, contentWarning: string | null, _limits: NetworkLimits): number {
    return xPostLength(text, contentWarning);
  }

  async uploadMedia(conn: AccountConnection, media: OutgoingMedia): Promise<string> {
    return translate(toNetworkError, async () => {
      const client = this.client(conn);
      const mediaId = await client.v2.uploadMedia(Buffer.from(media.data), { media_type: media.mimeType as never });
      if (media.altText) await client.v2.createMediaMetadata(mediaId, { alt_text: { text: media.altText } });
      return mediaId;
    });
  }

  /**
   * X has no idempotency key. When the outcome is unknown (the request may have reached X: timeout,
   * connection lost, 5xx, or X refusing a duplicate of a post it already has), the account's latest
   * posts are checked for this text before anything is thrown, so a retry never posts twice.
   */
  async publish(conn: AccountConnection, post: OutgoingPost, _idempotencyKey: string): Promise<PublishedPost> {
    if (post.visibility === 'private' || post.visibility === 'direct') {
      throw new NetworkPermanentError(`X has no ${post.visibility} posts: every post is public`);
    }
    const client = this.client(conn);
    const text = xPostText(post.text, post.contentWarning);
    const payload: SendTweetV2Params = { text };
    if (post.remoteMediaIds.length > 0) payload.media = { media_ids: post.remoteMediaIds as [string] };
    const startedAt = Date.now();
    try {
      const { data } = await client.v2.tweet(payload);
      return { remoteId: data.id, url: statusUrl(null, data.id), publishedAt: new Date() };
    } catch (err) {
      if (!outcomeUnknown(err)) throw toNetworkError(err);
      // A duplicate refusal points to an earlier attempt, started before this one: any recent post counts.
      const since = isDuplicateRefusal(err) ? null : startedAt;
      const found = await this.findRecentPost(client, text, since).catch((checkErr: unknown) => {
        throw new NetworkTransientError(`X's answer to a post was lost and its timeline could not be checked: ${toNetworkError(checkErr).message}`);
      });
      if (found) return found;
      if (isDuplicateRefusal(err)) throw toNetworkError(err);
      throw new NetworkTransientError(`X's answer to a post was lost (${toNetworkError(err).message}) and the post is not on the account's timeline`);
    }
  }

  async readProfile(conn: AccountConnection): Promise<ProfileState> {
    return translate(toNetworkError, async () => {
      const { data: me } = await this.client(conn).v2.me({ 'user.fields': ['name', 'description'] });
      return { displayName: me.name, bio: me.description ?? '', avatarUrl: null, headerUrl: null };
    });
  }

  /**
   * Name and description through API v2 `PUT /2/users/me`, the route that takes the OAuth 2.0 user
   * token Piquet holds (v1.1 `account/update_profile` wants OAuth 1.0a). Only the fields sent change.
   * X's profile images are not handled.
   */
  async updateProfile(conn: AccountConnection, update: ProfileUpdate): Promise<ProfileState> {
    if (update.avatar !== undefined || update.header !== undefined) {
      throw new NetworkUnsupportedError('Piquet does not change profile images on X');
    }
    if (update.displayName === undefined && update.bio === undefined) return this.readProfile(conn);
    return translate(toNetworkError, async () => {
      const res = await this.client(conn).v2.put<{ data?: Partial<UserV2> }>('users/me', {
        ...(update.displayName !== undefined && { name: update.displayName }),
        ...(update.bio !== undefined && { description: update.bio }),
      });
      const user = res?.data;
      // X answers with the updated user; an answer without it is read back rather than guessed.
      if (typeof user?.name !== 'string') return this.readProfile(conn);
      return { displayName: user.name, bio: user.description ?? '', avatarUrl: null, headerUrl: null };
    });
  }

  async fetchImage(_conn: AccountConnection, _url: string): Promise<ProfileImage> {
    throw new NetworkUnsupportedError('Piquet does not handle profile images on X');
  }

  async pin(_conn: AccountConnection, _remoteId: string): Promise<void> {
    throw new NetworkUnsupportedError('Piquet does not pin posts on X');
  }

  /** Nothing is ever pinned by Piquet on X, so nothing is left to unpin. */
  async unpin(_conn: AccountConnection, _remoteId: string): Promise<void> {}

  /** X's API shows no natively scheduled posts. */
  async listNativeScheduled(_conn: AccountConnection): Promise<NativeScheduledPost[]> {
    return [];
  }

  async rescheduleNative(_conn: AccountConnection, _remoteId: string, _at: Date): Promise<void> {
    throw new NetworkUnsupportedError('X has no natively scheduled posts in its API');
  }

  async deleteNative(_conn: AccountConnection, _remoteId: string): Promise<void> {}

  /** One `GET /2/tweets?ids=` (at most 100 ids); posts X leaves out (deleted, protected) are absent. */
  async fetchCountsBatch(conn: AccountConnection, remoteIds: string[]): Promise<PostCounts[]> {
    if (remoteIds.length === 0) return [];
    if (remoteIds.length > LOOKUP_LIMIT) throw new NetworkPermanentError(`X looks up at most ${LOOKUP_LIMIT} posts per request`);
    return translate(toNetworkError, async () => {
      const res = await this.client(conn).v2.tweets(remoteIds, { 'tweet.fields': ['public_metrics', 'conversation_id'] });
      return (res.data ?? []).map(toPostCounts);
    });
  }

  async fetchCounts(conn: AccountConnection, remoteId: string): Promise<PostCounts | null> {
    return (await this.fetchCountsBatch(conn, [remoteId]))[0] ?? null;
  }

  /**
   * Replies through a recent search on the conversation (every page). X's recent search covers the
   * last seven days. When it finds nothing, a lookup tells "no replies" from "post gone".
   */
  async fetchReplies(conn: AccountConnection, remoteId: string): Promise<RemoteReply[] | null> {
    return translate(toNetworkError, async () => {
      const client = this.client(conn);
      const paginator = await client.v2.search(`conversation_id:${remoteId}`, { ...REPLY_FIELDS, 'tweet.fields': [...REPLY_FIELDS['tweet.fields']], expansions: [...REPLY_FIELDS.expansions], 'user.fields': [...REPLY_FIELDS['user.fields']] });
      const replies: RemoteReply[] = [];
      for await (const tweet of paginator) {
        if (tweet.id === remoteId) continue;
        replies.push(toRemoteReply(tweet, paginator.includes.author(tweet)));
      }
      if (replies.length === 0) {
        const lookup = await client.v2.tweets([remoteId], { 'tweet.fields': ['conversation_id'] });
        if (!lookup.data?.some((t) => t.id === remoteId)) return null;
      }
      return replies;
    });
  }

  /**
   * Mentions of the account (every reply in a thread it posted in mentions it) after the cursor, newest
   * first as X pages them; a reply's thread is its conversation. The cursor keeps the account's user
   * id, so only a first read asks who the account is (and reads nothing else).
   */
  async fetchIncomingReplies(conn: AccountConnection, cursor: string | null, page: string | null): Promise<IncomingRepliesPage> {
    return translate(toNetworkError, async () => {
      const client = this.client(conn);
      const at = cursor ? (JSON.parse(cursor) as MentionsCursor) : null;
      if (!at) {
        const { data: me } = await client.v2.me();
        return { replies: [], nextPage: null, cursor: JSON.stringify({ user: me.id, newest: null } satisfies MentionsCursor) };
      }
      const token = page ? (JSON.parse(page) as { token: string; newest: string | null }) : null;
      const timeline = await client.v2.userMentionTimeline(at.user, {
        ...REPLY_FIELDS,
        'tweet.fields': [...REPLY_FIELDS['tweet.fields']],
        expansions: [...REPLY_FIELDS.expansions],
        'user.fields': [...REPLY_FIELDS['user.fields']],
        ...(at.newest && { since_id: at.newest }),
        ...(token && { pagination_token: token.token }),
      });
      // The newest mention is on the first page: where the next read starts once every page is read.
      const newest = token ? token.newest : (timeline.meta.newest_id ?? at.newest);
      const replies = timeline.tweets.map((t) => ({ ...toRemoteReply(t, timeline.includes.author(t)), rootRemoteId: t.conversation_id ?? null }));
      // A first read takes the latest page only: older replies are found by the reply counts.
      const next = at.newest !== null ? timeline.meta.next_token : undefined;
      return {
        replies,
        nextPage: next ? JSON.stringify({ token: next, newest }) : null,
        cursor: JSON.stringify({ user: at.user, newest } satisfies MentionsCursor),
      };
    });
  }

  /**
   * The latest posts of the account, for one with this text created since the attempt started
   * (`since`, less a margin for clock differences; null: any of the latest ten).
   * X rewrites links to t.co, escapes &, < and > and appends a link for media: texts are compared
   * without links, entities decoded, whitespace collapsed.
   */
  private async findRecentPost(client: TwitterApi, text: string, since: number | null): Promise<PublishedPost | null> {
    const { data: me } = await client.v2.me();
    const timeline = await client.v2.userTimeline(me.id, {
      max_results: 10,
      'tweet.fields': ['created_at'],
      ...(since !== null && { start_time: new Date(since - CLOCK_SKEW_MS).toISOString() }),
    });
    const wanted = comparableText(text);
    const recent = (t: TweetV2) => since === null || !t.created_at || Date.parse(t.created_at) >= since - CLOCK_SKEW_MS;
    const match = timeline.tweets.find((t) => comparableText(t.text) === wanted && recent(t));
    if (!match) return null;
    return { remoteId: match.id, url: statusUrl(me.username, match.id), publishedAt: match.created_at ? new Date(match.created_at) : new Date() };
  }

  private apiClient(instanceUrl: string, auth: string | XOAuthClient): TwitterApi {
    const base = this.checkApiUrl(instanceUrl);
    const timeout = this.config.networks.timeoutMs;
    const rewrite: ITwitterApiClientPlugin = {
      onBeforeRequest({ computedParams, requestOptions }) {
        // twitter-api-v2 always addresses api.x.com: send it to the connection's base instead.
        computedParams.url.protocol = base.protocol;
        computedParams.url.host = base.host;
        requestOptions.timeout = timeout;
      },
      // https.request follows no redirect, and twitter-api-v2 takes a 3xx for a success without
      // data. X's answers are JSON objects: a Location with no such body is a redirect, refused.
      onAfterRequest({ response }) {
        const location = response.headers['location'];
        if (location && (typeof response.data !== 'object' || response.data === null)) {
          throw new RedirectRefusedError(`${base.origin} answered with a redirect; Piquet follows no redirects there`);
        }
      },
    };
    const token = typeof auth === 'string' ? auth : { clientId: auth.clientId, ...(auth.clientSecret && { clientSecret: auth.clientSecret }) };
    return new TwitterApi(token as string, {
      plugins: [rewrite],
      // Its requests go through https.request (it follows no redirects): the guarded agent checks
      // every address it connects to; plain http (tests, the sandbox) needs an http agent anyway.
      httpAgent: this.outbound.nodeAgent(base.protocol),
    });
  }

  /** https only, except where private instances are allowed (tests, the sandbox). */
  private checkApiUrl(instanceUrl: string): URL {
    if (!URL.canParse(instanceUrl)) throw new NetworkPermanentError(`Not a valid X API URL: ${instanceUrl}`);
    const url = new URL(instanceUrl);
    this.outbound.guard.checkScheme(url);
    return url;
  }
}

// EBLOCKED: the address guard refused the connection, so nothing was sent.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EBLOCKED']);

function requestCause(err: ApiRequestError): { code?: string; message?: string } | undefined {
  // twitter-api-v2 keeps the socket error as `_options.error` (its `requestError` getter reads another key).
  const options = (err as unknown as { _options?: { error?: unknown; requestError?: unknown } })._options;
  return (err.requestError ?? options?.error ?? options?.requestError) as { code?: string; message?: string } | undefined;
}

/** Whether a failed publish may nonetheless have been posted. */
function outcomeUnknown(err: unknown): boolean {
  if (err instanceof ApiRequestError) return !NOT_SENT_CODES.has(requestCause(err)?.code ?? '');
  if (err instanceof ApiPartialResponseError) return true;
  if (err instanceof ApiResponseError) return err.code >= 500 || isDuplicateRefusal(err);
  return false;
}

/** X refuses a post with the same text as a recent one: after a lost answer, that one may be ours. */
function isDuplicateRefusal(err: unknown): boolean {
  return err instanceof ApiResponseError && err.code === 403 && /duplicate/i.test(errorDetail(err));
}

function errorDetail(err: ApiResponseError): string {
  const data = err.data as { detail?: string; title?: string; error?: string; error_description?: string; errors?: { message?: string }[] } | undefined;
  return data?.detail ?? data?.error_description ?? data?.errors?.[0]?.message ?? data?.title ?? data?.error ?? err.message;
}

/** twitter-api-v2 keeps the guard's refusal (the socket error) inside its own error. */
export function toNetworkError(err: unknown): NetworkError {
  return libraryError(err, twitterError);
}

function twitterError(err: unknown): NetworkError {
  if (err instanceof ApiResponseError) {
    const msg = `X answered ${err.code}: ${errorDetail(err)}`;
    // X's reset is per endpoint, and a spent daily budget has its own: read from its parsed headers.
    if (err.rateLimitError || err.code === 429) return new NetworkRateLimitedError(msg, rateLimitReset(err), err.code);
    return errorForStatus(err.code, msg);
  }
  if (err instanceof ApiPartialResponseError) return new NetworkTransientError(`X's answer was cut off: ${err.message}`);
  if (err instanceof ApiRequestError) {
    const cause = requestCause(err);
    if (cause?.message === 'Request timeout.') return new NetworkTransientError('X did not answer in time');
    return new NetworkTransientError(`Network error talking to X: ${cause?.code ?? cause?.message ?? err.message}`);
  }
  return transportError('X', err);
}

/**
 * X's x-rate-limit-reset is in epoch seconds, per endpoint. A spent 24-hour user budget (posting)
 * sets its own reset, later than the window's.
 */
function rateLimitReset(err: ApiResponseError): Date {
  const rl = err.rateLimit;
  const resets: number[] = [];
  if (rl && Number.isFinite(rl.reset) && rl.reset > 0) resets.push(rl.reset * 1000);
  if (rl?.userDay && rl.userDay.remaining === 0 && Number.isFinite(rl.userDay.reset)) resets.push(rl.userDay.reset * 1000);
  if (rl?.day && rl.day.remaining === 0 && Number.isFinite(rl.day.reset)) resets.push(rl.day.reset * 1000);
  if (resets.length > 0) return new Date(Math.max(...resets));
  const retryAfter = Number(err.headers?.['retry-after']);
  if (Number.isFinite(retryAfter) && retryAfter > 0) return new Date(Date.now() + retryAfter * 1000);
  return new Date(Date.now() + DEFAULT_RATE_LIMIT_WAIT_MS);
}

function toSecret(result: { accessToken: string; refreshToken?: string; expiresIn: number }, clientId: string): XSecret {
  return {
    accessToken: result.accessToken,
    refreshToken: result.refreshToken ?? null,
    expiresAt: Number.isFinite(result.expiresIn) && result.expiresIn > 0 ? new Date(Date.now() + result.expiresIn * 1000).toISOString() : null,
    clientId,
  };
}

function profileUrl(username: string): string {
  return `https://x.com/${username}`;
}

/** Without the author's name, X's /i/web/status/ form redirects to the post. */
function statusUrl(username: string | null, id: string): string {
  return username ? `https://x.com/${username}/status/${id}` : `https://x.com/i/web/status/${id}`;
}

function toPostCounts(t: TweetV2): PostCounts {
  const m = t.public_metrics;
  return {
    remoteId: t.id,
    favourites: m?.like_count ?? 0,
    boosts: m?.retweet_count ?? 0,
    replies: m?.reply_count ?? 0,
    quotes: m?.quote_count ?? null,
    impressions: typeof m?.impression_count === 'number' ? m.impression_count : null,
  };
}

function toRemoteReply(t: TweetV2, author: UserV2 | undefined): RemoteReply {
  const username = author?.username ?? t.author_id ?? 'unknown';
  return {
    remoteId: t.id,
    inReplyToRemoteId: t.referenced_tweets?.find((r) => r.type === 'replied_to')?.id ?? null,
    // Every post on X is public (protected accounts' posts do not show up in search).
    visibility: 'public',
    authorHandle: `@${username}`,
    authorName: author?.name || username,
    authorUrl: author ? profileUrl(author.username) : null,
    html: textToHtml(t.text),
    language: t.lang && t.lang !== 'und' ? t.lang : null,
    url: author ? statusUrl(author.username, t.id) : statusUrl(null, t.id),
    postedAt: t.created_at ? new Date(t.created_at) : new Date(),
    editedAt: null,
  };
}

/** X gives plain text with &, < and > already escaped: links become anchors, line breaks <br>. */
export function textToHtml(text: string): string {
  const plain = decodeXEntities(text);
  let html = '';
  let at = 0;
  for (const { url, indices } of twitterText.extractUrlsWithIndices(plain)) {
    const [start, end] = indices;
    html += escapeHtml(plain.slice(at, start));
    const href = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `https://${url}`;
    html += `<a href="${escapeHtml(href)}">${escapeHtml(url)}</a>`;
    at = end;
  }
  html += escapeHtml(plain.slice(at));
  return `<p>${html.replace(/\r?\n/g, '<br>')}</p>`;
}

function decodeXEntities(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Text as compared after a lost answer: links dropped (t.co, media), entities decoded, spaces collapsed, NFC. */
export function comparableText(text: string): string {
  const plain = decodeXEntities(text).normalize('NFC');
  let out = '';
  let at = 0;
  for (const { indices } of twitterText.extractUrlsWithIndices(plain)) {
    out += `${plain.slice(at, indices[0])} `;
    at = indices[1];
  }
  out += plain.slice(at);
  return out.replace(/\s+/g, ' ').trim();
}
