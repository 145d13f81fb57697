import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box.js';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('seals and opens, never storing the plaintext', () => {
    const sealed = box.seal('secret-token', 'account');
    expect(sealed).not.toContain('secret-token');
    expect(sealed).not.toBe(box.seal('secret-token', 'account'));
    expect(box.open(sealed, 'account')).toBe('secret-token');
  });

  it('refuses a ciphertext used in another context, tampered with, or sealed with another key', () => {
    const sealed = box.seal('secret-token', 'account');
    expect(() => box.open(sealed, 'oauth')).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join('.'), 'account')).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'account')).toThrow();
  });
});
