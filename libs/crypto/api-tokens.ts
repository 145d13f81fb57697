import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'pqt_';

export interface IssuedToken {
  secret: string;
  hash: string;
  prefix: string;
}

export function issueApiToken(): IssuedToken {
  const secret = PREFIX + randomBytes(32).toString('base64url');
  return { secret, hash: hashApiToken(secret), prefix: secret.slice(0, PREFIX.length + 6) };
}

/** Tokens carry 256 random bits, so a plain SHA-256 is enough: there is nothing to brute-force. */
export function hashApiToken(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
