/**
 * What never reaches a log line: the values of secret-bearing query parameters (signed report
 * links, OAuth callbacks, tokens, passwords; the path is kept), bearer and basic credentials, API
 * tokens, and object fields named like secrets. Applied by the pino configuration to every line,
 * whatever logs it (pino-http's request log, Nest's Logger through nestjs-pino).
 */
export const REDACTED = '[redacted]';

/** Query parameters whose value is a secret, or signs a link (OAuth's code and state included). */
const SECRET_PARAM =
  /^(sig|signature|code|state|token|access_?token|refresh_?token|id_?token|[a-z_]*_token|[a-z]*token|client_?secret|secret|password|passphrase|passwd|app_?password|api_?key|apikey|key|auth|authorization|session|jwt|otp|nonce|code_?verifier|ticket)$/i;

/** Object fields whose value is a secret, at any depth (narrower than the query list: `code` or `state` fields are ordinary there). */
const SECRET_KEY =
  /^(accessToken|access_token|refreshToken|refresh_token|idToken|id_token|token|tokens|password|passphrase|appPassword|app_password|clientSecret|client_secret|secret|codeVerifier|code_verifier|apiKey|api_key|authorization|cookie|set-cookie|sig|signature|tokenCiphertext|clientSecretCiphertext)$/i;

const QUERY_PARAM = /([?&;])([^=&#?\s"'<>]+)=([^&#\s"'<>]*)/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
// Piquet's API tokens.
const API_TOKEN = /\bpqt_[A-Za-z0-9_-]+/g;

/** A text with the secrets above replaced; everything else (paths included) kept. */
export function redactText(text: string): string {
  if (!text) return text;
  return text
    .replace(QUERY_PARAM, (whole, sep: string, name: string) => (SECRET_PARAM.test(safeDecode(name)) ? `${sep}${name}=${REDACTED}` : whole))
    .replace(BEARER, (_whole, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(API_TOKEN, `pqt_${REDACTED}`);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * A log object with its secrets redacted: secret-named fields replaced, strings cleaned, errors
 * turned into their message and stack (cleaned). Other objects (requests, responses) are left to
 * their serializers, which redact in turn.
 */
export function redactValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (seen.has(value)) return value;
  seen.add(value);
  if (value instanceof Error || isErrorLike(value)) {
    // A copy of the same class (so the error serializer still names its type), every field cleaned.
    const e = value as Error & Record<string, unknown>;
    const copy = Object.create(Object.getPrototypeOf(e) as object) as Error & Record<string, unknown>;
    for (const k of Object.keys(e)) copy[k] = SECRET_KEY.test(k) ? REDACTED : redactValue(e[k], depth + 1, seen);
    copy.message = redactText(String(e.message));
    if (e.stack) copy.stack = redactText(e.stack);
    if (e.cause !== undefined) copy.cause = redactValue(e.cause, depth + 1, seen);
    return copy;
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1, seen));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEY.test(k) && v !== undefined && v !== null ? REDACTED : redactValue(v, depth + 1, seen);
  }
  return out;
}

function isErrorLike(v: object): boolean {
  return typeof (v as { message?: unknown }).message === 'string' && typeof (v as { stack?: unknown }).stack === 'string';
}

/** pino-http's serialised request ({ method, url, query, params, headers, … }) without secrets. */
export function redactRequest(req: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...req };
  if (typeof out['url'] === 'string') out['url'] = redactText(out['url']);
  if (out['query'] && typeof out['query'] === 'object') {
    out['query'] = Object.fromEntries(
      Object.entries(out['query'] as Record<string, unknown>).map(([k, v]) => [k, SECRET_PARAM.test(k) ? REDACTED : redactValue(v)]),
    );
  }
  if (out['params'] && typeof out['params'] === 'object') out['params'] = redactValue(out['params']);
  if (out['headers'] && typeof out['headers'] === 'object') out['headers'] = redactHeaders(out['headers'] as Record<string, unknown>);
  return out;
}

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'x-auth-token']);

export function redactHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (SECRET_HEADERS.has(k.toLowerCase())) out[k] = REDACTED;
    else out[k] = typeof v === 'string' ? redactText(v) : v;
  }
  return out;
}
