import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { FakeMastodon, type FakeStatus } from '../apps/sandbox/src/mastodon-server.js';
import { connectAccount, schedulePost, settledPost, startApi, type Api, type Connected } from './support/api.js';
import { createTestEnv, inSeconds, waitFor, type TestEnv } from './support/env.js';
import { startWorker, type RunningProcess } from './support/processes.js';
import { startRedisCluster, type RedisCluster } from './support/redis-cluster.js';
import { approvedStrike, createVoters, message } from './support/strikes.js';

const at = (ms: number) => new Date(ms).toISOString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const inWindow = (s: FakeStatus, start: number, end: number) => s.createdAt.getTime() >= start && s.createdAt.getTime() < end;

async function dbsizes(urls: string[]): Promise<number[]> {
  return Promise.all(
    urls.map(async (url) => {
      const node = new Redis(url);
      try {
        return await node.dbsize();
      } finally {
        await node.quit();
      }
    }),
  );
}

/**
 * The queue on a real three-master Redis Cluster (REDIS_URL naming the three masters): the API
 * and two built worker processes publish, run a strike, and survive the loss of the keys of the
 * master that holds the queue's hash slot.
 */
describe('on a Redis Cluster', () => {
  const mastodon = new FakeMastodon();
  let cluster: RedisCluster | undefined;
  let t: TestEnv | undefined;
  let api: Api;
  let admin: string;
  let voters: string[];
  const workers: RunningProcess[] = [];

  beforeAll(async () => {
    cluster = await startRedisCluster();
    await mastodon.start();
    t = await createTestEnv({ REDIS_URL: cluster.urls.join(','), RECONCILE_INTERVAL_MS: '500' });
    api = await startApi(t.config);
    workers.push(await startWorker(t.env), await startWorker(t.env));
    ({ token: admin } = await api.createOrganisation('Collectif'));
    voters = await createVoters(api, admin, 2);
  }, 90_000);

  afterAll(async () => {
    for (const w of workers) await w.stop();
    await api?.close();
    await t?.cleanup();
    await mastodon.stop();
    await cluster?.stop();
  });

  it('publishes each delivery once, every queue key in the one slot of its hash tag', async () => {
    const accounts = [await connectAccount(api, admin, mastodon, 'pub1'), await connectAccount(api, admin, mastodon, 'pub2')];
    const posts = await Promise.all(Array.from({ length: 20 }, (_, i) => schedulePost(api, admin, accounts.map((a) => a.account.id), `cluster ${i}`, inSeconds(2 + (i % 4) / 4))));
    expect(t!.prefix).toMatch(/^\{piquet-test-[0-9a-f]+\}$/);
    const owner = await cluster!.masterOf(`${t!.prefix}:deliveries:id`);
    const sizes = await dbsizes(cluster!.urls);
    // The hash tag keeps all of Piquet's keys on the master that holds its slot.
    expect(sizes[cluster!.urls.indexOf(owner)]).toBeGreaterThan(0);
    expect(sizes.filter((_, i) => cluster!.urls[i] !== owner)).toEqual([0, 0]);

    const settled = await Promise.all(posts.map((p) => settledPost(api, admin, p.id, 60_000)));
    const deliveries = settled.flatMap((p) => p.deliveries as { state: string }[]);
    expect(deliveries).toHaveLength(40);
    expect(deliveries.every((d) => d.state === 'published')).toBe(true);
    const statuses = mastodon.statuses.filter((s) => s.text.startsWith('cluster '));
    expect(statuses).toHaveLength(40);
    expect(new Set(statuses.map((s) => s.idempotencyKey)).size).toBe(40);
  }, 90_000);

  it('runs a strike through the loss of one master\'s keys: no leak, nothing lost, nothing doubled', async () => {
    const inScope = [await connectAccount(api, admin, mastodon, 'un'), await connectAccount(api, admin, mastodon, 'deux')];
    const outside = await connectAccount(api, admin, mastodon, 'dehors');
    const start = Math.ceil((Date.now() + 10_000) / 1000) * 1000;
    const end = start + 10_000;
    const schedule = async (accs: Connected[], from: number, count: number, stepMs: number, label: string) => {
      const res = await Promise.all(
        Array.from({ length: count }, (_, i) =>
          api.call('POST', '/v1/posts', admin, { text: `${label} ${i}`, scheduledAt: at(from + i * stepMs), accountIds: accs.map((a) => a.account.id) }),
        ),
      );
      expect(res.every((r) => r.status === 201)).toBe(true);
    };
    await schedule(inScope, start - 2000, 28, 500, 'ordinary');
    await schedule([outside], start - 2000, 28, 500, 'outside');
    const strike = await approvedStrike(api, admin, voters, {
      title: 'Grève',
      reason: 'Salaires',
      startsAt: at(start),
      endsAt: at(end),
      accountIds: inScope.map((a) => a.account.id),
      mode: 'occupation',
      heldPolicy: 'resume',
      resumeSpacingSeconds: 1,
      occupationSpacingSeconds: 2,
      messages: { opening: message('Piquet de grève'), rotation: [message('En grève A'), message('En grève B')], closing: message('Reprise') },
    });

    // Three seconds into the strike, the master holding the queue's slot loses every key.
    await sleep(start + 3000 - Date.now());
    const owner = new Redis(await cluster!.masterOf(`${t!.prefix}:deliveries:id`));
    expect(await owner.dbsize()).toBeGreaterThan(0);
    // In one transaction: the workers, still running, write again right after the flush.
    const flushed = await owner.multi().flushall().dbsize().exec();
    expect(flushed?.[1]).toEqual([null, 0]);
    await owner.quit();

    await waitFor(
      async () => {
        const r = await api.call('GET', `/v1/strikes/${strike.id}/live`, admin);
        const held = r.body.holds.items as { deliveryState: string }[];
        return r.body.state === 'ended' && held.length > 0 && held.every((h) => h.deliveryState === 'published') ? r.body : null;
      },
      'the strike to end and its held posts to be published',
      90_000,
    );
    for (const a of inScope) {
      const statuses = mastodon.statusesOf(a.remote.id);
      const ordinary = statuses.filter((x) => x.text.startsWith('ordinary'));
      expect(ordinary).toHaveLength(28);
      expect(new Set(ordinary.map((x) => x.text)).size).toBe(28);
      expect(ordinary.filter((x) => inWindow(x, start, end)).map((x) => x.text)).toEqual([]);
      const strikePosts = statuses.filter((x) => !x.text.startsWith('ordinary'));
      expect(new Set(strikePosts.map((x) => x.idempotencyKey)).size).toBe(strikePosts.length);
      expect(strikePosts.filter((x) => x.text === 'Piquet de grève')).toHaveLength(1);
      expect(strikePosts.filter((x) => x.text === 'Reprise')).toHaveLength(1);
    }
    // The account outside the strike kept publishing through the loss, each post once.
    const out = await waitFor(async () => {
      const s = mastodon.statusesOf(outside.remote.id);
      return s.length >= 28 ? s : null;
    }, 'the out-of-scope posts', 60_000);
    expect(out).toHaveLength(28);
    expect(new Set(out.map((x) => x.text)).size).toBe(28);
  }, 150_000);
});
