import { describe, expect, it } from '@jest/globals';
import { checkInstanceUrl, isPrivateAddress } from './url-guard.js';

describe('instance URL guard', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '0.0.0.0'])(
    'treats %s as private',
    (ip) => expect(isPrivateAddress(ip)).toBe(true),
  );

  it.each(['1.1.1.1', '2606:4700:4700::1111'])('treats %s as public', (ip) => expect(isPrivateAddress(ip)).toBe(false));

  it('accepts https to public addresses and normalises to the origin', async () => {
    await expect(checkInstanceUrl('https://1.1.1.1/about', false)).resolves.toBe('https://1.1.1.1');
  });

  it('refuses http, credentials and private addresses unless allowed', async () => {
    await expect(checkInstanceUrl('http://1.1.1.1', false)).rejects.toThrow('must use https');
    await expect(checkInstanceUrl('https://u:p@1.1.1.1', false)).rejects.toThrow('credentials');
    await expect(checkInstanceUrl('https://127.0.0.1:8443', false)).rejects.toThrow('private');
    await expect(checkInstanceUrl('https://localhost', false)).rejects.toThrow(/private|resolved/);
    await expect(checkInstanceUrl('http://127.0.0.1:4000', true)).resolves.toBe('http://127.0.0.1:4000');
  });
});
