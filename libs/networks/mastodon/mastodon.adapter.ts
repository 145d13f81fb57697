import { Inject, Injectable } from '@nestjs/common';
import { createOAuthAPIClient, createRestAPIClient, MastoHttpError, MastoTimeoutError, MastoUnexpectedError, type mastodon } from 'masto';
import type { Agent } from 'undici';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import {
  NetworkAuthError,
  NetworkError,
  NetworkPermanentError,
  NetworkRateLimitedError,
  NetworkTransientError,
} from '../errors.js';
import type {
  AccountConnection,
  NetworkAdapter,
  NetworkLimits,
  OutgoingMedia,
  OutgoingPost,
  PublishedPost,
  VerifiedAccount,
} from '../network-adapter.js';
import { createGuardedDispatcher } from '../url-guard.js';
import { mastodonPostLength } from './text-length.js';

const OAUTH_SCOPES = 'read write';
const DEFAULT_LIMITS: NetworkLimits = { maxCharacters: 500, maxMedia: 4, charactersPerUrl: 23 };

@Injectable()
export class MastodonAdapter implements NetworkAdapter {
  readonly network = 'mastodon' as const;
  private readonly dispatcher: Agent | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.dispatcher = createGuardedDispatcher(config.networks.allowPrivateInstances);
  }

  client(conn: AccountConnection): mastodon.rest.Client {
    return createRestAPIClient({
      url: conn.instanceUrl,
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

  /** OAuth: registers Piquet as an app on the instance (one registration per connection attempt). */
  async registerApp(instanceUrl: string, redirectUri: string): Promise<{ clientId: string; clientSecret: string }> {
    return translate(async () => {
      const app = await createRestAPIClient({ url: instanceUrl, ...this.http() }).v1.apps.create({
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
      const token = await createOAuthAPIClient({ url: instanceUrl, ...this.http() }).token.create({
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

  private http() {
    return {
      timeout: this.config.networks.timeoutMs,
      requestInit: this.dispatcher ? ({ dispatcher: this.dispatcher } as RequestInit) : undefined,
    };
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

function rateLimitReset(err: MastoHttpError): Date {
  const res = err.cause instanceof Response ? err.cause : undefined;
  const reset = res?.headers.get('x-ratelimit-reset');
  const parsed = reset ? Date.parse(reset) : NaN;
  const retryAfter = Number(res?.headers.get('retry-after'));
  if (Number.isFinite(parsed)) return new Date(parsed);
  if (Number.isFinite(retryAfter) && retryAfter > 0) return new Date(Date.now() + retryAfter * 1000);
  return new Date(Date.now() + 60_000);
}
