import { NetworkAuthError, NetworkError, NetworkPermanentError, NetworkRateLimitedError, NetworkTransientError } from './errors.js';
import { refusalIn } from './http/outbound-http.js';

/**
 * One meaning for every HTTP answer, whichever network and whatever the body's type (JSON, plain
 * text, HTML): the three adapters and the image download translate their library's errors here.
 */
export type HeaderLookup = (name: string) => string | null | undefined;

/** Seconds below this are a delay (Retry-After, IETF RateLimit-Reset); above, an epoch time (X, Bluesky). */
const EPOCH_SECONDS_FROM = 1_000_000_000;
const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

/**
 * An answer that is not a success: 401 → reconnect; 429 → wait until the server's reset; 408 and
 * 5xx → retry; every other status (404, 410, 422…) is the server's final word, its status kept so
 * callers can tell a missing route or post (404/410) from a refusal.
 */
export function errorForStatus(status: number, message: string, header: HeaderLookup = () => null, defaultWaitMs = DEFAULT_RATE_LIMIT_WAIT_MS): NetworkError {
  if (status === 401) return new NetworkAuthError(message, status);
  if (status === 429) return new NetworkRateLimitedError(message, rateLimitReset(header, defaultWaitMs), status);
  if (status >= 500 || status === 408) return new NetworkTransientError(message, status);
  return new NetworkPermanentError(message, status);
}

/** A JSON media type: `application/json`, or a `+json` suffix (`application/activity+json`). */
export const isJsonType = (contentType: string | null | undefined): boolean => /^application\/([\w.+-]*\+)?json\b/i.test(contentType ?? '');

/**
 * A success whose body is not what the API promises (say `200 text/html`, a login page or a proxy's
 * notice): a clear permanent error, never a retry loop.
 */
export function unexpectedBody(network: string, status: number, contentType: string | null | undefined, what = 'JSON'): NetworkPermanentError {
  return new NetworkPermanentError(`${network} answered ${status} with ${contentType || 'no content type'} where ${what} was expected`, status);
}

/**
 * When the server says its budget is back: `x-ratelimit-reset` (Mastodon: an ISO date; X: epoch
 * seconds), `ratelimit-reset` (Bluesky: epoch seconds; the IETF draft: seconds from now),
 * `retry-after` (seconds or an HTTP date). The latest of those given wins; none: a default wait.
 */
export function rateLimitReset(header: HeaderLookup, defaultWaitMs = DEFAULT_RATE_LIMIT_WAIT_MS, now = Date.now()): Date {
  const times = ['x-ratelimit-reset', 'ratelimit-reset', 'retry-after'].map((name) => resetValue(header(name) ?? null, now)).filter((t): t is number => t !== null);
  return new Date(times.length > 0 ? Math.max(...times) : now + defaultWaitMs);
}

function resetValue(raw: string | null, now: number): number | null {
  if (!raw) return null;
  const trimmed = raw.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    const n = Number(trimmed);
    return n >= EPOCH_SECONDS_FROM ? n * 1000 : now + n * 1000;
  }
  const parsed = Date.parse(trimmed);
  return Number.isFinite(parsed) ? parsed : null;
}

/**
 * No answer at all: a timeout or a connection failure is worth retrying; an address the guard
 * refused (EPRIVATE) never becomes public, so it is permanent.
 */
export function transportError(network: string, err: unknown): NetworkError {
  if (err instanceof NetworkError) return err;
  const e = err as (Error & { cause?: { code?: string; message?: string; name?: string } }) | undefined;
  if (e?.name === 'TimeoutError' || e?.cause?.name === 'TimeoutError' || e?.name === 'AbortError') return new NetworkTransientError(`${network} did not answer in time`);
  if (e?.cause?.code === 'EPRIVATE') return new NetworkPermanentError(`${network}: ${e.cause.message ?? 'private address refused'}`);
  const cause = e?.cause?.code ?? e?.cause?.message;
  return new NetworkTransientError(`Network error talking to ${network}: ${e?.message ?? String(err)}${cause ? ` (${cause})` : ''}`);
}

/** The first line of a plain-text or HTML error body, short enough for a message. */
export function bodySummary(body: string): string {
  const text = body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/**
 * A library's failure as one of Piquet's errors. What every adapter shares comes first: an error
 * already translated stays as it is, and the address guard's refusal, however deep the library
 * wrapped it, is reported as it is (permanent, naming the reason). `read` reads everything else:
 * the library's own error types, then `transportError` for no answer at all.
 */
export function libraryError(err: unknown, read: (err: unknown) => NetworkError): NetworkError {
  return refusalIn(err) ?? read(err);
}

/** Runs a library call; whatever it throws leaves as `toNetworkError` reads it. */
export async function translate<T>(toNetworkError: (err: unknown) => NetworkError, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toNetworkError(err);
  }
}
