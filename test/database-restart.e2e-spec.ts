import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { migrate } from '#database/migrate.js';
import { startApi, type Api } from './support/api.js';
import { createTestEnv, ROOT, waitFor, type TestEnv } from './support/env.js';
import { startPrivatePostgres, type PrivatePostgres } from './support/postgres-cluster.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the database going away for a moment', () => {
  let postgres: PrivatePostgres;
  let t: TestEnv;
  let api: Api;
  let token: string;

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    // The schema createTestEnv migrates is named in its own URL; this one has no schema: public.
    t = await createTestEnv({ DATABASE_URL: postgres.url });
    await migrate({ url: t.config.database.url, schema: t.config.database.schema, dir: `${ROOT}prisma/migrations` });
    api = await startApi(t.config);
    ({ token } = await api.createOrganisation('Collectif'));
  }, 120_000);

  afterAll(async () => {
    await api?.close();
    await t?.cleanup();
    await postgres?.stop();
  });

  it('answers 503 with Retry-After while Postgres restarts, never 500, and serves again after', async () => {
    const answers: { status: number; retryAfter: string | null }[] = [];
    // A site's proxy asks on every request: it must hear "open" meanwhile, never a 503 that reads as a strike.
    const site = await api.call('POST', '/v1/sites', token, { name: 'Journal', origin: 'https://journal.example' });
    expect(site.status).toBe(201);
    const siteKey = (site.body as { publicKey: string }).publicKey;
    const access: { status: number }[] = [];
    let running = true;
    const proxy = (async () => {
      while (running) {
        const res = await fetch(`${api.url}/v1/public/sites/${siteKey}/access`, { headers: { 'x-original-uri': '/' } });
        await res.arrayBuffer();
        access.push({ status: res.status });
        await sleep(20);
      }
    })();
    const load = (async () => {
      while (running) {
        const res = await fetch(`${api.url}/v1/posts`, { headers: { authorization: `Bearer ${token}` } });
        await res.arrayBuffer();
        answers.push({ status: res.status, retryAfter: res.headers.get('retry-after') });
        await sleep(20);
      }
    })();
    await waitFor(async () => answers.some((a) => a.status === 200), 'a first answer');
    await postgres.restart(1000);
    const afterRestart = answers.length;
    await waitFor(async () => answers.slice(afterRestart).some((a) => a.status === 200), 'the API to serve again', 60_000);
    running = false;
    await load;
    await proxy;
    expect(access.length).toBeGreaterThan(0);
    expect(access.filter((a) => a.status !== 200)).toEqual([]);

    expect(answers.filter((a) => a.status !== 200 && a.status !== 503)).toEqual([]);
    const unavailable = answers.filter((a) => a.status === 503);
    expect(unavailable.length).toBeGreaterThan(0);
    expect(unavailable.every((a) => a.retryAfter === '2')).toBe(true);
    expect(answers.at(-1)?.status).toBe(200);
  }, 120_000);
});
