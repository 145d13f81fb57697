import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApi, type Api } from './support/api.js';
import { createTestEnv, type TestEnv } from './support/env.js';
import { createVoters } from './support/strikes.js';

const BASE = '/v1/admin/queues';

describe('the queue dashboard (Bull Board) for admins', () => {
  let t: TestEnv;
  let api: Api;
  let admin: string;
  let member: string;

  beforeAll(async () => {
    t = await createTestEnv({ QUEUE_DASHBOARD: 'true' });
    api = await startApi(t.config);
    ({ token: admin } = await api.createOrganisation('Collectif'));
    member = (await createVoters(api, admin, 1))[0]!;
  });

  afterAll(async () => {
    await api?.close();
    await t?.cleanup();
  });

  const get = (path: string, token: string | null) => fetch(api.url + path, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('refuses a member (403) and an anonymous caller (401), page and API alike', async () => {
    for (const path of [BASE, `${BASE}/api/queues`]) {
      const asMember = await get(path, member);
      expect(asMember.status).toBe(403);
      expect(((await asMember.json()) as { message: string }).message).toMatch(/admin/);
      expect((await get(path, null)).status).toBe(401);
    }
  });

  it('shows an admin the page and the five queues, read-only', async () => {
    const page = await get(BASE, admin);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('x-powered-by')).toBeNull();
    // Its own scripts load; third-party fonts do not.
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const html = await page.text();
    expect(html).toContain(`<base href="${BASE}/`);
    expect(html).toContain('Piquet queues');

    const asset = /src="(static\/js\/main[^"]+)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    expect((await get(`${BASE}/${asset!}`, admin)).status).toBe(200);

    const res = await get(`${BASE}/api/queues`, admin);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { queues: { name: string; readOnlyMode: boolean }[] };
    expect(body.queues.map((q) => q.name).sort()).toEqual(['deliveries', 'engagement', 'feeds', 'strikes', 'webhooks']);
    expect(body.queues.every((q) => q.readOnlyMode)).toBe(true);
  });

  it('is absent (404) unless QUEUE_DASHBOARD is set', async () => {
    const off = await createTestEnv();
    const plain = await startApi(off.config);
    try {
      const { token } = await plain.createOrganisation('Autre');
      expect((await fetch(plain.url + BASE, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
    } finally {
      await plain.close();
      await off.cleanup();
    }
  });
});
