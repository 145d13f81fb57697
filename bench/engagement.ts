/**
 * Requests per tracked post per polling round: 1,000 strike posts over 5 accounts on a local fake
 * Mastodon, polled every 5 minutes of a test clock for the first 2 hours (the dense part of the
 * schedule), while replies arrive between rounds: direct, nested, private, edited, deleted. The same
 * scenario runs twice in one run: replies read from every post's thread every round (the previous
 * way, ENGAGEMENT_REPLIES=threads) and from the accounts' notifications (ENGAGEMENT_REPLIES=notifications);
 * then the comments both collected are compared. Prints figures only.
 *
 *   npm run bench:engagement [-- --posts 1000 --accounts 5 --rounds 24]
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { FakeMastodon, type FakeStatus } from '../apps/sandbox/src/mastodon-server.js';
import { createPollerContext } from '../apps/worker/src/engagement/poller-context.js';
import { PrismaService } from '#database/prisma.service.js';
import { createBenchEnv, exit, figure, positiveInt, progress, seedOrganisation, withCleanup, type Defer } from './support.js';

const { values: args } = parseArgs({
  options: { posts: { type: 'string', default: '1000' }, accounts: { type: 'string', default: '5' }, rounds: { type: 'string', default: '24' } },
});
const POSTS = positiveInt('posts', args.posts);
const ACCOUNTS = positiveInt('accounts', args.accounts);
const ROUNDS = positiveInt('rounds', args.rounds);
const ROUND_MS = 5 * 60_000;
// Mastodon's default: 300 requests per 5 minutes; Piquet's default share is half.
const DEFAULT_BUDGET = 150;

type Mode = 'threads' | 'notifications';

interface Figures {
  perPost: number;
  counts: number;
  threads: number;
  notifications: number;
  comments: string[];
  live: number;
  deleted: number;
}

/** The same arrivals in both runs: a small deterministic generator (no Math.random). */
function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** What readers do between two rounds: replies (some nested, some private), edits, deletions. */
function arrivals(fake: FakeMastodon, posts: FakeStatus[], replies: Map<number, FakeStatus[]>, rnd: () => number, round: number): void {
  posts.forEach((post, i) => {
    const under = replies.get(i) ?? [];
    const r = rnd();
    if (r < 0.02) {
      const visibility = rnd() < 0.1 ? 'direct' : 'public';
      under.push(fake.addReply(post.id, { username: `reader${i % 50}`, instance: 'readers.example' }, `<p>r${round}-${i} direct</p>`, { visibility }));
    } else if (r < 0.03 && under.length > 0) {
      const parent = under[Math.floor(rnd() * under.length)]!;
      if (fake.statusById(parent.id)) under.push(fake.addReply(parent.id, { username: `other${i % 30}` }, `<p>r${round}-${i} nested</p>`));
    }
    for (const reply of under) {
      if (!fake.statusById(reply.id)) continue;
      const e = rnd();
      if (e < 0.01) fake.editStatus(reply.id, `<p>${reply.html?.replace(/<\/?p>/g, '')} (edited in round ${round})</p>`);
      else if (e < 0.015) fake.deleteStatus(reply.id);
    }
    replies.set(i, under);
  });
}

async function run(mode: Mode, multiStatus: boolean, defer: Defer): Promise<Figures> {
  const fake = new FakeMastodon();
  await fake.start();
  defer(() => fake.stop());
  fake.multiStatus = multiStatus;
  // A budget no round reaches: the figure is what full rounds cost.
  const { config } = await createBenchEnv(defer, { RATE_LIMIT_REQUESTS: '100000000', ENGAGEMENT_REPLIES: mode });
  const { poller, app } = await createPollerContext(config);
  defer(() => app.close());
  const db = app.get(PrismaService).client;
  const org = await seedOrganisation(db, config, ACCOUNTS, fake);
  const remotes = [...fake.accounts.values()];
  const strikeId = randomUUID();
  const publishedAt = new Date(Date.now() - 60_000);
  progress(`${mode}${multiStatus ? '' : ', no multi-status'}: publishing ${POSTS} posts on the fake server`);
  const rows = [];
  const posts: FakeStatus[] = [];
  for (let i = 0; i < POSTS; i++) {
    const a = i % ACCOUNTS;
    const res = await fetch(`${fake.url}/api/v1/statuses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${remotes[a]!.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: `Strike post ${i}` }),
    });
    const status = (await res.json()) as { id: string };
    posts.push(fake.statusById(status.id)!);
    rows.push({ deliveryId: randomUUID(), organisationId: org.organisationId, accountId: org.accountIds[a]!, strikeId, remoteId: status.id, publishedAt, nextAt: new Date(publishedAt.getTime() + ROUND_MS) });
  }
  await db.trackedPost.createMany({ data: rows });
  const rnd = generator(15);
  const replies = new Map<number, FakeStatus[]>();
  // Already answered before the first round: one post in ten.
  posts.forEach((p, i) => {
    if (i % 10 === 0) replies.set(i, [fake.addReply(p.id, { username: `reader${i}` }, `<p>Reply to ${i}</p>`)]);
  });
  const before = fake.requests.length;
  for (let round = 1; round <= ROUNDS; round++) {
    if (round > 1) arrivals(fake, posts, replies, rnd, round);
    progress(`${mode}: round ${round} of ${ROUNDS}`);
    const now = new Date(publishedAt.getTime() + round * ROUND_MS);
    for (const accountId of org.accountIds) await poller.pollAccount(accountId, now);
  }
  const made = fake.requests.slice(before);
  const per = (n: number) => n / POSTS / ROUNDS;
  const comments = await db.comment.findMany({ select: { text: true, deletedAt: true, remoteId: true }, orderBy: { remoteId: 'asc' } });
  // Ids differ between the two servers (notifications take ids too): compare by what was written.
  const described = comments.map((c) => (c.deletedAt ? 'deleted' : `${c.text}`)).sort();
  return {
    perPost: per(made.length),
    counts: per(made.filter((r) => /^\/api\/v1\/statuses(\/[^/]+)?$/.test(r.path)).length),
    threads: per(made.filter((r) => /\/context$/.test(r.path)).length),
    notifications: per(made.filter((r) => r.path === '/api/v1/notifications').length),
    comments: described,
    live: comments.filter((c) => !c.deletedAt).length,
    deleted: comments.filter((c) => c.deletedAt).length,
  };
}

function line(label: string, f: Figures): string {
  const perAccountRound = Math.ceil((f.perPost * POSTS) / ACCOUNTS);
  return (
    `${label}: ${f.perPost.toFixed(3)} requests per post per round (counts ${f.counts.toFixed(3)}, notifications ${f.notifications.toFixed(3)}, ` +
    `threads ${f.threads.toFixed(3)}); ${perAccountRound} requests per account per round, ` +
    `${(perAccountRound / DEFAULT_BUDGET).toFixed(2)} of the default budget of ${DEFAULT_BUDGET} per 5 min`
  );
}

async function main(): Promise<void> {
  console.log(
    `Engagement polling: ${POSTS} strike posts over ${ACCOUNTS} accounts, ${ROUNDS} rounds ${ROUND_MS / 60_000} min apart, ` +
      `replies arriving between rounds, local fake Mastodon`,
  );
  const old = await withCleanup((defer) => run('threads', true, defer));
  console.log(line('every thread, every round (before)  ', old));
  const now = await withCleanup((defer) => run('notifications', true, defer));
  console.log(line('notifications + threads on change   ', now));
  figure({ name: 'engagement requests per post per round', value: now.perPost, unit: 'requests', goal: { atMost: 0.1 }, before: old.perPost.toFixed(3) });
  console.log(`ratio now / before: ${(now.perPost / old.perPost).toFixed(3)} (goal: at most 0.1 requests per post per round)`);
  // A reply's text names it (`r<round>-<post> …`); an edit appends to it. Edits made since a post's
  // last whole-thread read are not seen yet by the notifications way: they come within ENGAGEMENT_THREAD_EVERY_MS.
  const reply = (text: string) => text.replace(/ \(edited in round \d+\)$/, '');
  const nowTexts = new Set(now.comments);
  const missing = old.comments.filter((c) => !nowTexts.has(c));
  const pendingEdits = missing.filter((c) => c !== reply(c) && now.comments.some((n) => reply(n) === reply(c)));
  console.log(
    `comments after the last round: before ${old.live} live + ${old.deleted} deleted, now ${now.live} live + ${now.deleted} deleted; ` +
      `texts that differ: ${missing.length}, of which edits not yet re-read: ${pendingEdits.length}`,
  );
  const older = await withCleanup((defer) => run('notifications', false, defer));
  console.log(line('notifications, no multi-status route', older));
}

main().then(() => exit(0), (err: unknown) => exit(1, err));
