import { createHash } from 'node:crypto';

/**
 * A profile image by its content: some servers keep one avatar URL and overwrite the file behind
 * it, so a hand edit shows in the bytes, never in the URL.
 */
export function imageHash(data: Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}
