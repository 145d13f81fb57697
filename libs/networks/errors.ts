/**
 * What a network call's failure means for Piquet. Adapters translate their library's errors into
 * these, so the worker decides retry / fail / delay without knowing the network.
 */
export abstract class NetworkError extends Error {
  abstract readonly kind: 'auth' | 'permanent' | 'rate-limited' | 'transient';
  /** The HTTP status the server answered, whatever the body's type; undefined when no answer came. */
  declare readonly status?: number;
}

/** The account's credentials were refused (401): it needs reconnecting. */
export class NetworkAuthError extends NetworkError {
  readonly kind = 'auth' as const;
  constructor(message: string, override readonly status?: number) {
    super(message);
  }
}

/** The network refused the request itself (403, 422, other 4xx): retrying cannot help. */
export class NetworkPermanentError extends NetworkError {
  readonly kind = 'permanent' as const;
  constructor(message: string, override readonly status?: number) {
    super(message);
  }
}

export class NetworkRateLimitedError extends NetworkError {
  readonly kind = 'rate-limited' as const;
  constructor(message: string, readonly resetAt: Date, override readonly status?: number) {
    super(message);
  }
}

/** Network errors, timeouts, 5xx: worth retrying with backoff. */
export class NetworkTransientError extends NetworkError {
  readonly kind = 'transient' as const;
  constructor(message: string, override readonly status?: number) {
    super(message);
  }
}

/** The instance URL is not acceptable (scheme, private address, unreachable host). */
export class InstanceUrlError extends Error {}

/** The server lacks an optional endpoint (a 404 on it): callers take the slower path it allows. */
export class NetworkUnsupportedError extends NetworkPermanentError {}

/** The HTTP status behind an error, when a server answered at all. */
export function statusOf(err: unknown): number | undefined {
  return err instanceof NetworkError ? err.status : undefined;
}
