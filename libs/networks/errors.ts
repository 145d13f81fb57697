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

/**
 * Piquet refused to send a request there, before connecting: the scheme is not https, the URL
 * carries credentials, or an address the name resolves to (or the literal address) is not public.
 * `reason` says which, for a person to read; `target` is the origin only (no path or query).
 */
export class BlockedDestinationError extends NetworkPermanentError {
  readonly code = 'EBLOCKED';
  constructor(
    readonly target: string,
    readonly reason: string,
  ) {
    super(`Refused to connect to ${target}: ${reason}`);
  }
}

/** The server answered with a redirect where the protocol needs none (API calls): not followed. */
export class RedirectRefusedError extends NetworkPermanentError {}

/** A host name that does not resolve: may be temporary (DNS), so retryable where a job retries. */
export class UnresolvableHostError extends NetworkTransientError {
  readonly code = 'ENOTFOUND';
  constructor(readonly host: string) {
    super(`${host} cannot be resolved`);
  }
}

/** The server lacks an optional endpoint (a 404 on it): callers take the slower path it allows. */
export class NetworkUnsupportedError extends NetworkPermanentError {}

/** The HTTP status behind an error, when a server answered at all. */
export function statusOf(err: unknown): number | undefined {
  return err instanceof NetworkError ? err.status : undefined;
}
