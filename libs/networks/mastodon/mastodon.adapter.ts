import { Inject, Injectable } from '@nestjs/common';
import { createOAuthAPIClient, createRestAPIClient, MastoDeserializeError, MastoHttpError, MastoTimeoutError, MastoUnexpectedError, type mastodon } from 'masto';
import type { Dispatcher } from 'undici';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { NetworkError, NetworkPermanentError, NetworkTransientError, NetworkUnsupportedError, statusOf } from '../errors.js';
import { errorForStatus, isJsonType, libraryError, transportError, translate, unexpectedBody } from '../http-errors.js';
import { recordResponses, type RecordedResponse } from '../response-recorder.js';
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
import { downloadImage } from '../image-download.js';
import { postJson } from './post-json.js';
import { OutboundHttp } from '../http/outbound-http.js';
import { detectMastodonCapabilities } from './capabilities.js';
import { mastodonPostLength } from './text-length.js';

type Client = mastodon.rest.Client;

const OAUTH_SCOPES = 'read write';
const DEFAULT_LIMITS: NetworkLimits = { maxCharacters: 500, maxMedia: 4, charactersPerUrl: 23 };
// Mastodon 4.3+ answers GET /api/v1/statuses?id[]= for at most 20 ids (422 above).
const MULTI_STATUS_LIMIT = 20;
// Mastodon answers at most 80 notifications a page; a first read takes its default page of 40.
const NOTIFICATIONS_PAGE = 80;
const FIRST_READ_PAGE = 40;
// Mastodon's image processing goes by the file name as well as the declared type.
const IMAGE_EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp' };

@Injectable()
export class MastodonAdapter implements NetworkAdapter {
  readonly network = 'mastodon' as const;
  readonly capabilities: NetworkCapabilities = { pin: true, nativeScheduling: true, profileImages: true };
  readonly countsBatchSize = MULTI_STATUS_LIMIT;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outbound: OutboundHttp,
  ) {}

  client(conn: AccountConnection, dispatcher?: Dispatcher): Client {
    return createRestAPIClient({
      url: this.checkedBase(conn.instanceUrl),
      accessToken: conn.accessToken,
      // masto polls an upload until the instance has processed it: bound that wait too.
      mediaTimeout: this.config.networks.timeoutMs,
      ...this.http(dispatcher),
    });
  }

  /**
   * Runs calls with a client whose answers are recorded, and translates any failure with the last
   * answer's status: a plain-text or HTML error means what its status means.
   */
  async call<T>(conn: AccountConnection, fn: (client: Client, last: () => RecordedResponse | null) => Promise<T>): Promise<T> {
    const recorder = recordResponses(this.outbound.dispatcher);
    return translateWith(recorder.last, () => fn(this.client(conn, recorder.dispatcher), recorder.last));
  }

  async detectCapabilities(conn: AccountConnection): Promise<DetectedCapabilities> {
    return this.call(conn, (client, last) => detectMastodonCapabilities(client, last, conn, (c) => this.limits(c)));
  }

  async verify(conn: AccountConnection): Promise<VerifiedAccount> {
    return this.call(conn, async (client) => {
      const me = await client.v1.accounts.verifyCredentials();
      return {
        remoteId: me.id,
        handle: `@${me.acct.includes('@') ? me.acct : `${me.acct}@${new URL(conn.instanceUrl).host}`}`,
        displayName: me.displayName || me.username,
        profileUrl: me.url ?? null,
        limits: await this.limits(client),
      };
    });
  }

  postLength(text: string, contentWarning: string | null, limits: NetworkLimits): number {
    return mastodonPostLength(text, contentWarning, limits.charactersPerUrl);
  }

  async uploadMedia(conn: AccountConnection, media: OutgoingMedia): Promise<string> {
    return this.call(conn, async (client) => {
      const file = new Blob([media.data as Uint8Array<ArrayBuffer>], { type: media.mimeType });
      const attachment = await client.v2.media.create({ file, description: media.altText });
      return attachment.id;
    });
  }

  /**
   * One POST without masto: it runs for every delivery, and building a masto client and converting
   * every key of the answer cost more CPU than the call itself. Errors mean what masto's would.
   */
  async publish(conn: AccountConnection, post: OutgoingPost, idempotencyKey: string): Promise<PublishedPost> {
    const url = new URL('/api/v1/statuses', this.checkedBase(conn.instanceUrl));
    const body = {
      status: post.text,
      visibility: post.visibility,
      ...(post.contentWarning != null && { spoiler_text: post.contentWarning }),
      ...(post.language != null && { language: post.language }),
      ...(post.remoteMediaIds.length > 0 && { media_ids: post.remoteMediaIds }),
    };
    const status = await postJson<{ id?: unknown; url?: unknown; uri?: unknown; created_at?: unknown }>(this.outbound.dispatcher, url, conn.accessToken, body, {
      'Idempotency-Key': idempotencyKey,
    }, this.config.networks.timeoutMs);
    if (typeof status.id !== 'string' || typeof status.created_at !== 'string') throw new NetworkTransientError('Unexpected answer from the server: a status without id or creation time');
    const link = typeof status.url === 'string' ? status.url : typeof status.uri === 'string' ? status.uri : null;
    return { remoteId: status.id, url: link, publishedAt: new Date(status.created_at) };
  }

  async readProfile(conn: AccountConnection): Promise<ProfileState> {
    return this.call(conn, async (client) => toProfileState(await client.v1.accounts.verifyCredentials()));
  }

  async updateProfile(conn: AccountConnection, update: ProfileUpdate): Promise<ProfileState> {
    return this.call(conn, async (client) => {
      // masto sends every key it is given, so fields left out must not appear even as undefined.
      const params: mastodon.rest.v1.UpdateCredentialsParams = {
        ...(update.displayName !== undefined && { displayName: update.displayName }),
        ...(update.bio !== undefined && { note: update.bio }),
        ...(update.avatar && { avatar: imageFile(update.avatar, 'avatar') }),
        ...(update.header && { header: imageFile(update.header, 'header') }),
      };
      let latest: mastodon.v1.CredentialAccount | undefined;
      if (Object.keys(params).length > 0) latest = await client.v1.accounts.updateCredentials(params);
      // update_credentials cannot clear an image; Mastodon 4.2 added these endpoints for that.
      if (update.avatar === null) latest = await client.v1.profile.avatar.remove();
      if (update.header === null) latest = await client.v1.profile.header.remove();
      return toProfileState(latest ?? (await client.v1.accounts.verifyCredentials()));
    });
  }

  /**
   * Profile images may live on another host (a CDN): the account's token is not sent, and every
   * hop goes through the same address guard as the instance's API.
   */
  async fetchImage(_conn: AccountConnection, url: string): Promise<ProfileImage> {
    return downloadImage(url, {
      outbound: this.outbound,
      timeoutMs: this.config.networks.timeoutMs,
      maxBytes: this.config.mediaMaxBytes,
    });
  }

  async pin(conn: AccountConnection, remoteId: string): Promise<void> {
    try {
      await this.call(conn, (client) => client.v1.statuses.$select(remoteId).pin());
    } catch (err) {
      // Mastodon answers 422 "Duplicate record" for a post already pinned (say, a retry after a
      // lost answer); any other 422 (pin limit, someone else's post) stands.
      if (statusOf(err) === 422 && (await this.call(conn, (client) => client.v1.statuses.$select(remoteId).fetch())).pinned === true) return;
      // A 404 for a post that exists is the route missing: this server cannot pin.
      if (statusOf(err) === 405 || (statusOf(err) === 404 && (await this.fetchCounts(conn, remoteId)) !== null)) {
        throw new NetworkUnsupportedError(`${conn.instanceUrl} cannot pin posts (${(err as Error).message})`, statusOf(err));
      }
      throw err;
    }
  }

  async unpin(conn: AccountConnection, remoteId: string): Promise<void> {
    try {
      await this.call(conn, (client) => client.v1.statuses.$select(remoteId).unpin());
    } catch (err) {
      // The post was deleted (404) or, on some servers, is not pinned any more (422): either way
      // it is no longer pinned, which is all a strike's end asks for.
      if (statusOf(err) === 404 || statusOf(err) === 422) return;
      throw err;
    }
  }

  async listNativeScheduled(conn: AccountConnection): Promise<NativeScheduledPost[]> {
    return this.call(conn, async (client) => {
      const posts: NativeScheduledPost[] = [];
      for await (const page of client.v1.scheduledStatuses.list({ limit: 40 })) {
        // Mastodon links a next page whenever a page is full, so the last one may be empty.
        if (page.length === 0) break;
        for (const s of page) posts.push({ remoteId: s.id, scheduledAt: new Date(s.scheduledAt), text: s.params.text ?? '' });
      }
      return posts;
    });
  }

  async rescheduleNative(conn: AccountConnection, remoteId: string, at: Date): Promise<void> {
    await this.call(conn, (client) => client.v1.scheduledStatuses.$select(remoteId).update({ scheduledAt: at.toISOString() }));
  }

  async deleteNative(conn: AccountConnection, remoteId: string): Promise<void> {
    try {
      await this.call(conn, (client) => client.v1.scheduledStatuses.$select(remoteId).remove());
    } catch (err) {
      // Already published or cancelled by someone else: it is gone, as asked.
      if (statusOf(err) === 404) return;
      throw err;
    }
  }

  /**
   * One `GET /api/v1/statuses?id[]=…` (Mastodon 4.3+). Ids are passed through as given: the
   * caller keeps to `countsBatchSize`. Posts the server leaves out (deleted, or no longer visible)
   * are simply absent. Older servers have no such route and answer 404.
   */
  async fetchCountsBatch(conn: AccountConnection, remoteIds: string[]): Promise<PostCounts[]> {
    if (remoteIds.length === 0) return [];
    try {
      const statuses = await this.call(conn, (client) => client.v1.statuses.fetch({ id: remoteIds }));
      if (!Array.isArray(statuses)) throw new NetworkUnsupportedError(`${conn.instanceUrl} answered GET /api/v1/statuses?id[]= with something other than a list`);
      return statuses.map(toPostCounts);
    } catch (err) {
      // 404 whatever the body (JSON or plain text), 405 on servers that route the path for POST only.
      if (statusOf(err) === 404 || statusOf(err) === 405) {
        throw new NetworkUnsupportedError(`${conn.instanceUrl} has no multi-status endpoint (GET /api/v1/statuses?id[]= answered ${statusOf(err)})`, statusOf(err));
      }
      throw err;
    }
  }

  /** One `GET /api/v1/statuses/:id`; null when the post is gone. */
  async fetchCounts(conn: AccountConnection, remoteId: string): Promise<PostCounts | null> {
    try {
      return toPostCounts(await this.call(conn, (client) => client.v1.statuses.$select(remoteId).fetch()));
    } catch (err) {
      if (isGone(err)) return null;
      throw err;
    }
  }

  /**
   * One `GET /api/v1/statuses/:id/context`: its descendants are the whole tree below the post.
   * Every visibility is reported (the author sees direct replies that mention it): callers filter.
   */
  async fetchReplies(conn: AccountConnection, remoteId: string): Promise<RemoteReply[] | null> {
    return this.contextSide(conn, remoteId, 'descendants');
  }

  /**
   * Mentions (a reply mentions whom it answers) after `cursor`, a notification id, read forward with
   * `min_id` so the page just after it comes first and a round cut short resumes where it stopped.
   */
  async fetchIncomingReplies(conn: AccountConnection, cursor: string | null, page: string | null): Promise<IncomingRepliesPage> {
    const after = page ?? cursor;
    const limit = after === null ? FIRST_READ_PAGE : NOTIFICATIONS_PAGE;
    const list = await this.call(conn, async (client) => await client.v1.notifications.list({ types: ['mention'], limit, ...(after !== null && { minId: after }) }));
    const host = new URL(conn.instanceUrl).host;
    const replies = list.flatMap((n) => (n.type === 'mention' && 'status' in n && n.status ? [{ ...toRemoteReply(n.status, host), rootRemoteId: null }] : []));
    // Newest first, as Mastodon answers every page.
    const newest = list[0]?.id ?? after;
    return { replies, nextPage: after !== null && list.length >= limit ? newest : null, cursor: newest };
  }

  async fetchAncestors(conn: AccountConnection, remoteId: string): Promise<RemoteReply[] | null> {
    return this.contextSide(conn, remoteId, 'ancestors');
  }

  /** One side of a post's context (the posts above it, or the whole tree below); null when the post is gone. */
  private async contextSide(conn: AccountConnection, remoteId: string, side: 'ancestors' | 'descendants'): Promise<RemoteReply[] | null> {
    let context: mastodon.v1.Context;
    try {
      context = await this.call(conn, (client) => client.v1.statuses.$select(remoteId).context.fetch());
    } catch (err) {
      if (isGone(err)) return null;
      throw err;
    }
    const host = new URL(conn.instanceUrl).host;
    return context[side].map((s) => toRemoteReply(s, host));
  }

  /** OAuth: registers Piquet as an app on the instance (one registration per connection attempt). */
  async registerApp(instanceUrl: string, redirectUri: string): Promise<{ clientId: string; clientSecret: string }> {
    return this.call({ instanceUrl, accessToken: '' }, async (client) => {
      const app = await client.v1.apps.create({
        clientName: 'Piquet',
        redirectUris: redirectUri,
        scopes: OAUTH_SCOPES,
        website: this.config.http.publicUrl,
      });
      if (!app.clientId || !app.clientSecret) throw new NetworkPermanentError('The instance registered no OAuth client');
      return { clientId: app.clientId, clientSecret: app.clientSecret };
    });
  }

  authorizationUrl(instanceUrl: string, clientId: string, redirectUri: string, state: string): string {
    const url = new URL('/oauth/authorize', instanceUrl);
    url.search = new URLSearchParams({
      client_id: clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: OAUTH_SCOPES,
      state,
    }).toString();
    return url.toString();
  }

  async exchangeCode(
    instanceUrl: string,
    client: { clientId: string; clientSecret: string; redirectUri: string },
    code: string,
  ): Promise<string> {
    const recorder = recordResponses(this.outbound.dispatcher);
    return translateWith(recorder.last, async () => {
      const token = await createOAuthAPIClient({ url: this.checkedBase(instanceUrl), ...this.http(recorder.dispatcher) }).token.create({
        grantType: 'authorization_code',
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        redirectUri: client.redirectUri,
        code,
        scope: OAUTH_SCOPES,
      });
      return token.accessToken;
    });
  }

  /**
   * masto calls the global fetch with this: every connection through the address guard, and no
   * redirect followed (Mastodon's API needs none). The scheme was checked when the account was
   * connected; plain http is refused again here unless private instances are allowed.
   */
  private checkedBase(instanceUrl: string): string {
    this.outbound.guard.checkScheme(new URL(instanceUrl));
    return instanceUrl;
  }

  /** The guard's request options; `dispatcher` wraps the guarded one (to record answers). */
  private http(dispatcher?: Dispatcher) {
    const requestInit = dispatcher ? ({ ...this.outbound.requestInit, dispatcher } as RequestInit) : this.outbound.requestInit;
    return { timeout: this.config.networks.timeoutMs, requestInit };
  }

  private async limits(client: Client): Promise<NetworkLimits> {
    try {
      const instance = await client.v2.instance.fetch();
      const s = instance.configuration.statuses;
      return {
        maxCharacters: s.maxCharacters || DEFAULT_LIMITS.maxCharacters,
        maxMedia: s.maxMediaAttachments || DEFAULT_LIMITS.maxMedia,
        charactersPerUrl: s.charactersReservedPerUrl || DEFAULT_LIMITS.charactersPerUrl,
      };
    } catch (err) {
      // Servers older than Mastodon 4.0 have no v2 instance endpoint (a 404, maybe in plain text),
      // and some answer with no usable configuration: Mastodon's defaults apply there.
      if (err instanceof MastoUnexpectedError || err instanceof TypeError) return DEFAULT_LIMITS;
      if (err instanceof MastoHttpError && (err.statusCode === 404 || err.statusCode === 410)) return DEFAULT_LIMITS;
      throw err;
    }
  }
}

async function translateWith<T>(last: () => RecordedResponse | null, call: () => Promise<T>): Promise<T> {
  const result = await translate((err) => toNetworkError(err, last()), call);
  // masto reads a text/html success as "no data": that is not an answer Piquet can use either.
  const notJson = nonJsonSuccess(last());
  if (notJson) throw notJson;
  return result;
}

/** A success other than 204 whose body is not JSON: a clear permanent error. */
function nonJsonSuccess(answer: RecordedResponse | null): NetworkError | null {
  if (!answer || answer.status < 200 || answer.status >= 300 || answer.status === 204) return null;
  return isJsonType(answer.contentType) ? null : unexpectedBody('The server', answer.status, answer.contentType);
}

/**
 * masto's errors, read with the last answer's status line when masto lost it: a non-JSON body
 * (`404 Not Found` in text/plain) is an error of that status, and a non-JSON success is a clear
 * permanent error rather than something to retry forever.
 */
export function toNetworkError(err: unknown, answer: RecordedResponse | null = null): NetworkError {
  // fetch wraps the guard's refusal of an address or a redirect.
  return libraryError(err, (e) => mastoError(e, answer));
}

function mastoError(err: unknown, answer: RecordedResponse | null): NetworkError {
  if (err instanceof MastoHttpError) {
    const detail = err.description ? `${err.message}: ${err.description}` : err.message;
    const headers = err.cause instanceof Response ? err.cause.headers : null;
    return errorForStatus(err.statusCode, `Mastodon answered ${err.statusCode}: ${detail}`, (name) => headers?.get(name) ?? answer?.header(name));
  }
  if (err instanceof MastoTimeoutError) return new NetworkTransientError('Mastodon did not answer in time');
  // masto reads a text/html success as "no data", which then breaks whatever reads it.
  const notJson = nonJsonSuccess(answer);
  if (notJson) return notJson;
  // Any other failure after an error answer (masto cannot read a plain-text or HTML body, and
  // stumbles on an HTML one) is that answer's status.
  if (answer && (answer.status < 200 || answer.status >= 300)) {
    return errorForStatus(answer.status, `The server answered ${answer.status} (${answer.contentType ?? 'no content type'})`, answer.header);
  }
  if (err instanceof MastoUnexpectedError || err instanceof MastoDeserializeError) return new NetworkTransientError(`Unexpected answer from the server: ${err.message}`);
  return transportError('the server', err);
}

/** Mastodon answers 404 for a deleted post; some compatible servers say 410 Gone. */
function isGone(err: unknown): boolean {
  return statusOf(err) === 404 || statusOf(err) === 410;
}

function toPostCounts(s: mastodon.v1.Status): PostCounts {
  // masto types quotesCount as always there, but only Mastodon 4.5+ sends quotes_count.
  const quotes: unknown = s.quotesCount;
  return {
    remoteId: s.id,
    favourites: s.favouritesCount ?? 0,
    boosts: s.reblogsCount ?? 0,
    replies: s.repliesCount ?? 0,
    quotes: typeof quotes === 'number' ? quotes : null,
    impressions: null,
  };
}

const VISIBILITIES = new Set<RemoteReply['visibility']>(['public', 'unlisted', 'private', 'direct']);

/**
 * Mastodon reports only the four visibilities. Other servers have their own ("local", "mutuals",
 * "limited"…): those count as direct, the most private, so a reply of unknown audience is never
 * published in a report.
 */
function replyVisibility(visibility: string): RemoteReply['visibility'] {
  return VISIBILITIES.has(visibility as RemoteReply['visibility']) ? (visibility as RemoteReply['visibility']) : 'direct';
}

function toRemoteReply(s: mastodon.v1.Status, instanceHost: string): RemoteReply {
  const { account } = s;
  return {
    remoteId: s.id,
    inReplyToRemoteId: s.inReplyToId ?? null,
    visibility: replyVisibility(s.visibility),
    // Local accounts' acct has no domain: the instance's host completes it, as verify() does.
    authorHandle: `@${account.acct.includes('@') ? account.acct : `${account.acct}@${instanceHost}`}`,
    authorName: account.displayName || account.username,
    authorUrl: account.url ?? null,
    html: s.content ?? '',
    language: s.language ?? null,
    url: s.url ?? s.uri ?? null,
    postedAt: new Date(s.createdAt),
    editedAt: s.editedAt ? new Date(s.editedAt) : null,
  };
}

function toProfileState(account: mastodon.v1.Account & { source?: { note?: string } }): ProfileState {
  return {
    displayName: account.displayName,
    // `source.note` is what the person typed; `note` is rendered HTML, for servers without `source`.
    // Forms (Mastodon's and our multipart update) send line breaks as CRLF and Mastodon keeps them.
    bio: (account.source?.note ?? htmlToText(account.note)).replace(/\r\n?/g, '\n'),
    avatarUrl: customImage(account.avatar),
    headerUrl: customImage(account.header),
  };
}

/** Mastodon reports its placeholder image rather than no image: that counts as unset. */
function customImage(url: string | null | undefined): string | null {
  if (!url) return null;
  const path = URL.canParse(url) ? new URL(url).pathname : url;
  return path.includes('/missing.png') || /(avatars|headers)\/original\/missing/.test(path) ? null : url;
}

function htmlToText(html: string): string {
  const text = html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p[^>]*>/gi, '\n\n')
    .replace(/<[^>]*>/g, '');
  return decodeEntities(text).trim();
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] !== '#') return NAMED_ENTITIES[name.toLowerCase()] ?? whole;
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

function imageFile(image: ProfileImage, name: string): File {
  const ext = IMAGE_EXTENSIONS[image.mimeType] ?? 'bin';
  return new File([image.data as Uint8Array<ArrayBuffer>], `${name}.${ext}`, { type: image.mimeType });
}

