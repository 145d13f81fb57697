import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { FakeMastodon, type FakeStatus } from '../apps/sandbox/src/mastodon-server.js';
import { QueueName, startJobId } from '#queue/contracts.js';
import { connectAccount, startApi, type Api, type Connected } from './support/api.js';
import { createTestEnv, waitFor, type TestEnv } from './support/env.js';
import { startWorker, type RunningProcess } from './support/processes.js';
import { startPrivateRedis } from './support/redis-server.js';
import { approvedStrike, createVoters, message } from './support/strikes.js';

const at = (ms: number) => new Date(ms).toISOString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const inWindow = (s: FakeStatus, start: number, end: number) => s.createdAt.getTime() >= start && s.createdAt.getTime() < end;

interface Setup {
  t: TestEnv;
  api: Api;
  admin: string;
  voters: string[];
  workers: RunningProcess[];
}

async function setup(mastodon: FakeMastodon, env: Record<string, string>): Promise<Setup> {
  const t = await createTestEnv(env);
  const api = await startApi(t.config);
  const workers = [await startWorker(t.env), await startWorker(t.env)];
  const { token: admin } = await api.createOrganisation('Collectif');
  const voters = await createVoters(api, admin, 2);
  return { t, api, admin, voters, workers };
}

async function teardown(s: Setup | undefined): Promise<void> {
  for (const w of s?.workers ?? []) await w.stop();
  await s?.api.close();
  await s?.t.cleanup();
}

async function scheduleAround(s: Setup, accounts: Connected[], from: number, count: number, stepMs: number, label: string) {
  const res = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      s.api.call('POST', '/v1/posts', s.admin, { text: `${label} ${i}`, scheduledAt: at(from + i * stepMs), accountIds: accounts.map((a) => a.account.id) }),
    ),
  );
  expect(res.every((r) => r.status === 201)).toBe(true);
}

function strikeBody(accounts: Connected[], start: number, end: number) {
  return {
    title: 'Grève',
    reason: 'Salaires',
    startsAt: at(start),
    endsAt: at(end),
    accountIds: accounts.map((a) => a.account.id),
    mode: 'occupation',
    heldPolicy: 'resume',
    resumeSpacingSeconds: 1,
    occupationSpacingSeconds: 2,
    messages: { opening: message('Piquet de grève'), rotation: [message('En grève A'), message('En grève B')], closing: message('Reprise') },
  };
}

async function waitEndedAndPublished(s: Setup, strikeId: string) {
  return waitFor(
    async () => {
      const r = await s.api.call('GET', `/v1/strikes/${strikeId}/live`, s.admin);
      const held = r.body.holds.items as { deliveryState: string }[];
      return r.body.state === 'ended' && held.every((h) => h.deliveryState === 'published') ? r.body : null;
    },
    'the strike to end and its held posts to be published',
    90_000,
  );
}

describe('a lost start job', () => {
  const mastodon = new FakeMastodon();
  let s: Setup | undefined;

  beforeAll(async () => {
    await mastodon.start();
    // The strike clock only runs at boot here: nothing but the gate stands between the queue and the window.
    s = await setup(mastodon, { RECONCILE_INTERVAL_MS: '600000' });
  });

  afterAll(async () => {
    await teardown(s);
    await mastodon.stop();
  });

  it('still leaks nothing, and the opening post still goes out on time', async () => {
    const setup = s!;
    const account = await connectAccount(setup.api, setup.admin, mastodon, 'lost');
    const start = Math.ceil((Date.now() + 10_000) / 1000) * 1000;
    const end = start + 6000;
    await scheduleAround(setup, [account], start + 250, 20, 250, 'ordinary');
    const strike = await approvedStrike(setup.api, setup.admin, setup.voters, strikeBody([account], start, end));

    const queue = new Queue(QueueName.Strikes, { connection: { url: setup.t.config.redis.url }, prefix: setup.t.prefix });
    await waitFor(async () => (await queue.getJob(startJobId(strike.id))) ?? null, 'the start job');
    await queue.remove(startJobId(strike.id));
    await queue.close();

    const live = await waitEndedAndPublished(setup, strike.id);
    expect(live.startedAt).toBeNull(); // the start never ran
    const statuses = mastodon.statusesOf(account.remote.id);
    const ordinary = statuses.filter((x) => x.text.startsWith('ordinary'));
    expect(ordinary).toHaveLength(20);
    expect(ordinary.filter((x) => inWindow(x, start, end))).toEqual([]);
    expect(live.holds.total).toBe(20);
    const opening = statuses.find((x) => x.text === 'Piquet de grève')!;
    expect(opening.createdAt.getTime() - start).toBeLessThan(2000);
    expect(opening.createdAt.getTime()).toBeGreaterThanOrEqual(start);
    // Held lazily by the gate, the slots still got strike messages.
    expect(statuses.filter((x) => x.text.startsWith('En grève') && inWindow(x, start, end)).length).toBeGreaterThanOrEqual(1);
  }, 120_000);
});

describe('FLUSHALL during a running strike', () => {
  const mastodon = new FakeMastodon();
  let s: Setup | undefined;
  let redis: Awaited<ReturnType<typeof startPrivateRedis>> | undefined;

  beforeAll(async () => {
    await mastodon.start();
    redis = await startPrivateRedis();
    s = await setup(mastodon, { REDIS_URL: redis.url, RECONCILE_INTERVAL_MS: '500' });
  });

  afterAll(async () => {
    await teardown(s);
    await redis?.stop();
    await mastodon.stop();
  });

  it('rebuilds gate, holds and strike posts from Postgres: no leak, no duplicate, every held post resumed', async () => {
    const setup = s!;
    const accounts = [await connectAccount(setup.api, setup.admin, mastodon, 'un'), await connectAccount(setup.api, setup.admin, mastodon, 'deux')];
    const start = Math.ceil((Date.now() + 10_000) / 1000) * 1000;
    const end = start + 10_000;
    await scheduleAround(setup, accounts, start - 2000, 28, 500, 'ordinary');
    const strike = await approvedStrike(setup.api, setup.admin, setup.voters, strikeBody(accounts, start, end));

    await sleep(start + 3000 - Date.now());
    const client = new Redis(redis!.url);
    // In one transaction: the workers, still running, write again right after the flush.
    const flushed = await client.multi().flushall().dbsize().exec();
    expect(flushed?.[1]).toEqual([null, 0]);
    await client.quit();

    await waitEndedAndPublished(setup, strike.id);
    for (const a of accounts) {
      const statuses = mastodon.statusesOf(a.remote.id);
      const ordinary = statuses.filter((x) => x.text.startsWith('ordinary'));
      expect(ordinary).toHaveLength(28);
      expect(new Set(ordinary.map((x) => x.text)).size).toBe(28);
      expect(ordinary.filter((x) => inWindow(x, start, end)).map((x) => x.text)).toEqual([]);
      // Strike posts: each once, opening and closing included.
      const strikePosts = statuses.filter((x) => !x.text.startsWith('ordinary'));
      expect(new Set(strikePosts.map((x) => x.idempotencyKey)).size).toBe(strikePosts.length);
      expect(strikePosts.filter((x) => x.text === 'Piquet de grève')).toHaveLength(1);
      expect(strikePosts.filter((x) => x.text === 'Reprise')).toHaveLength(1);
      // Slots planned at the start for after the flush were still published, inside the window.
      expect(strikePosts.filter((x) => x.text.startsWith('En grève') && x.createdAt.getTime() > start + 3000 && x.createdAt.getTime() < end).length).toBeGreaterThanOrEqual(1);
    }
  }, 120_000);
});
