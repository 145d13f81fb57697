import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { FakeMastodon } from '../apps/sandbox/src/mastodon-server.js';
import { connectAccount, schedulePost, settledPost, startApi, type Api, type Connected } from './support/api.js';
import { createTestEnv, inSeconds, waitFor, type TestEnv } from './support/env.js';
import { startWorker } from './support/processes.js';
import { startPrivateRedis } from './support/redis-server.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Postgres is the source of truth', () => {
  let t: TestEnv;
  let api: Api;
  let token: string;
  let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
  const mastodon = new FakeMastodon();
  const accounts: Connected[] = [];

  beforeAll(async () => {
    redis = await startPrivateRedis();
    t = await createTestEnv({ REDIS_URL: redis.url });
    await mastodon.start();
    api = await startApi(t.config);
    ({ token } = await api.createOrganisation('Collectif'));
    for (const name of ['un', 'deux', 'trois']) accounts.push(await connectAccount(api, token, mastodon, name));
  });

  afterAll(async () => {
    await api?.close();
    await mastodon.stop();
    await t?.cleanup();
    await redis?.stop();
  });

  it('rebuilds the queue after FLUSHALL: overdue deliveries go out at once, later ones on time, each once', async () => {
    const ids = accounts.map((a) => a.account.id);
    const overdue = await Promise.all(Array.from({ length: 20 }, (_, i) => schedulePost(api, token, ids, `en retard ${i}`, inSeconds(1.5))));
    const later = await Promise.all(Array.from({ length: 20 }, (_, i) => schedulePost(api, token, ids, `à l'heure ${i}`, inSeconds(7))));
    const client = new Redis(redis.url);
    expect(await client.dbsize()).toBeGreaterThan(0);
    // In one transaction: the workers, still running, write again right after the flush.
    const flushed = await client.multi().flushall().dbsize().exec();
    expect(flushed?.[1]).toEqual([null, 0]);
    await client.quit();
    await sleep(2000); // the first batch is now overdue, with no job anywhere

    const worker = await startWorker(t.env);
    try {
      const settled = await Promise.all([...overdue, ...later].map((p) => settledPost(api, token, p.id, 60_000)));
      const deliveries = settled.flatMap((p) => p.deliveries);
      expect(deliveries).toHaveLength(120);
      expect(deliveries.every((d: { state: string }) => d.state === 'published')).toBe(true);
      expect(mastodon.statuses).toHaveLength(120);
      expect(new Set(mastodon.statuses.map((s) => s.idempotencyKey)).size).toBe(120);
      for (const p of settled.slice(20)) {
        for (const d of p.deliveries) expect(new Date(d.publishedAt).getTime()).toBeGreaterThanOrEqual(new Date(p.scheduledAt).getTime());
      }
    } finally {
      await worker.stop();
    }
  });
});

describe('several workers on one queue', () => {
  let t: TestEnv;
  let api: Api;
  let token: string;
  const mastodon = new FakeMastodon();

  beforeAll(async () => {
    // A short reconcile interval makes the reconcilers race the workers as often as possible.
    t = await createTestEnv({ RECONCILE_INTERVAL_MS: '200', WORKER_CONCURRENCY: '10' });
    await mastodon.start();
    api = await startApi(t.config);
    ({ token } = await api.createOrganisation('Collectif'));
  });

  afterAll(async () => {
    await api?.close();
    await mastodon.stop();
    await t?.cleanup();
  });

  it('publishes a few hundred deliveries with two worker processes, none twice', async () => {
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c']) ids.push((await connectAccount(api, token, mastodon, name)).account.id);
    const workers = await Promise.all([startWorker(t.env), startWorker(t.env)]);
    try {
      const posts = [];
      for (let i = 0; i < 100; i += 20) {
        posts.push(...(await Promise.all(Array.from({ length: 20 }, (_, j) => schedulePost(api, token, ids, `post ${i + j}`, inSeconds(2 + (j % 5) / 10))))));
      }
      const settled = await Promise.all(posts.map((p) => settledPost(api, token, p.id, 90_000)));
      const deliveries = settled.flatMap((p) => p.deliveries);
      expect(deliveries).toHaveLength(300);
      expect(deliveries.filter((d: { state: string }) => d.state === 'published')).toHaveLength(300);
      expect(mastodon.statuses).toHaveLength(300);
      expect(new Set(mastodon.statuses.map((s) => s.idempotencyKey)).size).toBe(300);
      expect(new Set(deliveries.map((d: { remoteId: string }) => d.remoteId)).size).toBe(300);
      // Both processes took part.
      for (const w of workers) expect(w.output()).toMatch(/"outcome":"published"/);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
  });

  it('finishes the publish in flight before exiting on SIGTERM', async () => {
    const { remote, account } = await connectAccount(api, token, mastodon, 'sigterm');
    mastodon.statusResponseDelayMs = 1500;
    const worker = await startWorker(t.env);
    const post = await schedulePost(api, token, [account.id], 'En vol', inSeconds(0.3));
    await waitFor(async () => mastodon.statusesOf(remote.id).length === 1, 'the publish to start');
    const code = await worker.stop('SIGTERM');
    mastodon.statusResponseDelayMs = 0;
    expect(code).toBe(0);
    const r = await api.call('GET', `/v1/posts/${post.id}`, token);
    expect(r.body.deliveries[0]).toMatchObject({ state: 'published', remoteId: mastodon.statusesOf(remote.id)[0]!.id });
  });
});
