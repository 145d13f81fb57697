/**
 * Requests per tracked post per polling round: 1,000 strike posts over 5 accounts on a local fake
 * Mastodon, one round per account, with the multi-status endpoint and without it (an older server).
 * Prints figures only.
 *
 *   npm run bench:engagement
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { FakeMastodon } from '../apps/sandbox/src/mastodon-server.js';
import { createPollerContext } from '../apps/worker/src/engagement/poller-context.js';
import { PrismaService } from '#database/prisma.service.js';
import { createBenchEnv, exit, positiveInt, progress, seedOrganisation, withCleanup, type Defer } from './support.js';

const { values: args } = parseArgs({ options: { posts: { type: 'string', default: '1000' }, accounts: { type: 'string', default: '5' } } });
const POSTS = positiveInt('posts', args.posts);
const ACCOUNTS = positiveInt('accounts', args.accounts);
// Mastodon's default: 300 requests per 5 minutes; Piquet's default share is half.
const DEFAULT_BUDGET = 150;

async function round(multiStatus: boolean, defer: Defer): Promise<void> {
  const fake = new FakeMastodon();
  await fake.start();
  defer(() => fake.stop());
  fake.multiStatus = multiStatus;
  // A budget no round reaches: the figure is what one full round costs.
  const { config } = await createBenchEnv(defer, { RATE_LIMIT_REQUESTS: '100000000' });
  const { poller, app } = await createPollerContext(config);
  defer(() => app.close());
  const db = app.get(PrismaService).client;
  const org = await seedOrganisation(db, config, ACCOUNTS, fake);
  const remotes = [...fake.accounts.values()];
  const strikeId = randomUUID();
  const publishedAt = new Date(Date.now() - 60_000);
  progress(`publishing ${POSTS} posts on the fake server`);
  const rows = [];
  for (let i = 0; i < POSTS; i++) {
    const a = i % ACCOUNTS;
    const res = await fetch(`${fake.url}/api/v1/statuses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${remotes[a]!.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: `Strike post ${i}` }),
    });
    const status = (await res.json()) as { id: string };
    if (i % 10 === 0) fake.addReply(status.id, { username: `reader${i}` }, `<p>Reply to ${i}</p>`);
    rows.push({ deliveryId: randomUUID(), organisationId: org.organisationId, accountId: org.accountIds[a]!, strikeId, remoteId: status.id, publishedAt, nextAt: new Date() });
  }
  await db.trackedPost.createMany({ data: rows });
  const since = Date.now();
  const requestsBefore = fake.requests.length;
  for (const accountId of org.accountIds) await poller.pollAccount(accountId, new Date());
  const made = fake.requests.slice(requestsBefore).filter((r) => r.at >= since);
  const counts = made.filter((r) => /^\/api\/v1\/statuses(\/[^/]+)?$/.test(r.path)).length;
  const replies = made.filter((r) => /\/context$/.test(r.path)).length;
  const snapshots = await db.snapshot.count();
  const perAccount = Math.ceil(POSTS / ACCOUNTS);
  const perAccountRound = Math.ceil((counts + replies) / ACCOUNTS);
  console.log(
    `${multiStatus ? 'with multi-status   ' : 'without multi-status'}: ${made.length} requests for ${POSTS} posts (${snapshots} snapshots): ` +
      `${(made.length / POSTS).toFixed(3)} per post per round (counts ${(counts / POSTS).toFixed(3)}, replies ${(replies / POSTS).toFixed(3)}); ` +
      `${perAccount} posts per account need ${perAccountRound} requests, ${Math.ceil(perAccountRound / DEFAULT_BUDGET)} window(s) of 5 min at the default budget of ${DEFAULT_BUDGET}`,
  );
}

async function main(): Promise<void> {
  console.log(`Engagement polling: ${POSTS} strike posts over ${ACCOUNTS} accounts, one round each, local fake Mastodon`);
  await withCleanup((defer) => round(true, defer));
  await withCleanup((defer) => round(false, defer));
}

main().then(() => exit(0), (err: unknown) => exit(1, err));
