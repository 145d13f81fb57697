import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { FakeMastodon } from '../apps/sandbox/src/mastodon-server.js';
import type { EngagementPoller } from '../apps/worker/src/engagement/engagement.poller.js';
import { createPollerContext } from '../apps/worker/src/engagement/poller-context.js';
import { PrismaService } from '#database/prisma.service.js';
import { connectAccount, startApi, type Api, type Connected } from './support/api.js';
import { createTestEnv, type TestEnv } from './support/env.js';

const MIN = 60_000;
const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);

/**
 * Replies from the account's notifications (ENGAGEMENT_REPLIES=notifications, the default): no
 * thread read per post per round, yet nested replies, edits and deletions end up as the whole-thread
 * read would leave them.
 */
describe('engagement: replies from notifications', () => {
  let t: TestEnv;
  let api: Api;
  let admin: string;
  let poller: EngagementPoller;
  let context: INestApplicationContext;
  let db: PrismaService['client'];
  const mastodon = new FakeMastodon();

  beforeAll(async () => {
    t = await createTestEnv({ ENGAGEMENT_THREAD_EVERY_MS: String(60 * MIN) });
    await mastodon.start();
    api = await startApi(t.config);
    ({ token: admin } = await api.createOrganisation('Réponses'));
    ({ poller, app: context } = await createPollerContext(t.config));
    db = context.get(PrismaService).client;
  });

  afterAll(async () => {
    await context?.close();
    await api?.close();
    await mastodon.stop();
    await t?.cleanup();
  });

  /** A strike post on the fake server, tracked as the worker would have after publishing it. */
  async function strikePost(a: Connected, text: string) {
    const res = await fetch(`${mastodon.url}/api/v1/statuses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.remote.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: text }),
    });
    const status = (await res.json()) as { id: string };
    const account = await db.account.findUniqueOrThrow({ where: { id: a.account.id } });
    const publishedAt = new Date();
    const row = await db.trackedPost.create({
      data: { deliveryId: randomUUID(), organisationId: account.organisationId, accountId: account.id, strikeId: randomUUID(), remoteId: status.id, publishedAt, nextAt: plus(publishedAt, 5 * MIN) },
    });
    return { deliveryId: row.deliveryId, remoteId: status.id, publishedAt };
  }

  const calls = (accountId: string, since: number) => mastodon.requests.filter((r) => r.accountId === accountId && r.at >= since);
  // Ids grow with time on the fake server (and have the same length): their order is the replies' order.
  const comments = (deliveryId: string) => db.comment.findMany({ where: { deliveryId }, orderBy: { remoteId: 'asc' } });

  it('keeps nested replies in the thread, catches a deleted direct reply at once, edits and nested deletions on the slow schedule', async () => {
    const a = await connectAccount(api, admin, mastodon, 'redaction');
    const post = await strikePost(a, 'Nous sommes en grève');
    const r1 = mastodon.addReply(post.remoteId, { username: 'lectrice', instance: 'exemple.social' }, '<p>Courage</p>');
    const r2 = mastodon.addReply(r1.id, { username: 'curieux' }, '<p>Qui écrit ?</p>');
    // A reply that mentions nobody (no notification), then one below it that does: its parent is unknown.
    const r3 = mastodon.addReply(r2.id, { username: 'discret' }, '<p>sans mention</p>', { mentions: [] });
    const r4 = mastodon.addReply(r3.id, { username: 'bavard' }, '<p>avec mention</p>');
    const r5 = mastodon.addReply(r1.id, { username: 'passant' }, '<p>une de plus</p>');
    const d1 = mastodon.addReply(post.remoteId, { username: 'ephemere' }, '<p>je vais partir</p>');

    let since = Date.now();
    const round1 = await poller.pollAccount(a.account.id, plus(post.publishedAt, 5 * MIN));
    let got = await comments(post.deliveryId);
    expect(got.map((c) => [c.remoteId, c.inReplyToRemoteId])).toEqual([
      [r1.id, post.remoteId],
      [r2.id, r1.id],
      [r3.id, r2.id],
      [r4.id, r3.id],
      [r5.id, r1.id],
      [d1.id, post.remoteId],
    ]);
    expect(round1.comments).toEqual({ added: 6, updated: 0, deleted: 0 });
    // Counts, one page of notifications, and the posts above r4 (its parent was unknown): no whole thread.
    expect(calls(a.remote.id, since).map((r) => r.path).sort()).toEqual(['/api/v1/notifications', `/api/v1/statuses`, `/api/v1/statuses/${r4.id}/context`].sort());

    // Edited and a nested reply deleted: the count does not move, nothing in notifications.
    mastodon.editStatus(r1.id, '<p>Courage à toutes et tous</p>');
    mastodon.deleteStatus(r5.id);
    since = Date.now();
    const round2 = await poller.pollAccount(a.account.id, plus(post.publishedAt, 10 * MIN));
    expect(round2.comments).toEqual({ added: 0, updated: 0, deleted: 0 });
    expect(calls(a.remote.id, since).filter((r) => r.path.endsWith('/context'))).toHaveLength(0);

    // A direct reply deleted: its post's count drops, the thread is read at once, and brings the rest.
    mastodon.deleteStatus(d1.id);
    since = Date.now();
    const round3 = await poller.pollAccount(a.account.id, plus(post.publishedAt, 15 * MIN));
    expect(round3.comments).toEqual({ added: 0, updated: 1, deleted: 2 });
    expect(calls(a.remote.id, since).filter((r) => r.path === `/api/v1/statuses/${post.remoteId}/context`)).toHaveLength(1);
    got = await comments(post.deliveryId);
    expect(got.find((c) => c.remoteId === r1.id)).toMatchObject({ text: 'Courage à toutes et tous' });
    expect(got.find((c) => c.remoteId === r1.id)!.editedAt).not.toBeNull();
    expect(got.filter((c) => c.deletedAt).map((c) => c.remoteId).sort()).toEqual([r5.id, d1.id].sort());
    expect(got.filter((c) => !c.deletedAt).map((c) => c.remoteId)).toEqual([r1.id, r2.id, r3.id, r4.id]);

    // An edit alone waits for the slow schedule: an hour after the last whole read.
    mastodon.editStatus(r4.id, '<p>avec mention, corrigée</p>');
    expect((await poller.pollAccount(a.account.id, plus(post.publishedAt, 20 * MIN))).comments.updated).toBe(0);
    since = Date.now();
    const slow = await poller.pollAccount(a.account.id, plus(post.publishedAt, 75 * MIN));
    expect(slow.comments).toEqual({ added: 0, updated: 1, deleted: 0 });
    expect(calls(a.remote.id, since).filter((r) => r.path.endsWith('/context'))).toHaveLength(1);
    expect((await comments(post.deliveryId)).find((c) => c.remoteId === r4.id)).toMatchObject({ text: 'avec mention, corrigée' });
  }, 60_000);

  it('reads every page of notifications from the cursor kept in Postgres, and ignores mentions in other threads', async () => {
    const a = await connectAccount(api, admin, mastodon, 'pages');
    const post = await strikePost(a, 'Grève, deuxième jour');
    await poller.pollAccount(a.account.id, plus(post.publishedAt, 5 * MIN));
    const cursor = await db.replyCursor.findUnique({ where: { accountId: a.account.id } });
    expect(cursor).toBeNull(); // nothing to read yet: no cursor to keep

    const first = mastodon.addReply(post.remoteId, { username: 'premiere' }, '<p>première</p>');
    await poller.pollAccount(a.account.id, plus(post.publishedAt, 10 * MIN));
    const kept = await db.replyCursor.findUniqueOrThrow({ where: { accountId: a.account.id } });

    // 85 replies in one round: more than Mastodon's 80 per page.
    const many = Array.from({ length: 85 }, (_, i) => mastodon.addReply(post.remoteId, { username: `lecteur${i}`, instance: 'foule.example' }, `<p>réponse ${i}</p>`));
    // Someone else's post, and a reply in its thread that mentions the account: not a comment.
    const voisine = mastodon.addAccount('voisine');
    const theirs = (await (
      await fetch(`${mastodon.url}/api/v1/statuses`, { method: 'POST', headers: { authorization: `Bearer ${voisine.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ status: 'ailleurs' }) })
    ).json()) as { id: string };
    const aside = mastodon.addReply(theirs.id, { username: 'etranger' }, '<p>@pages regardez</p>', { mentions: [a.remote.id] });

    // A fresh poller (another worker process) starts from the cursor in Postgres.
    const second = await createPollerContext(t.config);
    try {
      const since = Date.now();
      const round = await second.poller.pollAccount(a.account.id, plus(post.publishedAt, 15 * MIN));
      expect(round.comments.added).toBe(85);
      const reads = mastodon.requests.filter((r) => r.accountId === a.remote.id && r.at >= since && r.path === '/api/v1/notifications');
      expect(reads).toHaveLength(2);
      // The count grew by exactly the replies the notifications brought: no whole thread read; the
      // mention elsewhere cost one look at the posts above it.
      expect(mastodon.requests.filter((r) => r.accountId === a.remote.id && r.at >= since && r.path.endsWith('/context')).map((r) => r.path)).toEqual([
        `/api/v1/statuses/${aside.id}/context`,
      ]);
    } finally {
      await second.app.close();
    }
    const stored = await db.comment.findMany({ where: { deliveryId: post.deliveryId } });
    expect(stored).toHaveLength(86);
    expect(new Set(stored.map((c) => c.remoteId))).toEqual(new Set([first.id, ...many.map((m) => m.id)]));
    const moved = await db.replyCursor.findUniqueOrThrow({ where: { accountId: a.account.id } });
    expect(BigInt(moved.cursor)).toBeGreaterThan(BigInt(kept.cursor));
  }, 60_000);

  it('reads whole threads on a server without the notifications route', async () => {
    const a = await connectAccount(api, admin, mastodon, 'ancien');
    const post = await strikePost(a, 'Grève sur un vieux serveur');
    const reply = mastodon.addReply(post.remoteId, { username: 'fidele' }, '<p>toujours là</p>');
    mastodon.notificationsApi = false;
    try {
      const since = Date.now();
      const round = await poller.pollAccount(a.account.id, plus(post.publishedAt, 5 * MIN));
      expect(round).toMatchObject({ snapshots: 1, comments: { added: 1, updated: 0, deleted: 0 } });
      expect(round.stopped).toBeUndefined();
      expect(calls(a.remote.id, since).map((r) => [r.path, r.status])).toEqual([
        ['/api/v1/notifications', 404],
        ['/api/v1/statuses', 200],
        [`/api/v1/statuses/${post.remoteId}/context`, 200],
      ]);
      expect((await comments(post.deliveryId)).map((c) => c.remoteId)).toEqual([reply.id]);
      // Learned for the account (shown with it), so the next rounds do not ask again.
      const learned = await db.accountCapability.findUniqueOrThrow({ where: { accountId_feature: { accountId: a.account.id, feature: 'replyNotifications' } } });
      expect(learned).toMatchObject({ support: 'no', source: 'use' });
      expect(learned.detail).toMatch(/every strike post's thread is read instead/);

      const second = mastodon.addReply(post.remoteId, { username: 'fidele' }, '<p>encore là</p>');
      const again = Date.now();
      const next = await poller.pollAccount(a.account.id, plus(post.publishedAt, 10 * MIN));
      expect(next).toMatchObject({ snapshots: 1, comments: { added: 1 } });
      expect(calls(a.remote.id, again).map((r) => r.path)).toEqual(['/api/v1/statuses', `/api/v1/statuses/${post.remoteId}/context`]);
      expect((await comments(post.deliveryId)).map((c) => c.remoteId)).toEqual([reply.id, second.id]);
    } finally {
      mastodon.notificationsApi = true;
    }
  }, 60_000);

  it('knows at connect that a server has no notifications route, and never asks it', async () => {
    mastodon.notificationsApi = false;
    try {
      const a = await connectAccount(api, admin, mastodon, 'sans-notifs');
      const known = await db.accountCapability.findUniqueOrThrow({ where: { accountId_feature: { accountId: a.account.id, feature: 'replyNotifications' } } });
      expect(known).toMatchObject({ support: 'no', source: 'connect' });
      const post = await strikePost(a, 'Grève sans notifications');
      const reply = mastodon.addReply(post.remoteId, { username: 'lecteur' }, '<p>vu</p>');
      const since = Date.now();
      await poller.pollAccount(a.account.id, plus(post.publishedAt, 5 * MIN));
      expect(calls(a.remote.id, since).map((r) => r.path)).toEqual(['/api/v1/statuses', `/api/v1/statuses/${post.remoteId}/context`]);
      expect((await comments(post.deliveryId)).map((c) => c.remoteId)).toEqual([reply.id]);
    } finally {
      mastodon.notificationsApi = true;
    }
  }, 60_000);
});
