import { describe, expect, it } from '@jest/globals';
import { REDACTED, redactHeaders, redactRequest, redactText, redactValue } from './log-redaction.js';

describe('log redaction', () => {
  it.each([
    ['/v1/reports/abc?expires=1767225600&sig=deadbeef', '/v1/reports/abc?expires=1767225600&sig=[redacted]'],
    ['/v1/oauth/x/callback?state=s3cr3t&code=c0de', '/v1/oauth/x/callback?state=[redacted]&code=[redacted]'],
    ['GET https://i.example/cb?access_token=AT&lang=fr#x', 'GET https://i.example/cb?access_token=[redacted]&lang=fr#x'],
    ['?refresh_token=R&client_secret=C&password=P&passphrase=Q&app_password=A', '?refresh_token=[redacted]&client_secret=[redacted]&password=[redacted]&passphrase=[redacted]&app_password=[redacted]'],
    ['/x?code_verifier=v&token=t&apiKey=k', '/x?code_verifier=[redacted]&token=[redacted]&apiKey=[redacted]'],
    ['/v1/strikes/1/report.html?lang=en&tz=Europe/Paris', '/v1/strikes/1/report.html?lang=en&tz=Europe/Paris'],
    ['Authorization: Bearer pqt_abc.def-123', 'Authorization: Bearer [redacted]'],
    ['used pqt_abcdef123 twice', 'used pqt_[redacted] twice'],
    ['Basic dXNlcjpwYXNz', 'Basic [redacted]'],
  ])('%s', (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it('replaces secret-named fields at any depth, keeps ordinary ones', () => {
    const out = redactValue({ deliveryId: 'd', state: 'held', code: 'ECONNREFUSED', nested: { accessToken: 'a', list: [{ appPassword: 'p' }] } });
    expect(out).toEqual({ deliveryId: 'd', state: 'held', code: 'ECONNREFUSED', nested: { accessToken: REDACTED, list: [{ appPassword: REDACTED }] } });
  });

  it('cleans error messages and stacks, keeping the error type', () => {
    class FetchError extends Error {}
    const out = redactValue({ err: new FetchError('GET /cb?code=abc failed') }) as { err: Error };
    expect(out.err).toBeInstanceOf(FetchError);
    expect(out.err.message).toBe('GET /cb?code=[redacted] failed');
    expect(out.err.stack).not.toContain('code=abc');
  });

  it('cleans a serialised request: url, query, headers', () => {
    const out = redactRequest({
      method: 'GET',
      url: '/v1/reports/r?expires=1&sig=s',
      query: { expires: '1', sig: 's' },
      headers: { authorization: 'Bearer x', cookie: 'a=b', referer: 'https://p/r?sig=s', accept: '*/*' },
    });
    expect(out).toEqual({
      method: 'GET',
      url: '/v1/reports/r?expires=1&sig=[redacted]',
      query: { expires: '1', sig: REDACTED },
      headers: { authorization: REDACTED, cookie: REDACTED, referer: 'https://p/r?sig=[redacted]', accept: '*/*' },
    });
    expect(redactHeaders({ 'Set-Cookie': 'x' })).toEqual({ 'Set-Cookie': REDACTED });
  });
});
