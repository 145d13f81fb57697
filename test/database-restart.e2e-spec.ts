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
    let running = true;
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

    expect(answers.filter((a) => a.status !== 200 && a.status !== 503)).toEqual([]);
    const unavailable = answers.filter((a) => a.status === 503);
    expect(unavailable.length).toBeGreaterThan(0);
    expect(unavailable.every((a) => a.retryAfter === '2')).toBe(true);
    expect(answers.at(-1)?.status).toBe(200);
  }, 120_000);
});
