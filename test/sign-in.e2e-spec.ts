import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuthThrottleService } from '../apps/api/src/common/auth-throttle.service.js';
import type { PrismaClient } from '#database/generated/client.js';
import { PrismaService } from '#database/prisma.service.js';
import { startApi, type Api } from './support/api.js';
import { Browser } from './support/http-browser.js';
import { createTestEnv, type TestEnv } from './support/env.js';
import { SoftwareAuthenticator } from './support/webauthn.js';

const PUBLIC_URL = 'http://localhost:39999';
const PASSPHRASE = 'correct horse battery staple';

describe('signing in: invitations, sessions, CSRF, passkeys, throttling, the organisation time zone, the web app', () => {
  let t: TestEnv;
  let api: Api;
  let db: PrismaClient;
  let admin: { token: string; memberId: string; organisationId: string };
  const webDir = mkdtempSync(join(tmpdir(), 'piquet-web-'));
  let logins = 0;

  beforeAll(async () => {
    mkdirSync(join(webDir, 'assets'));
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>Piquet</title><script type="module" src="/assets/index-abc123.js"></script>');
    writeFileSync(join(webDir, 'assets', 'index-abc123.js'), 'console.log("piquet")');
    t = await createTestEnv({ PUBLIC_URL, WEB_DIR: webDir, AUTH_FAILURE_LIMIT: '10' });
    api = await startApi(t.config);
    db = api.app.get(PrismaService).client;
    admin = await api.createOrganisation('Rédaction');
  });

  afterAll(async () => {
    await api?.close();
    await t?.cleanup();
    rmSync(webDir, { recursive: true, force: true });
  });

  const browser = () => new Browser(api.url, PUBLIC_URL);
  const tokenOf = (url: string) => url.slice(`${PUBLIC_URL}/invite/`.length);

  async function invite(name: string, role = 'member') {
    const res = await api.call('POST', '/v1/invitations', admin.token, { name, role });
    expect(res.status).toBe(201);
    return res.body as { id: string; url: string; expiresAt: string };
  }

  /** A new member through an invitation, signed in in their own browser. */
  async function member(role = 'member') {
    const n = ++logins;
    const inv = await invite(`Personne ${n}`, role);
    const b = browser();
    const login = `personne${n}@example.org`;
    const res = await b.request('POST', `/v1/auth/invitations/${tokenOf(inv.url)}/accept`, { login, passphrase: PASSPHRASE });
    expect(res.status).toBe(200);
    return { browser: b, login, id: res.body.member.id as string };
  }

  describe('invitations', () => {
    it('an admin invites; the link is shown once, works once, and signs the new member in with secure cookies', async () => {
      const inv = await invite('Camille', 'community_manager');
      expect(inv.url).toMatch(new RegExp(`^${PUBLIC_URL}/invite/pqi_[A-Za-z0-9_-]{43}$`));
      expect(Date.parse(inv.expiresAt) - Date.now()).toBeGreaterThan(6.9 * 24 * 3600_000);
      // Only a hash is stored; the list never shows the link again.
      const stored = await db.invitation.findUniqueOrThrow({ where: { id: inv.id } });
      expect(JSON.stringify(stored)).not.toContain(tokenOf(inv.url));
      const pending = await api.call('GET', '/v1/invitations', admin.token);
      expect(pending.body.map((i: { id: string }) => i.id)).toContain(inv.id);
      expect(JSON.stringify(pending.body)).not.toContain('pqi_');

      const anon = browser();
      const preview = await anon.request('GET', `/v1/auth/invitations/${tokenOf(inv.url)}`);
      expect(preview.status).toBe(200);
      expect(preview.body).toMatchObject({ organisationName: 'Rédaction', memberName: 'Camille', role: 'community_manager' });

      const short = await anon.request('POST', `/v1/auth/invitations/${tokenOf(inv.url)}/accept`, { login: 'camille@example.org', passphrase: 'short' });
      expect(short.status).toBe(400);
      expect(short.body.errors).toEqual([{ field: 'passphrase', message: expect.stringContaining('at least 12') }]);

      const accepted = await anon.request('POST', `/v1/auth/invitations/${tokenOf(inv.url)}/accept`, { login: 'Camille@Example.org', passphrase: PASSPHRASE });
      expect(accepted.status).toBe(200);
      expect(accepted.body.member).toMatchObject({ name: 'Camille', role: 'community_manager' });
      const session = accepted.setCookies.find((c) => c.startsWith('piquet_session='))!;
      const csrf = accepted.setCookies.find((c) => c.startsWith('piquet_csrf='))!;
      expect(session).toMatch(/; HttpOnly/i);
      expect(session).toMatch(/; SameSite=Lax/i);
      expect(session).toMatch(/; Path=\//i);
      expect(session).not.toMatch(/; Secure/i); // PUBLIC_URL is http here
      expect(csrf).not.toMatch(/HttpOnly/i);
      expect(csrf).toMatch(/; SameSite=Lax/i);
      // The session id is stored hashed only.
      const secret = anon.cookies.get('piquet_session')!;
      expect(await db.memberSession.count({ where: { tokenHash: secret } })).toBe(0);
      const m = await db.member.findUniqueOrThrow({ where: { id: accepted.body.member.id } });
      expect(m.login).toBe('camille@example.org');
      expect(m.passphraseHash).toMatch(/^\$argon2id\$/);

      const again = await browser().request('POST', `/v1/auth/invitations/${tokenOf(inv.url)}/accept`, { login: 'autre@example.org', passphrase: PASSPHRASE });
      expect(again.status).toBe(410);
      expect((await browser().request('GET', `/v1/auth/invitations/${tokenOf(inv.url)}`)).status).toBe(410);
      expect((await api.call('GET', '/v1/invitations', admin.token)).body.map((i: { id: string }) => i.id)).not.toContain(inv.id);

      // The new member signs in again with the login in any case.
      const b = browser();
      const login = await b.request('POST', '/v1/auth/login', { login: 'CAMILLE@example.org', passphrase: PASSPHRASE });
      expect(login.status).toBe(200);
    });

    it('refuses an expired link (410), a withdrawn one (404), a taken login (409), and lets only admins invite', async () => {
      const expired = await invite('Dominique');
      await db.invitation.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
      expect((await browser().request('GET', `/v1/auth/invitations/${tokenOf(expired.url)}`)).status).toBe(410);
      const late = await browser().request('POST', `/v1/auth/invitations/${tokenOf(expired.url)}/accept`, { login: 'dominique@example.org', passphrase: PASSPHRASE });
      expect(late.status).toBe(410);
      expect(late.setCookies).toEqual([]);

      const withdrawn = await invite('Eden');
      expect((await api.call('DELETE', `/v1/invitations/${withdrawn.id}`, admin.token)).status).toBe(204);
      expect((await browser().request('GET', `/v1/auth/invitations/${tokenOf(withdrawn.url)}`)).status).toBe(404);
      expect((await browser().request('GET', '/v1/auth/invitations/pqi_madeup')).status).toBe(404);

      const taken = await invite('Frédérique');
      const { login } = await member();
      const clash = await browser().request('POST', `/v1/auth/invitations/${tokenOf(taken.url)}/accept`, { login: login.toUpperCase(), passphrase: PASSPHRASE });
      expect(clash.status).toBe(409);
      expect(clash.body.errors[0].field).toBe('login');
      // Nothing half-written: the invitation is still usable.
      expect((await browser().request('GET', `/v1/auth/invitations/${tokenOf(taken.url)}`)).status).toBe(200);

      const plain = await member('member');
      const refused = await plain.browser.request('POST', '/v1/invitations', { name: 'Gaby', role: 'admin' });
      expect(refused.status).toBe(403);
      expect((await plain.browser.request('GET', '/v1/invitations')).status).toBe(403);
    });
  });

  describe('sessions', () => {
    it('tells the app who is signed in, lists the member\'s sessions and ends one', async () => {
      const { browser: laptop, login } = await member('member');
      const phone = new Browser(api.url, PUBLIC_URL, 'phone/2.0');
      expect((await phone.request('POST', '/v1/auth/login', { login, passphrase: PASSPHRASE })).status).toBe(200);

      const state = await laptop.request('GET', '/v1/auth/session');
      expect(state.body).toMatchObject({ signedIn: true, member: { role: 'member' }, organisation: { name: 'Rédaction', timeZone: 'Europe/Paris' }, pendingVotes: 0 });
      expect((await browser().request('GET', '/v1/auth/session')).body).toEqual({ signedIn: false });

      const list = await laptop.request('GET', '/v1/auth/sessions');
      expect(list.status).toBe(200);
      expect(list.body).toHaveLength(2);
      const current = list.body.find((s: { current: boolean }) => s.current);
      const other = list.body.find((s: { current: boolean }) => !s.current);
      expect(current.userAgent).toBe('test-browser/1.0');
      expect(other.userAgent).toBe('phone/2.0');

      // Another member cannot end it.
      const stranger = await member();
      expect((await stranger.browser.request('DELETE', `/v1/auth/sessions/${other.id}`)).status).toBe(404);

      expect((await laptop.request('DELETE', `/v1/auth/sessions/${other.id}`)).status).toBe(204);
      expect((await phone.request('GET', '/v1/accounts')).status).toBe(401);
      expect((await phone.request('GET', '/v1/auth/session')).body).toEqual({ signedIn: false });
      expect((await laptop.request('GET', '/v1/auth/sessions')).body).toHaveLength(1);

      expect((await laptop.request('POST', '/v1/auth/logout')).status).toBe(204);
      expect(laptop.cookies.has('piquet_session')).toBe(false);
      expect((await laptop.request('GET', '/v1/accounts')).status).toBe(401);
    });

    it('ends a session after the idle limit and after the absolute limit, and when the member is removed', async () => {
      const idle = await member();
      const idleId = (await idle.browser.request('GET', '/v1/auth/sessions')).body[0].id;
      expect((await idle.browser.request('GET', '/v1/accounts')).status).toBe(200);
      await db.memberSession.update({ where: { id: idleId }, data: { lastSeenAt: new Date(Date.now() - 8 * 24 * 3600_000) } });
      expect((await idle.browser.request('GET', '/v1/accounts')).status).toBe(401);

      const old = await member();
      const oldId = (await old.browser.request('GET', '/v1/auth/sessions')).body[0].id;
      await db.memberSession.update({ where: { id: oldId }, data: { expiresAt: new Date(Date.now() - 1000) } });
      expect((await old.browser.request('GET', '/v1/accounts')).status).toBe(401);

      const leaving = await member();
      expect((await leaving.browser.request('GET', '/v1/accounts')).status).toBe(200);
      expect((await api.call('DELETE', `/v1/members/${leaving.id}`, admin.token)).status).toBe(204);
      expect((await leaving.browser.request('GET', '/v1/accounts')).status).toBe(401);
      expect(await db.memberSession.count({ where: { memberId: leaving.id, endedAt: null } })).toBe(0);
      expect((await browser().request('POST', '/v1/auth/login', { login: leaving.login, passphrase: PASSPHRASE })).status).toBe(401);
    });
  });

  describe('CSRF', () => {
    it('refuses a cookie-authenticated write without the header, with a wrong one, or from another Origin; API tokens need none', async () => {
      const admin2 = await member('admin');
      const b = admin2.browser;
      const body = { name: 'Hugo', role: 'member' };
      const none = await b.request('POST', '/v1/invitations', body, { csrf: null });
      expect(none.status).toBe(403);
      expect(none.body.message).toMatch(/^csrf: /);
      const wrong = await b.request('POST', '/v1/invitations', body, { csrf: 'not-the-token' });
      expect(wrong.status).toBe(403);
      expect(wrong.body.message).toMatch(/^csrf: /);
      const foreign = await b.request('POST', '/v1/invitations', body, { origin: 'https://evil.example' });
      expect(foreign.status).toBe(403);
      expect(foreign.body.message).toBe('csrf: this request comes from another site (https://evil.example)');
      // The token of another session does not fit this one.
      const other = await member('admin');
      const swapped = await b.request('POST', '/v1/invitations', body, { csrf: other.browser.csrf! });
      expect(swapped.status).toBe(403);
      // Nothing was written by the refused requests.
      expect((await api.call('GET', '/v1/invitations', admin.token)).body.filter((i: { name: string }) => i.name === 'Hugo')).toHaveLength(0);

      expect((await b.request('POST', '/v1/invitations', body)).status).toBe(201);
      expect((await b.request('POST', '/v1/invitations', body, { origin: null })).status).toBe(201);
      // Reads need no token.
      expect((await b.request('GET', '/v1/invitations', undefined, { origin: 'https://evil.example' })).status).toBe(200);
      expect((await api.call('POST', '/v1/invitations', admin.token, body)).status).toBe(201);
      // Signing in from another site is refused too (no one is signed in behind a visitor's back).
      const lured = await browser().request('POST', '/v1/auth/login', { login: admin2.login, passphrase: PASSPHRASE }, { origin: 'https://evil.example' });
      expect(lured.status).toBe(403);
      expect(lured.setCookies).toEqual([]);
    });
  });

  describe('passkeys', () => {
    it('registers a software passkey and signs in with it; a replayed or unknown assertion is refused', async () => {
      const { browser: b, login, id } = await member();
      const auth = new SoftwareAuthenticator('localhost', PUBLIC_URL);
      const options = await b.request('POST', '/v1/auth/passkeys/registration-options');
      expect(options.status).toBe(200);
      expect(options.body.rp).toEqual({ name: 'Piquet — Rédaction', id: 'localhost' });
      expect(options.body.attestation).toBe('none');

      // From another origin, the registration does not verify.
      const foreign = new SoftwareAuthenticator('localhost', 'https://evil.example');
      const bad = await b.request('POST', '/v1/auth/passkeys', { response: foreign.register(options.body, 'https://evil.example'), name: 'Evil' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('response');

      const options2 = await b.request('POST', '/v1/auth/passkeys/registration-options');
      const added = await b.request('POST', '/v1/auth/passkeys', { response: auth.register(options2.body), name: 'Ordinateur' });
      expect(added.status).toBe(201);
      expect(added.body).toMatchObject({ name: 'Ordinateur' });
      expect((await b.request('GET', '/v1/auth/passkeys')).body).toHaveLength(1);

      const fresh = browser();
      const authOptions = await fresh.request('POST', '/v1/auth/passkeys/authentication-options', { login });
      expect(authOptions.status).toBe(200);
      expect(authOptions.body.allowCredentials).toEqual([{ id: auth.id, type: 'public-key', transports: ['internal'] }]);
      const assertion = auth.authenticate(authOptions.body);
      const signedIn = await fresh.request('POST', '/v1/auth/passkeys/login', { response: assertion });
      expect(signedIn.status).toBe(200);
      expect(signedIn.body.member.id).toBe(id);
      expect((await fresh.request('GET', '/v1/auth/session')).body.signedIn).toBe(true);

      // The challenge was taken: the same assertion again signs nobody in.
      const replay = await browser().request('POST', '/v1/auth/passkeys/login', { response: assertion });
      expect(replay.status).toBe(401);
      const stranger = new SoftwareAuthenticator('localhost', PUBLIC_URL);
      const opts = await browser().request('POST', '/v1/auth/passkeys/authentication-options', {});
      expect(opts.body.allowCredentials).toEqual([]);
      expect((await browser().request('POST', '/v1/auth/passkeys/login', { response: stranger.authenticate(opts.body) })).status).toBe(401);

      const passkeyId = added.body.id as string;
      expect((await b.request('DELETE', `/v1/auth/passkeys/${passkeyId}`)).status).toBe(204);
      const opts2 = await browser().request('POST', '/v1/auth/passkeys/authentication-options', { login });
      expect((await browser().request('POST', '/v1/auth/passkeys/login', { response: auth.authenticate(opts2.body) })).status).toBe(401);
    });
  });

  describe('the organisation', () => {
    it('has a time zone, checked with Intl, that admins set', async () => {
      expect((await api.call('GET', '/v1/organisation', admin.token)).body.timeZone).toBe('Europe/Paris');
      const bad = await api.call('PATCH', '/v1/organisation', admin.token, { timeZone: 'Europe/Lutece' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([{ field: 'timeZone', message: 'must be an IANA time zone, such as Europe/Paris' }]);
      const ok = await api.call('PATCH', '/v1/organisation', admin.token, { timeZone: 'America/Montreal' });
      expect(ok.status).toBe(200);
      expect(ok.body.timeZone).toBe('America/Montreal');
      const { browser: b } = await member();
      expect((await b.request('GET', '/v1/auth/session')).body.organisation.timeZone).toBe('America/Montreal');
      expect((await b.request('PATCH', '/v1/organisation', { timeZone: 'UTC' })).status).toBe(403);
    });
  });

  describe('the web app', () => {
    it('serves index.html for the app\'s pages with its CSP, hashed assets for a year, and leaves the API alone', async () => {
      const page = await fetch(`${api.url}/queue/week`, { headers: { accept: 'text/html,application/xhtml+xml' } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('/assets/index-abc123.js');
      expect(page.headers.get('cache-control')).toBe('no-cache');
      expect(page.headers.get('content-security-policy')).toBe(
        "default-src 'self'; img-src 'self' data: https:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
      );
      expect((await fetch(`${api.url}/`, { headers: { accept: 'text/html' } })).status).toBe(200);
      const asset = await fetch(`${api.url}/assets/index-abc123.js`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      const api404 = await fetch(`${api.url}/v1/nothing-here`, { headers: { accept: 'text/html' } });
      expect(api404.status).toBe(404);
      expect(api404.headers.get('content-type')).toMatch(/json/);
      expect((await fetch(`${api.url}/health`, { headers: { accept: 'text/html' } })).headers.get('content-type')).toMatch(/json/);
      // Not a page request (a script asking for JSON): no fallback.
      expect((await fetch(`${api.url}/queue/week`, { headers: { accept: 'application/json' } })).status).toBe(404);
    });
  });

  describe('throttling', () => {
    it('answers 429 with Retry-After after repeated failures for a login, even with the right passphrase then', async () => {
      const { login } = await member();
      const b = browser();
      // Earlier tests failed a few sign-ins from this address: start from a clean count.
      const throttle = api.app.get(AuthThrottleService);
      for (const ip of ['127.0.0.1', '::ffff:127.0.0.1', '::1']) await throttle.reset(`ip:${ip}`);
      let last = 0;
      for (let i = 0; i < 10; i++) {
        const r = await b.request('POST', '/v1/auth/login', { login, passphrase: `wrong passphrase ${i}` });
        expect(r.status).toBe(401);
        expect(r.body.message).toBe('The login or the passphrase is wrong');
        last = r.status;
      }
      expect(last).toBe(401);
      const unknown = await b.request('POST', '/v1/auth/login', { login: 'nobody@example.org', passphrase: 'whatever it is' });
      // The client address has failed 10 times too: throttled whatever the login.
      expect(unknown.status).toBe(429);
      const right = await b.request('POST', '/v1/auth/login', { login, passphrase: PASSPHRASE });
      expect(right.status).toBe(429);
      const retryAfter = Number(right.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      expect(right.setCookies).toEqual([]);
    });
  });
});
