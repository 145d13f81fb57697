/**
 * Sites and the access form of a strike: an organisation registers its sites (admins, clear 400s,
 * audit), a strike names them, and Debian's nginx in front of a static site asks Piquet on every
 * request (auth_request): open before the window, 503 with Retry-After and the strike page inside it,
 * open again after; an excepted path open throughout; Piquet stopped, the site open.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApi, type Api } from './support/api.js';
import { holdUnreachable } from './support/unreachable.js';
import { createTestEnv, waitFor, type TestEnv } from './support/env.js';
import { startNginx, type RunningNginx } from './support/nginx.js';
import { approvedStrike, createVoters } from './support/strikes.js';

const at = (ms: number) => new Date(ms).toISOString();

describe('sites, and a strike closing one behind nginx', () => {
  let t: TestEnv;
  let api: Api;
  let nginx: RunningNginx | null = null;
  let admin: string;
  let voters: string[];
  let member: string;
  let other: string;
  let siteDir: string;

  beforeAll(async () => {
    t = await createTestEnv();
    api = await startApi(t.config);
    ({ token: admin } = await api.createOrganisation('Rédaction'));
    ({ token: other } = await api.createOrganisation('Autre maison'));
    voters = await createVoters(api, admin, 1);
    member = voters[0]!;
    voters = [admin, member];
    siteDir = mkdtempSync(join(tmpdir(), 'piquet-site-'));
    mkdirSync(join(siteDir, 'legal'));
    writeFileSync(join(siteDir, 'index.html'), '<!doctype html><title>Journal</title><p>Les nouvelles du jour</p>');
    writeFileSync(join(siteDir, 'legal', 'index.html'), '<!doctype html><title>Mentions</title><p>Mentions légales</p>');
    writeFileSync(join(siteDir, 'other.html'), '<!doctype html><p>Autre page</p>');
  });

  afterAll(async () => {
    await nginx?.stop();
    await api?.close().catch(() => undefined);
    if (siteDir) rmSync(siteDir, { recursive: true, force: true });
    await t?.cleanup();
  });

  it('registers sites for admins only, with a 400 naming each wrong field, and audits it', async () => {
    const bad = await api.call('POST', '/v1/sites', admin, { name: 'x', origin: 'https://journal.example/path', closedPrefixes: ['articles'], exceptPrefixes: ['/a/../b'] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['closedPrefixes.0', 'exceptPrefixes.0', 'origin']);
    const partner = await api.call('POST', '/v1/sites', admin, { name: 'Revue amie', origin: 'https://revue.example', kind: 'partner' });
    expect(partner.status).toBe(400);
    expect(partner.body.errors[0].field).toBe('consent');
    expect((await api.call('POST', '/v1/sites', member, { name: 'x', origin: 'https://x.example' })).status).toBe(403);
    expect((await api.call('POST', '/v1/sites', admin, { name: 'x', origin: 'https://x.example', extra: 1 })).status).toBe(400);

    const ok = await api.call('POST', '/v1/sites', admin, {
      name: 'Revue amie',
      origin: 'https://revue.example/',
      kind: 'partner',
      consent: { by: 'Comité de rédaction de la revue', note: 'Vote du comité: bannière pendant les grèves votées' },
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ origin: 'https://revue.example', kind: 'partner', consent: { by: 'Comité de rédaction de la revue' } });
    expect(ok.body.publicKey).toMatch(/^pqs_[A-Za-z0-9_-]{22}$/);
    expect(ok.body.embed.script).toContain(`data-site="${ok.body.publicKey}"`);

    const rotated = await api.call('POST', `/v1/sites/${ok.body.id}/key`, admin);
    expect(rotated.body.publicKey).not.toBe(ok.body.publicKey);
    const renamed = await api.call('PATCH', `/v1/sites/${ok.body.id}`, admin, { name: 'La revue amie' });
    expect(renamed.body.name).toBe('La revue amie');
    expect((await api.call('PATCH', `/v1/sites/${ok.body.id}`, admin, {})).status).toBe(400);
    expect((await api.call('GET', `/v1/sites/${ok.body.id}`, other)).status).toBe(404);
    expect((await api.call('DELETE', `/v1/sites/${ok.body.id}`, admin)).status).toBe(204);
    expect((await api.call('GET', '/v1/sites', admin)).body.items).toEqual([]);

    const audit = await api.call('GET', '/v1/audit', admin);
    const actions = (audit.body.items as { action: string }[]).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['site.created', 'site.key-rotated', 'site.updated', 'site.removed']));
  });

  it('refuses a strike naming a site that is not the organisation\'s', async () => {
    const theirs = await api.call('POST', '/v1/sites', other, { name: 'Leur site', origin: 'https://autre.example' });
    const body = {
      title: 'Grève',
      reason: 'Raison',
      startsAt: at(Date.now() + 3_600_000),
      endsAt: at(Date.now() + 7_200_000),
      allAccounts: true,
      mode: 'silence',
      sites: [{ siteId: theirs.body.id, form: 'closed' }],
    };
    const res = await api.call('POST', '/v1/strikes', admin, body);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('sites.0.siteId');
    const badForm = await api.call('POST', '/v1/strikes', admin, { ...body, sites: [{ siteId: theirs.body.id, form: 'popup' }] });
    expect(badForm.status).toBe(400);
    expect(badForm.body.errors[0].field).toBe('sites.0.form');
  });

  it('closes the site at the start of the window and opens it at the end; an excepted path stays open; Piquet stopped, the site stays open', async () => {
    const site = await api.call('POST', '/v1/sites', admin, { name: 'Journal', origin: 'https://journal.example', exceptPrefixes: ['/legal'] });
    expect(site.status).toBe(201);
    nginx = await startNginx({ root: siteDir, piquet: new URL(api.url).host, key: site.body.publicKey });
    const get = async (path: string, lang = 'fr') => {
      const res = await fetch(nginx!.url + path, { headers: { 'accept-language': lang } });
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
    const detail = await api.call('GET', `/v1/strikes/${strike.id}`, admin);
    expect(detail.body.sites).toEqual([{ siteId: site.body.id, name: 'Journal', origin: 'https://journal.example', form: 'closed' }]);
    const effective = Date.parse(strike.effectiveFrom);

    // Before: open (unless the machine was too slow to get here before the start).
    const before = await get('/');
    if (before.at < effective - 200) {
      expect(before.status).toBe(200);
      expect(before.text).toContain('Les nouvelles du jour');
    }

    // Inside: 503, Retry-After up to the end, the strike page in the reader's language.
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
    const english = await get('/other.html', 'en-GB,en;q=0.9');
    expect(english.status).toBe(503);
    expect(english.text).toContain('This site is closed');
    const post = await fetch(nginx.url + '/', { method: 'POST', body: 'x=1' });
    expect(post.status).toBe(503);
    const legal = await get('/legal/');
    expect(legal.status).toBe(200);
    expect(legal.text).toContain('Mentions légales');
    // A path that climbs out of the exception is not excepted.
    expect((await get('/legal/../other.html')).status).toBe(503);

    // nginx keeps Piquet's answers (a few seconds): its cache holds entries.
    expect(readdirSync(join(nginx.dir, 'cache'), { recursive: true }).length).toBeGreaterThan(0);

    // After: open again.
    const reopened = await waitFor(async () => {
      const r = await get('/');
      return r.status === 200 ? r : null;
    }, 'the site to reopen', 20_000);
    expect(reopened.at).toBeGreaterThanOrEqual(end);
    expect(reopened.at - end).toBeLessThan(2_500);
    expect((await get('/legal/')).status).toBe(200);

    // Piquet stopped: the site stays open, on paths never asked before too (nothing cached).
    await api.close();
    const release = await holdUnreachable(api.url);
    const down = await get('/other.html');
    expect(down.status).toBe(200);
    expect(down.text).toContain('Autre page');
    const home = await get('/');
    // What nginx saw, when it did not serve the site (its error log names the upstream's answers).
    if (home.status !== 200) console.log(`nginx, / answered ${home.status} with Piquet stopped:\n${nginx.log()}`);
    expect(home.status).toBe(200);
    await release();
  });
});
