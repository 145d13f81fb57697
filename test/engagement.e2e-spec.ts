import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { FakeMastodon } from '../apps/sandbox/src/mastodon-server.js';
import type { EngagementPoller } from '../apps/worker/src/engagement/engagement.poller.js';
import { PrismaService } from '#database/prisma.service.js';
import { connectAccount, settledPost, startApi, type Api, type Connected } from './support/api.js';
import { createPollerContext } from '../apps/worker/src/engagement/poller-context.js';
import { Redis } from 'ioredis';
import { createTestEnv, inSeconds, waitFor, type TestEnv } from './support/env.js';
import { startWorker } from './support/processes.js';
import { startPrivateRedis } from './support/redis-server.js';
import { approvedStrike, createVoters, message } from './support/strikes.js';

const MIN = 60_000;
const H = 60 * MIN;
const D = 24 * H;
const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);

describe('engagement: snapshots, batching, rate budget, comments', () => {
  let t: TestEnv;
  let api: Api;
  let admin: string;
  let poller: EngagementPoller;
  let context: INestApplicationContext;
  let db: PrismaService['client'];
  const mastodon = new FakeMastodon();

  beforeAll(async () => {
    // A small rate window so the budget can be watched in real time: 10 of 20 calls per 4 s.
    t = await createTestEnv({ RATE_LIMIT_REQUESTS: '20', RATE_LIMIT_WINDOW_MS: '4000', RATE_BUDGET_SHARE: '0.5' });
    await mastodon.start();
    api = await startApi(t.config);
    ({ token: admin } = await api.createOrganisation('Mesures'));
    ({ poller, app: context } = await createPollerContext(t.config));
    db = context.get(PrismaService).client;
  });

  afterAll(async () => {
    await context?.close();
    await api?.close();
    await mastodon.stop();
    await t?.cleanup();
  });

  /** Publishes `n` ordinary posts on the account through the real worker, then stops it. */
  async function publish(account: Connected, n: number, label: string) {
    const worker = await startWorker(t.env);
    try {
      // A lead of a few seconds: under load, 45 simultaneous requests can take over a second to reach the API.
      const posts = await Promise.all(
        Array.from({ length: n }, (_, i) => api.call('POST', '/v1/posts', admin, { text: `${label} ${i}`, scheduledAt: inSeconds(3), accountIds: [account.account.id] })),
      );
      const settled = await Promise.all(posts.map((p) => settledPost(api, admin, p.body.id)));
      return settled.map((p) => p.deliveries[0] as { id: string; remoteId: string; publishedAt: string });
    } finally {
      await worker.stop();
    }
  }

  const tracked = (deliveryId: string) => db.trackedPost.findUniqueOrThrow({ where: { deliveryId } });
  const requestsOf = (accountId: string, path: RegExp, since: number) =>
    mastodon.requests.filter((r) => r.accountId === accountId && path.test(r.path) && r.at >= since);

  it('takes snapshots every 5 minutes for 2 hours, hourly to 2 days, daily to 30 days, then stops', async () => {
    const a = await connectAccount(api, admin, mastodon, 'horloge');
    const [d] = await publish(a, 1, 'suivi');
    const first = await tracked(d!.id);
    const published = first.publishedAt;
    expect(first.nextAt).toEqual(plus(published, 5 * MIN));
    // Not due yet: nothing is asked of the server.
    const before = mastodon.requests.length;
    expect((await poller.pollAccount(a.account.id, plus(published, 4 * MIN))).snapshots).toBe(0);
    expect(mastodon.requests.length).toBe(before);

    const takenAt: number[] = [];
    let next = first.nextAt;
    let favourites = 0;
    while (next) {
      mastodon.setCounts(d!.remoteId, { favourites: ++favourites, boosts: 1 });
      const r = await poller.pollAccount(a.account.id, next);
      expect(r.snapshots).toBe(1);
      takenAt.push(next.getTime() - published.getTime());
      next = (await tracked(d!.id)).nextAt;
    }
    expect(takenAt.filter((x) => x <= 2 * H)).toHaveLength(24);
    expect(takenAt.filter((x) => x > 2 * H && x <= 2 * D)).toHaveLength(46);
    expect(takenAt.filter((x) => x > 2 * D)).toHaveLength(28);
    expect(takenAt[takenAt.length - 1]).toBe(30 * D);
    const snaps = await db.snapshot.findMany({ where: { deliveryId: d!.id }, orderBy: { takenAt: 'asc' } });
    expect(snaps).toHaveLength(98);
    expect(snaps.map((s) => s.favourites)).toEqual(Array.from({ length: 98 }, (_, i) => i + 1));
    // After the last step, nothing more is due, ever.
    expect((await poller.pollAccount(a.account.id, plus(published, 60 * D))).snapshots).toBe(0);
  }, 60_000);

  it('asks for 20 posts per request, and falls back to one per post on a server without multi-status', async () => {
    const a = await connectAccount(api, admin, mastodon, 'lots');
    const delivered = await publish(a, 45, 'lot');
    const latest = Math.max(...delivered.map((d) => Date.parse(d.publishedAt)));
    const since = Date.now();
    const r1 = await poller.pollAccount(a.account.id, new Date(latest + 5 * MIN));
    expect(r1).toMatchObject({ snapshots: 45, requests: 3 });
    expect(requestsOf(a.remote.id, /^\/api\/v1\/statuses$/, since)).toHaveLength(3);

    mastodon.multiStatus = false;
    try {
      const since2 = Date.now();
      // One post per request now: with 10 calls per 4 s, the round takes several ticks of the clock.
      let snapshots = 0;
      for (let tick = 0; snapshots < 45 && tick < 10; tick++) {
        const r = await poller.pollAccount(a.account.id, new Date(latest + 10 * MIN + tick * 4500));
        expect(r.requests).toBeLessThanOrEqual(10);
        snapshots += r.snapshots;
      }
      expect(snapshots).toBe(45);
      expect(requestsOf(a.remote.id, /^\/api\/v1\/statuses$/, since2)).toHaveLength(1); // the 404 that taught it
      expect(requestsOf(a.remote.id, /^\/api\/v1\/statuses\/[^/]+$/, since2)).toHaveLength(45);
    } finally {
      mastodon.multiStatus = true;
    }
  }, 60_000);

  it('never uses more than its share of an account\'s rate budget, and a 429 backs off that account only', async () => {
    const [a, b] = [await connectAccount(api, admin, mastodon, 'budget'), await connectAccount(api, admin, mastodon, 'voisin')];
    await publish(a, 30, 'charge');
    await publish(b, 3, 'voisin');
    await db.trackedPost.updateMany({ where: { accountId: { in: [a.account.id, b.account.id] } }, data: { nextAt: new Date() } });
    // This instance answers one post per request: 30 calls, 10 allowed per 4 s.
    mastodon.multiStatus = false;
    const since = Date.now();
    try {
      mastodon.fail(1, 429, { accountId: b.remote.id, retryAfterS: 30 });
      // Polls as fast as the budget lets, until every post of a is read and b has met its 429 (at
      // 10 calls per 4 s that takes 8 s and more); the assertions below read every call made.
      const unread = () => db.trackedPost.count({ where: { accountId: a.account.id, lastPolledAt: null } });
      const deadline = Date.now() + 14_000;
      while (Date.now() < deadline && ((await unread()) > 0 || requestsOf(b.remote.id, /^\/api\/v1\/statuses/, since).length === 0)) {
        await Promise.all([poller.pollAccount(a.account.id, new Date()), poller.pollAccount(a.account.id, new Date()), poller.pollAccount(b.account.id, new Date())]);
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      mastodon.multiStatus = true;
    }
    const calls = requestsOf(a.remote.id, /^\/api\/v1\/statuses/, since).map((r) => r.at);
    expect(calls.length).toBeGreaterThanOrEqual(30);
    for (const at of calls) expect(calls.filter((x) => x >= at && x < at + 4000).length).toBeLessThanOrEqual(10);
    expect(await db.trackedPost.count({ where: { accountId: a.account.id, lastPolledAt: null } })).toBe(0);
    // b hit a 429 once: it waits until the reset, a went on meanwhile.
    const bAccount = await db.account.findUniqueOrThrow({ where: { id: b.account.id } });
    expect(bAccount.rateLimitedUntil!.getTime()).toBeGreaterThan(Date.now() + 10_000);
    expect(requestsOf(b.remote.id, /^\/api\/v1\/statuses/, since)).toHaveLength(1);
  }, 60_000);

  it('collects the whole reply tree under a strike post: edits, deletions, no direct replies, hostile HTML made harmless', async () => {
    const a = await connectAccount(api, admin, mastodon, 'greve');
    const voters = await createVoters(api, admin, 2);
    const worker = await startWorker(t.env);
    let opening: { deliveryId: string; remoteId: string; publishedAt: Date };
    try {
      const start = Math.ceil((Date.now() + 7000) / 1000) * 1000;
      const strike = await approvedStrike(api, admin, voters, {
        title: 'Grève',
        reason: 'Salaires',
        startsAt: new Date(start).toISOString(),
        endsAt: new Date(start + 3600_000).toISOString(),
        accountIds: [a.account.id],
        mode: 'occupation',
        messages: { opening: message('Nous sommes en grève') },
      });
      const row = await waitFor(
        async () => db.trackedPost.findFirst({ where: { strikeId: strike.id, accountId: a.account.id } }),
        'the opening post to be published and tracked',
      );
      opening = { deliveryId: row.deliveryId, remoteId: row.remoteId, publishedAt: row.publishedAt };
    } finally {
      await worker.stop();
    }
    const r1 = mastodon.addReply(opening.remoteId, { username: 'lectrice', displayName: 'Une lectrice', instance: 'exemple.social' }, '<p>Soutien total ! <a href="https://caisse.example/greve">caisse de grève</a></p>');
    const r2 = mastodon.addReply(r1.id, { username: 'curieux' }, '<p>Qui écrit ces posts ?</p>');
    mastodon.addReply(opening.remoteId, { username: 'prive' }, '<p>message direct</p>', { visibility: 'direct' });
    mastodon.addReply(opening.remoteId, { username: 'abonnes' }, '<p>abonnés seulement</p>', { visibility: 'private' });
    const hostile = mastodon.addReply(
      opening.remoteId,
      { username: 'malin' },
      '<p>cliquez <a href="javascript:alert(1)">ici</a><script>alert(2)</script><img src=x onerror=alert(3)></p>',
    );

    await poller.pollAccount(a.account.id, plus(opening.publishedAt, 5 * MIN));
    let comments = await db.comment.findMany({ where: { deliveryId: opening.deliveryId }, orderBy: { postedAt: 'asc' } });
    expect(comments.map((c) => c.authorHandle)).toEqual(['@lectrice@exemple.social', `@curieux@${new URL(mastodon.url).host}`, `@malin@${new URL(mastodon.url).host}`]);
    expect(comments[0]).toMatchObject({ authorName: 'Une lectrice', text: 'Soutien total ! caisse de grève (https://caisse.example/greve)', inReplyToRemoteId: opening.remoteId });
    expect(comments[1]!.inReplyToRemoteId).toBe(r1.id);
    const bad = comments.find((c) => c.remoteId === hostile.id)!;
    expect(bad.text).not.toMatch(/<|javascript:|onerror/i);
    expect(bad.text).toContain('cliquez ici');
    expect(JSON.stringify(comments)).not.toContain('message direct');
    expect(JSON.stringify(comments)).not.toContain('abonnés seulement');

    mastodon.editStatus(r2.id, '<p>Qui écrit ces posts ? (modifié)</p>');
    mastodon.deleteStatus(hostile.id);
    mastodon.addReply(opening.remoteId, { username: 'tardive' }, '<p>Nouvelle réponse</p>');
    const round = await poller.pollAccount(a.account.id, plus(opening.publishedAt, 10 * MIN));
    expect(round.comments).toEqual({ added: 1, updated: 1, deleted: 1 });
    comments = await db.comment.findMany({ where: { deliveryId: opening.deliveryId } });
    expect(comments.find((c) => c.remoteId === r2.id)).toMatchObject({ text: 'Qui écrit ces posts ? (modifié)' });
    expect(comments.find((c) => c.remoteId === r2.id)!.editedAt).not.toBeNull();
    expect(comments.find((c) => c.remoteId === hostile.id)).toMatchObject({ text: '', authorName: '', url: null });
    expect(comments.find((c) => c.remoteId === hostile.id)!.deletedAt).not.toBeNull();
    expect(comments.filter((c) => !c.deletedAt)).toHaveLength(3);
  }, 90_000);
});

describe('engagement schedules after a restart and a Redis loss', () => {
  let t: TestEnv;
  let api: Api;
  let redis: Awaited<ReturnType<typeof startPrivateRedis>> | undefined;
  const mastodon = new FakeMastodon();

  beforeAll(async () => {
    redis = await startPrivateRedis();
    t = await createTestEnv({ REDIS_URL: redis.url, RECONCILE_INTERVAL_MS: '500', ENGAGEMENT_TICK_MS: '500', ENGAGEMENT_SCHEDULE: '1s@2m' });
    await mastodon.start();
    api = await startApi(t.config);
  });

  afterAll(async () => {
    await api?.close();
    await mastodon.stop();
    await t?.cleanup();
    await redis?.stop();
  });

  it('keeps taking snapshots, its job schedulers rebuilt from Postgres', async () => {
    const { token } = await api.createOrganisation('Persistance');
    const a = await connectAccount(api, token, mastodon, 'persistant');
    let worker = await startWorker(t.env);
    const db = new PrismaService(t.config).client;
    try {
      const post = await api.call('POST', '/v1/posts', token, { text: 'suivi', scheduledAt: inSeconds(1), accountIds: [a.account.id] });
      const deliveryId = post.body.deliveries[0].id as string;
      const count = () => db.snapshot.count({ where: { deliveryId } });
      await waitFor(async () => (await count()) >= 2, 'the first snapshots', 20_000);

      const client = new Redis(redis!.url);
      await client.flushall();
      await client.quit();
      const afterFlush = await count();
      await waitFor(async () => (await count()) >= afterFlush + 2, 'snapshots after FLUSHALL', 20_000);

      await worker.stop();
      const afterStop = await count();
      worker = await startWorker(t.env);
      await waitFor(async () => (await count()) >= afterStop + 2, 'snapshots after a restart', 20_000);
    } finally {
      await worker.stop();
      await db.$disconnect();
    }
  }, 90_000);
});
