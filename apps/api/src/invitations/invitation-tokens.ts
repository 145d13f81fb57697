import { randomBytes } from 'node:crypto';
import { hashApiToken } from '#crypto/api-tokens.js';

export const INVITATION_TTL_MS = 7 * 24 * 3600_000;

/** 256 random bits; only the sha256 is stored, the link is shown once. */
export function issueInvitationToken(): { secret: string; hash: string } {
  const secret = `pqi_${randomBytes(32).toString('base64url')}`;
  return { secret, hash: hashApiToken(secret) };
}

export const invitationUrl = (publicUrl: string, secret: string): string => `${publicUrl}/invite/${secret}`;
