import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { OutboundHttp } from '#networks/http/outbound-http.js';

/** How many redirects a feed may take (each hop checked by the guard again). */
export const FEED_MAX_REDIRECTS = 5;

export type FetchOutcome =
  | { kind: 'not-modified'; status: 304 }
  | { kind: 'body'; status: number; body: string; contentType: string | null; etag: string | null; lastModified: string | null; url: string };

/** A fetch that failed: unreachable, refused, an error status, too large, redirecting forever. */
export class FeedFetchError extends Error {
  constructor(
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

/** Conditional GET through the guarded way out, with a size cap read as the body streams in. */
@Injectable()
export class FeedFetcher {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly http: OutboundHttp,
  ) {}

  async fetch(url: string, etag: string | null, lastModified: string | null): Promise<FetchOutcome> {
    const headers: Record<string, string> = {
      accept: 'application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1',
      'user-agent': 'Piquet feed reader (+https://github.com/piquet)',
    };
    if (etag) headers['if-none-match'] = etag;
    if (lastModified) headers['if-modified-since'] = lastModified;
    let res: Response;
    try {
      res = await this.http.fetch(url, { headers, signal: AbortSignal.timeout(this.config.networks.timeoutMs) }, { maxRedirects: FEED_MAX_REDIRECTS });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const cause = e.cause?.code ?? e.cause?.message;
      throw new FeedFetchError(e.name === 'TimeoutError' ? `no answer within ${this.config.networks.timeoutMs} ms` : `${e.message}${cause ? ` (${cause})` : ''}`);
    }
    if (res.status === 304) {
      await res.body?.cancel();
      return { kind: 'not-modified', status: 304 };
    }
    if (res.status < 200 || res.status >= 300) {
      await res.body?.cancel();
      throw new FeedFetchError(`the server answered HTTP ${res.status}`, res.status);
    }
    const max = this.config.feeds.maxBytes;
    const declared = Number(res.headers.get('content-length'));
    if (declared > max) {
      await res.body?.cancel();
      throw new FeedFetchError(`too large: ${declared} bytes, at most ${max} are read`, res.status);
    }
    const body = await readCapped(res, max);
    return {
      kind: 'body',
      status: res.status,
      body,
      contentType: res.headers.get('content-type'),
      etag: res.headers.get('etag'),
      lastModified: res.headers.get('last-modified'),
      url: res.url || url,
    };
  }
}

async function readCapped(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw new FeedFetchError(`too large: more than ${max} bytes`, res.status);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
