/**
 * What a network call's failure means for Piquet. Adapters translate their library's errors into
 * these, so the worker decides retry / fail / delay without knowing the network.
 */
export abstract class NetworkError extends Error {
  abstract readonly kind: 'auth' | 'permanent' | 'rate-limited' | 'transient';
}

/** The account's credentials were refused (401): it needs reconnecting. */
export class NetworkAuthError extends NetworkError {
  readonly kind = 'auth' as const;
}

/** The network refused the request itself (403, 422, other 4xx): retrying cannot help. */
export class NetworkPermanentError extends NetworkError {
  readonly kind = 'permanent' as const;
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}

export class NetworkRateLimitedError extends NetworkError {
  readonly kind = 'rate-limited' as const;
  constructor(message: string, readonly resetAt: Date) {
    super(message);
  }
}

/** Network errors, timeouts, 5xx: worth retrying with backoff. */
export class NetworkTransientError extends NetworkError {
  readonly kind = 'transient' as const;
}

/** The instance URL is not acceptable (scheme, private address, unreachable host). */
export class InstanceUrlError extends Error {}

/** The server lacks an optional endpoint (a 404 on it): callers take the slower path it allows. */
export class NetworkUnsupportedError extends NetworkPermanentError {}
