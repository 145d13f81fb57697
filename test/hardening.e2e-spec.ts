import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeMastodon } from '../apps/sandbox/src/mastodon-server.js';
import { PrismaService } from '#database/prisma.service.js';
import { connectAccount, startApi, type Api } from './support/api.js';
import { createTestEnv, inSeconds, type TestEnv } from './support/env.js';

/** Sends a raw body (text), so bodies JSON.stringify cannot make (lone surrogates as escapes, deep nesting) reach the API. */
async function raw(api: Api, method: string, path: string, token: string, body: string) {
  const res = await fetch(api.url + path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
  return { status: res.status, body: (await res.json()) as { message: string; errors?: { field: string; message: string }[] } };
}

async function sequential<T>(n: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(await make(i));
  return out;
}

describe('hardening', () => {
  let t: TestEnv;
  let api: Api;
  const mastodon = new FakeMastodon();
  let admin: string;
  let accountId: string;
  let postId: string;
  let strikeId: string;
  const tokens: Record<string, string> = {};
  const memberIds: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestEnv();
    await mastodon.start();
    api = await startApi(t.config);
    ({ token: admin } = await api.createOrganisation('Durcie'));
    accountId = (await connectAccount(api, admin, mastodon, 'durcie')).account.id;
    for (const role of ['community_manager', 'member', 'viewer']) {
      const m = await api.call('POST', '/v1/members', admin, { name: role, role });
      memberIds[role] = m.body.id;
      tokens[role] = (await api.call('POST', `/v1/members/${m.body.id}/tokens`, admin, { name: 't' })).body.token;
    }
    postId = (await api.call('POST', '/v1/posts', admin, { text: 'Bonjour', scheduledAt: inSeconds(3600), accountIds: [accountId] })).body.id;
    const strike = await api.call('POST', '/v1/strikes', admin, {
      title: 'Grève', reason: 'Durcissement', accountIds: [accountId], startsAt: inSeconds(7200), endsAt: inSeconds(9000), mode: 'occupation',
      messages: { opening: { text: 'En grève' } },
    });
    expect(strike.status).toBe(201);
    strikeId = strike.body.id;
  });

  afterAll(async () => {
    await api?.close();
    await mastodon.stop();
    await t?.cleanup();
  });

  describe('bad input is a 400 naming the field, before any work', () => {
    const strike = () => ({ title: 'T', reason: 'R', accountIds: [accountId], startsAt: inSeconds(7200), endsAt: inSeconds(9000), mode: 'occupation', messages: { opening: { text: 'x' } } });
    it.each([
      ['PATCH', () => `/v1/posts/${postId}`, () => '{"text":null}', 'text'],
      ['PATCH', () => `/v1/posts/${postId}`, () => '{"media":[[]]}', 'media'],
      ['PATCH', () => `/v1/posts/${postId}`, () => '{"text":"a\\u0000b"}', 'text'],
      ['PATCH', () => `/v1/posts/${postId}`, () => '{"text":"\\ud800"}', 'text'],
      ['PATCH', () => `/v1/posts/${postId}`, () => '{"text":"   "}', 'text'],
      ['POST', () => '/v1/strikes', () => JSON.stringify({ ...strike(), accountIds: null }), 'accountIds'],
      ['POST', () => '/v1/strikes', () => JSON.stringify({ ...strike(), messages: null }), 'messages'],
      ['POST', () => '/v1/strikes', () => JSON.stringify({ ...strike(), messages: { opening: [] } }), 'messages.opening'],
      ['POST', () => '/v1/strikes', () => JSON.stringify({ ...strike(), title: ' \u3000\t' }), 'title'],
      ['POST', () => '/v1/strikes', () => JSON.stringify(strike()).replace('"R"', '"R\\udc00"'), 'reason'],
      ['POST', () => '/v1/strikes', () => JSON.stringify({ ...strike(), endsAt: '2099-01-01T00:00:00Z' }), 'endsAt'],
      ['POST', () => '/v1/members', () => '{"name":"  ","role":"viewer"}', 'name'],
      ['POST', () => '/v1/members', () => '{"name":"a\\u0000","role":"viewer"}', 'name'],
      ['POST', () => '/v1/accounts', () => JSON.stringify({ network: 'mastodon', instanceUrl: mastodon.url, accessToken: 'abc\r\ndef' }), 'accessToken'],
      ['POST', () => '/v1/accounts', () => JSON.stringify({ network: 'mastodon', instanceUrl: mastodon.url, accessToken: 'jeton✊' }), 'accessToken'],
      ['POST', () => '/v1/posts', () => '[]', 'body'],
      ['POST', () => '/v1/posts', () => 'null', 'body'],
      ['POST', () => '/v1/posts', () => '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000), 'a'],
    ])('%s %s %s → 400 on %s', async (method, path, body, field) => {
      const r = await raw(api, method, path(), admin, body());
      expect(r.status).toBe(400);
      expect(r.body.errors?.some((e) => e.field === field || e.field.startsWith(`${field}.`))).toBe(true);
    });

    it('names the horizon of dates', async () => {
      const r = await api.call('POST', '/v1/posts', admin, { text: 'x', scheduledAt: '2099-01-01T00:00:00Z', accountIds: [accountId] });
      expect(r.status).toBe(400);
      expect(r.body.errors[0].message).toMatch(/5 years from now/);
    });

    it('answers a 20,000-deep body quickly and keeps /health answering', async () => {
      const body = '['.repeat(20_000) + ']'.repeat(20_000);
      const started = performance.now();
      const results = await Promise.all([1, 2, 3, 4, 5].map(() => raw(api, 'POST', '/v1/strikes', admin, body)));
      expect(results.map((r) => r.status)).toEqual([400, 400, 400, 400, 400]);
      const health = await fetch(`${api.url}/health`);
      expect(health.status).toBe(200);
      process.stdout.write(`five 20,000-deep bodies and /health answered in ${(performance.now() - started).toFixed(0)} ms\n`);
    });

    it('wrote nothing for any of them', async () => {
      const db = api.app.get(PrismaService).client;
      expect(await db.strike.count()).toBe(1);
      expect(await db.member.count()).toBe(4);
      const post = await api.call('GET', `/v1/posts/${postId}`, admin);
      expect(post.body.text).toBe('Bonjour');
    });
  });

  describe('security headers', () => {
    it('are on every answer, errors included, and the docs still load their scripts', async () => {
      for (const [path, status] of [['/v1/posts', 401], ['/health', 200], ['/nowhere', 404]] as const) {
        const r = await fetch(api.url + path);
        expect(r.status).toBe(status);
        expect(r.headers.get('content-security-policy')).toContain("default-src 'none'");
        expect(r.headers.get('x-content-type-options')).toBe('nosniff');
        expect(r.headers.get('strict-transport-security')).toMatch(/max-age/);
        expect(r.headers.get('x-frame-options')).toBe('SAMEORIGIN');
        expect(r.headers.get('referrer-policy')).toBe('same-origin');
      }
      const docs = await fetch(`${api.url}/docs`);
      expect(docs.headers.get('content-security-policy')).toContain("script-src 'self'");
    });
  });

  describe('never zero admins', () => {
    it('50 pairs of admins demoting each other at once: one wins, the other gets a 409, every organisation keeps an admin', async () => {
      // Set up one by one; only the demotions race.
      const orgs = await sequential(50, async (i) => {
          const a = await api.createOrganisation(`Paire ${i}`);
          const b = await api.call('POST', '/v1/members', a.token, { name: 'B', role: 'admin' });
          const bToken = (await api.call('POST', `/v1/members/${b.body.id}/tokens`, a.token, {})).body.token as string;
          return { a: { id: a.memberId, token: a.token }, b: { id: b.body.id as string, token: bToken } };
      });
      const results = await Promise.all(
        orgs.map(async ({ a, b }) => {
          const [ab, ba] = await Promise.all([
            api.call('PATCH', `/v1/members/${b.id}`, a.token, { role: 'member' }),
            api.call('PATCH', `/v1/members/${a.id}`, b.token, { role: 'viewer' }),
          ]);
          return { statuses: [ab.status, ba.status].sort(), loser: [ab, ba].find((r) => r.status === 409)?.body.message as string | undefined };
        }),
      );
      const admins = await Promise.all(orgs.map(async ({ a }) => ((await api.call('GET', '/v1/members', a.token)).body as { role: string }[]).filter((m) => m.role === 'admin').length));
      const outcomes = new Map<string, number>();
      for (const r of results) outcomes.set(r.statuses.join(), (outcomes.get(r.statuses.join()) ?? 0) + 1);
      process.stdout.write(`admins: 50 demotion pairs → ${[...outcomes].map(([k, n]) => `${n} × (${k})`).join(', ')}; organisations without an admin: ${admins.filter((n) => n === 0).length}, with exactly one: ${admins.filter((n) => n === 1).length}\n`);
      expect(admins.filter((n) => n === 0)).toHaveLength(0);
      expect(admins.every((n) => n === 1)).toBe(true);
      // The loser waited on the organisation's lock and is told why (409); if the winner had
      // committed before the loser was even authenticated, its role check says so (403).
      expect(results.every((r) => ['200,409', '200,403'].includes(r.statuses.join()))).toBe(true);
      expect(outcomes.get('200,409') ?? 0).toBeGreaterThan(0);
      for (const r of results.filter((x) => x.statuses.includes(409))) expect(r.loser).toMatch(/no longer an admin/);
    });

    it('20 pairs removing each other at once: every organisation keeps an admin', async () => {
      // Set up one by one; only the demotions race.
      const orgs = await sequential(20, async (i) => {
          const a = await api.createOrganisation(`Retrait ${i}`);
          const b = await api.call('POST', '/v1/members', a.token, { name: 'B', role: 'admin' });
          const bToken = (await api.call('POST', `/v1/members/${b.body.id}/tokens`, a.token, {})).body.token as string;
          return { orgId: a.organisationId, a: { id: a.memberId, token: a.token }, b: { id: b.body.id as string, token: bToken } };
      });
      const statuses = await Promise.all(
        orgs.map(async ({ a, b }) => {
          const rs = await Promise.all([api.call('DELETE', `/v1/members/${b.id}`, a.token), api.call('DELETE', `/v1/members/${a.id}`, b.token)]);
          return rs.map((r) => r.status).sort();
        }),
      );
      const db = api.app.get(PrismaService).client;
      const counts = await Promise.all(orgs.map((o) => db.member.count({ where: { organisationId: o.orgId, role: 'admin', removedAt: null } })));
      expect(counts.filter((n) => n === 0)).toHaveLength(0);
      // The loser is refused (409), or its token was revoked before its turn came (401).
      for (const s of statuses) expect(['204,409', '204,401', '204,403']).toContain(s.join());
    });

    it('the last admin cannot demote or remove themself', async () => {
      const o = await api.createOrganisation('Seule');
      expect((await api.call('PATCH', `/v1/members/${o.memberId}`, o.token, { role: 'member' })).status).toBe(409);
      expect((await api.call('DELETE', `/v1/members/${o.memberId}`, o.token)).status).toBe(409);
    });
  });

  describe('report links', () => {
    it('are records: listed without their signature, revoked by their creator or an admin, and say so in the page', async () => {
      const made = await api.call('POST', `/v1/strikes/${strikeId}/report-link`, tokens['viewer']!, { lang: 'fr' });
      expect(made.status).toBe(200);
      const url = new URL(made.body.url);
      const sig = url.searchParams.get('sig')!;
      expect((await fetch(api.url + url.pathname + url.search)).status).toBe(200);

      const list = await api.call('GET', `/v1/strikes/${strikeId}/report-links`, tokens['member']!);
      expect(list.status).toBe(200);
      expect(list.body).toEqual([expect.objectContaining({ id: made.body.id, state: 'active', createdBy: { id: memberIds['viewer'], name: 'viewer' }, revokedAt: null })]);
      expect(JSON.stringify(list.body)).not.toContain(sig);

      // Another non-admin may not revoke it; its creator may.
      expect((await api.call('DELETE', `/v1/report-links/${made.body.id}`, tokens['member']!)).status).toBe(403);
      expect((await api.call('DELETE', `/v1/report-links/${made.body.id}`, tokens['viewer']!)).status).toBe(204);
      expect((await api.call('DELETE', `/v1/report-links/${made.body.id}`, tokens['viewer']!)).status).toBe(204);
      const revoked = await fetch(api.url + url.pathname + url.search);
      expect(revoked.status).toBe(403);
      expect(revoked.headers.get('content-type')).toContain('text/html');
      expect(revoked.headers.get('content-security-policy')).toMatch(/style-src 'sha256-/);
      expect(await revoked.text()).toContain('Ce lien a été retiré');
      const english = await fetch(api.url + url.pathname + url.search.replace('lang=fr', ''), { headers: { 'accept-language': 'de-DE, en;q=0.8, fr;q=0.5' } });
      expect(await english.text()).toContain('This link was withdrawn');

      // An admin revokes anyone's.
      const second = await api.call('POST', `/v1/strikes/${strikeId}/report-link`, tokens['community_manager']!, {});
      expect((await api.call('DELETE', `/v1/report-links/${second.body.id}`, admin)).status).toBe(204);
      const other = await api.createOrganisation('Ailleurs');
      expect((await api.call('DELETE', `/v1/report-links/${second.body.id}`, other.token)).status).toBe(404);
      expect((await api.call('GET', `/v1/strikes/${strikeId}/report-links`, other.token)).status).toBe(404);

      const audit = await api.call('GET', `/v1/audit?strikeId=${strikeId}`, admin);
      const actions = (audit.body.items as { action: string; actorId: string; detail: { linkId: string } }[]).filter((e) => e.action.startsWith('report-link.'));
      expect(actions.map((e) => [e.action, e.detail.linkId])).toEqual([
        ['report-link.created', made.body.id],
        ['report-link.revoked', made.body.id],
        ['report-link.created', second.body.id],
        ['report-link.revoked', second.body.id],
      ]);
    });

    it('made by a member who is then removed stop opening', async () => {
      const m = await api.call('POST', '/v1/members', admin, { name: 'Partant', role: 'viewer' });
      const tk = (await api.call('POST', `/v1/members/${m.body.id}/tokens`, admin, {})).body.token as string;
      const made = await api.call('POST', `/v1/strikes/${strikeId}/report-link`, tk, {});
      const url = new URL(made.body.url);
      expect((await fetch(api.url + url.pathname + url.search)).status).toBe(200);
      expect((await api.call('DELETE', `/v1/members/${m.body.id}`, admin)).status).toBe(204);
      const page = await fetch(api.url + url.pathname + url.search);
      expect(page.status).toBe(403);
      expect(await page.text()).toContain('This link was withdrawn');
      const list = await api.call('GET', `/v1/strikes/${strikeId}/report-links`, admin);
      expect(list.body.find((l: { id: string }) => l.id === made.body.id)).toMatchObject({ state: 'revoked' });
    });
  });
});
