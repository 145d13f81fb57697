import { Inject, Injectable } from '@nestjs/common';
import { createOAuthAPIClient, createRestAPIClient, MastoHttpError, MastoTimeoutError, MastoUnexpectedError, type mastodon } from 'masto';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import {
  NetworkAuthError,
  NetworkError,
  NetworkPermanentError,
  NetworkRateLimitedError,
  NetworkTransientError,
  NetworkUnsupportedError,
} from '../errors.js';
import type {
  AccountConnection,
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
import { OutboundHttp, refusalIn } from '../http/outbound-http.js';
import { mastodonPostLength } from './text-length.js';

const OAUTH_SCOPES = 'read write';
const DEFAULT_LIMITS: NetworkLimits = { maxCharacters: 500, maxMedia: 4, charactersPerUrl: 23 };
// Mastodon 4.3+ answers GET /api/v1/statuses?id[]= for at most 20 ids (422 above).
const MULTI_STATUS_LIMIT = 20;
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

  client(conn: AccountConnection): mastodon.rest.Client {
    return createRestAPIClient({
      url: this.checkedBase(conn.instanceUrl),
      accessToken: conn.accessToken,
      // masto polls an upload until the instance has processed it: bound that wait too.
      mediaTimeout: this.config.networks.timeoutMs,
      ...this.http(),
    });
  }

  async verify(conn: AccountConnection): Promise<VerifiedAccount> {
    return translate(async () => {
      const client = this.client(conn);
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
    return translate(async () => {
      const file = new Blob([media.data as Uint8Array<ArrayBuffer>], { type: media.mimeType });
      const attachment = await this.client(conn).v2.media.create({ file, description: media.altText });
      return attachment.id;
    });
  }

  async publish(conn: AccountConnection, post: OutgoingPost, idempotencyKey: string): Promise<PublishedPost> {
    return translate(async () => {
      const status = await this.client(conn).v1.statuses.create(
        {
          status: post.text,
          spoilerText: post.contentWarning ?? undefined,
          visibility: post.visibility,
          language: post.language ?? undefined,
          mediaIds: post.remoteMediaIds.length > 0 ? post.remoteMediaIds : undefined,
        },
        { requestInit: { headers: { 'Idempotency-Key': idempotencyKey } } },
      );
      return { remoteId: status.id, url: status.url ?? status.uri, publishedAt: new Date(status.createdAt) };
    });
  }

  async readProfile(conn: AccountConnection): Promise<ProfileState> {
    return translate(async () => toProfileState(await this.client(conn).v1.accounts.verifyCredentials()));
  }

  async updateProfile(conn: AccountConnection, update: ProfileUpdate): Promise<ProfileState> {
    return translate(async () => {
      const client = this.client(conn);
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
    await translate(async () => {
      const status = this.client(conn).v1.statuses.$select(remoteId);
      try {
        await status.pin();
      } catch (err) {
        // Mastodon answers 422 "Duplicate record" for a post already pinned (say, a retry after a
        // lost answer); any other 422 (pin limit, someone else's post) stands.
        if (hasStatus(err, 422) && (await status.fetch()).pinned === true) return;
        throw err;
      }
    });
  }

  async unpin(conn: AccountConnection, remoteId: string): Promise<void> {
    await translate(async () => {
      try {
        await this.client(conn).v1.statuses.$select(remoteId).unpin();
      } catch (err) {
        // The post was deleted (404) or, on some servers, is not pinned any more (422): either way
        // it is no longer pinned, which is all a strike's end asks for.
        if (hasStatus(err, 404) || hasStatus(err, 422)) return;
        throw err;
      }
    });
  }

  async listNativeScheduled(conn: AccountConnection): Promise<NativeScheduledPost[]> {
    return translate(async () => {
      const posts: NativeScheduledPost[] = [];
      for await (const page of this.client(conn).v1.scheduledStatuses.list({ limit: 40 })) {
        // Mastodon links a next page whenever a page is full, so the last one may be empty.
        if (page.length === 0) break;
        for (const s of page) posts.push({ remoteId: s.id, scheduledAt: new Date(s.scheduledAt), text: s.params.text ?? '' });
      }
      return posts;
    });
  }

  async rescheduleNative(conn: AccountConnection, remoteId: string, at: Date): Promise<void> {
    await translate(() => this.client(conn).v1.scheduledStatuses.$select(remoteId).update({ scheduledAt: at.toISOString() }));
  }

  async deleteNative(conn: AccountConnection, remoteId: string): Promise<void> {
    await translate(async () => {
      try {
        await this.client(conn).v1.scheduledStatuses.$select(remoteId).remove();
      } catch (err) {
        // Already published or cancelled by someone else: it is gone, as asked.
        if (hasStatus(err, 404)) return;
        throw err;
      }
    });
  }

  /**
   * One `GET /api/v1/statuses?id[]=…` (Mastodon 4.3+). Ids are passed through as given: the
   * caller keeps to `countsBatchSize`. Posts the server leaves out (deleted, or no longer visible)
   * are simply absent. Older servers have no such route and answer 404.
   */
  async fetchCountsBatch(conn: AccountConnection, remoteIds: string[]): Promise<PostCounts[]> {
    if (remoteIds.length === 0) return [];
    return translate(async () => {
      try {
        const statuses = await this.client(conn).v1.statuses.fetch({ id: remoteIds });
        return statuses.map(toPostCounts);
      } catch (err) {
        if (hasStatus(err, 404)) {
          throw new NetworkUnsupportedError(`${conn.instanceUrl} has no multi-status endpoint (GET /api/v1/statuses?id[]= answered 404)`, 404);
        }
        throw err;
      }
    });
  }

  /** One `GET /api/v1/statuses/:id`; null when the post is gone. */
  async fetchCounts(conn: AccountConnection, remoteId: string): Promise<PostCounts | null> {
    return translate(async () => {
      try {
        return toPostCounts(await this.client(conn).v1.statuses.$select(remoteId).fetch());
      } catch (err) {
        if (isGone(err)) return null;
        throw err;
      }
    });
  }

  /**
   * One `GET /api/v1/statuses/:id/context`: its descendants are the whole tree below the post.
   * Every visibility is reported (the author sees direct replies that mention it): callers filter.
   */
  async fetchReplies(conn: AccountConnection, remoteId: string): Promise<RemoteReply[] | null> {
    return translate(async () => {
      let context: mastodon.v1.Context;
      try {
        context = await this.client(conn).v1.statuses.$select(remoteId).context.fetch();
      } catch (err) {
        if (isGone(err)) return null;
        throw err;
      }
      const host = new URL(conn.instanceUrl).host;
      return context.descendants.map((s) => toRemoteReply(s, host));
    });
  }

  /** OAuth: registers Piquet as an app on the instance (one registration per connection attempt). */
  async registerApp(instanceUrl: string, redirectUri: string): Promise<{ clientId: string; clientSecret: string }> {
    return translate(async () => {
      const app = await createRestAPIClient({ url: this.checkedBase(instanceUrl), ...this.http() }).v1.apps.create({
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
    return translate(async () => {
      const token = await createOAuthAPIClient({ url: this.checkedBase(instanceUrl), ...this.http() }).token.create({
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

  private http() {
    return { timeout: this.config.networks.timeoutMs, requestInit: this.outbound.requestInit };
  }

  private async limits(client: mastodon.rest.Client): Promise<NetworkLimits> {
    try {
      const instance = await client.v2.instance.fetch();
      const s = instance.configuration.statuses;
      return {
        maxCharacters: s.maxCharacters || DEFAULT_LIMITS.maxCharacters,
        maxMedia: s.maxMediaAttachments || DEFAULT_LIMITS.maxMedia,
        charactersPerUrl: s.charactersReservedPerUrl || DEFAULT_LIMITS.charactersPerUrl,
      };
    } catch (err) {
      // Servers older than Mastodon 4.0 have no v2 instance endpoint: Mastodon's defaults apply there.
      if (err instanceof MastoHttpError && err.statusCode === 404) return DEFAULT_LIMITS;
      throw err;
    }
  }
}

async function translate<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toNetworkError(err);
  }
}

export function toNetworkError(err: unknown): NetworkError {
  if (err instanceof NetworkError) return err;
  // The guard refused the address or a redirect (wrapped by fetch): permanent, and it says why.
  const refused = refusalIn(err);
  if (refused) return refused;
  if (err instanceof MastoHttpError) {
    const detail = err.description ? `${err.message}: ${err.description}` : err.message;
    const msg = `Mastodon answered ${err.statusCode}: ${detail}`;
    if (err.statusCode === 401) return new NetworkAuthError(msg);
    if (err.statusCode === 429) return new NetworkRateLimitedError(msg, rateLimitReset(err));
    if (err.statusCode >= 500 || err.statusCode === 408) return new NetworkTransientError(msg);
    return new NetworkPermanentError(msg, err.statusCode);
  }
  if (err instanceof MastoTimeoutError) return new NetworkTransientError('Mastodon did not answer in time');
  if (err instanceof MastoUnexpectedError) return new NetworkTransientError(`Unexpected answer from Mastodon: ${err.message}`);
  const e = err as Error & { cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return new NetworkTransientError(`Network error: ${e.message}${cause ? ` (${cause})` : ''}`);
}

function hasStatus(err: unknown, status: number): boolean {
  return err instanceof MastoHttpError && err.statusCode === status;
}

/** Mastodon answers 404 for a deleted post; some compatible servers say 410 Gone. */
function isGone(err: unknown): boolean {
  return hasStatus(err, 404) || hasStatus(err, 410);
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

type HeaderReader = { get(name: string): string | null };

function rateLimitReset(err: MastoHttpError): Date {
  return resetTime(err.cause instanceof Response ? err.cause.headers : undefined);
}

function resetTime(headers: HeaderReader | undefined): Date {
  const reset = headers?.get('x-ratelimit-reset');
  const parsed = reset ? Date.parse(reset) : NaN;
  const retryAfter = Number(headers?.get('retry-after'));
  if (Number.isFinite(parsed)) return new Date(parsed);
  if (Number.isFinite(retryAfter) && retryAfter > 0) return new Date(Date.now() + retryAfter * 1000);
  return new Date(Date.now() + 60_000);
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

