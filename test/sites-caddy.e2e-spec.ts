/**
 * The access form of a strike behind Debian's Caddy (forward_auth), with README's site block: open
 * before the window, 503 with Retry-After and the strike page inside it, open again after; an
 * excepted path open throughout; Piquet stopped, the site stays open (handle_errors).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApi, type Api } from './support/api.js';
import { holdUnreachable } from './support/unreachable.js';
import { startCaddy, type RunningCaddy } from './support/caddy.js';
import { createTestEnv, waitFor, type TestEnv } from './support/env.js';
import { approvedStrike, createVoters } from './support/strikes.js';

const at = (ms: number) => new Date(ms).toISOString();

describe('a strike closing a site behind Caddy', () => {
  let t: TestEnv;
  let api: Api;
  let caddy: RunningCaddy | null = null;
  let admin: string;
  let voters: string[];
  let siteDir: string;

  beforeAll(async () => {
    t = await createTestEnv();
    api = await startApi(t.config);
    ({ token: admin } = await api.createOrganisation('Rédaction'));
    voters = [admin, ...(await createVoters(api, admin, 1))];
    siteDir = mkdtempSync(join(tmpdir(), 'piquet-site-'));
    mkdirSync(join(siteDir, 'legal'));
    writeFileSync(join(siteDir, 'index.html'), '<!doctype html><title>Journal</title><p>Les nouvelles du jour</p>');
    writeFileSync(join(siteDir, 'legal', 'index.html'), '<!doctype html><title>Mentions</title><p>Mentions légales</p>');
    writeFileSync(join(siteDir, 'other.html'), '<!doctype html><p>Autre page</p>');
  });

  afterAll(async () => {
    await caddy?.stop();
    await api?.close().catch(() => undefined);
    if (siteDir) rmSync(siteDir, { recursive: true, force: true });
    await t?.cleanup();
  });

  it('closes the site for the window only, keeps the excepted path open, and stays open when Piquet is stopped', async () => {
    const site = await api.call('POST', '/v1/sites', admin, { name: 'Journal', origin: 'https://journal.example', exceptPrefixes: ['/legal'] });
    expect(site.status).toBe(201);
    caddy = await startCaddy({ root: siteDir, piquet: new URL(api.url).host, key: site.body.publicKey });
    const get = async (path: string, lang = 'fr') => {
      const res = await fetch(caddy!.url + path, { headers: { 'accept-language': lang } });
      return { status: res.status, retryAfter: res.headers.get('retry-after'), text: await res.text(), at: Date.now() };
    };

    const start = Math.ceil((Date.now() + 8_000) / 1000) * 1000;
    const end = start + 6_000;
    const strike = await approvedStrike(api, admin, voters, {
      title: 'Grève du 5 décembre',
      reason: 'Contre la réforme des retraites',
      startsAt: at(start),
      endsAt: at(end),
      allAccounts: true,
      mode: 'silence',
      sites: [{ siteId: site.body.id, form: 'closed' }],
    });
    const effective = Date.parse(strike.effectiveFrom);
    // The preview and the live view name the site, its form and its window; in force only inside it.
    const siteLine = { siteId: site.body.id, name: 'Journal', origin: 'https://journal.example', form: 'closed', removed: false };
    const asked = Date.now();
    const preview = await api.call('GET', `/v1/strikes/${strike.id}/preview`, admin);
    // (Unless the machine was too slow: a running strike has no preview, only its live view.)
    if (asked < effective - 500) expect(preview.body.sites).toEqual([{ ...siteLine, window: { from: strike.effectiveFrom, until: at(end) } }]);
    const liveSite = async () => (await api.call('GET', `/v1/strikes/${strike.id}/live`, admin)).body.sites[0];
    const early = await liveSite();
    if (Date.now() < effective - 200) expect(early).toEqual({ ...siteLine, window: { from: strike.effectiveFrom, until: at(end) }, windowDecided: true, inForce: false });

    // Before: open (unless the machine was too slow to get here before the start).
    const before = await get('/');
    if (before.at < effective - 200) {
      expect(before.status).toBe(200);
      expect(before.text).toContain('Les nouvelles du jour');
    }

    // Inside: Piquet's 503, its Retry-After up to the end and its strike page, passed through by forward_auth.
    const closed = await waitFor(async () => {
      const r = await get('/');
      return r.status === 503 ? r : null;
    }, 'the site to close', 20_000);
    expect(closed.at).toBeGreaterThanOrEqual(effective);
    expect(closed.at - effective).toBeLessThan(2_500);
    expect(Number(closed.retryAfter)).toBeGreaterThan(0);
    expect(Number(closed.retryAfter)).toBeLessThanOrEqual(Math.ceil((end - closed.at) / 1000) + 1);
    expect(closed.text).toContain('Grève du 5 décembre');
    expect(closed.text).toContain('fermé pour cause de grève');
    expect(closed.text).not.toContain('Les nouvelles du jour');
    if (Date.now() < end - 500) expect(await liveSite()).toMatchObject({ siteId: site.body.id, inForce: true });
    const english = await get('/other.html', 'en-GB,en;q=0.9');
    expect(english.status).toBe(503);
    expect(english.text).toContain('This site is closed');
    // forward_auth passes the path in X-Forwarded-Uri: the exception applies.
    const legal = await get('/legal/');
    expect(legal.status).toBe(200);
    expect(legal.text).toContain('Mentions légales');

    // After: open again.
    const reopened = await waitFor(async () => {
      const r = await get('/');
      return r.status === 200 ? r : null;
    }, 'the site to reopen', 20_000);
    expect(reopened.at).toBeGreaterThanOrEqual(end);
    expect(reopened.at - end).toBeLessThan(2_500);
    expect(reopened.text).toContain('Les nouvelles du jour');
    expect(await liveSite()).toMatchObject({ siteId: site.body.id, inForce: false });

    // Piquet stopped: the proxy's 502 becomes the site again (handle_errors), with status 200.
    await api.close();
    const release = await holdUnreachable(api.url);
    const down = await get('/other.html');
    expect(down.status).toBe(200);
    expect(down.text).toContain('Autre page');
    const home = await get('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('Les nouvelles du jour');
    await release();
  });
});
