/**
 * Deliveries per second through Piquet's real worker process, next to a bare BullMQ worker that
 * makes the same HTTP call at the same concurrency: the ratio is what Piquet's bookkeeping costs
 * (reload, claim, decrypt, masto, markPublished). Prints figures only; asserts nothing about time.
 *
 *   npm run bench -- --n 2000 --concurrency 10 --warmup 200
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Queue, Worker, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { FakeMastodon } from '../apps/sandbox/src/mastodon-server.js';
import { loadConfig } from '../libs/config/config.js';
import { ACCOUNT_TOKEN_CONTEXT } from '../libs/crypto/contexts.js';
import { SecretBox } from '../libs/crypto/secret-box.js';
import { migrate, quoteIdent } from '../libs/database/migrate.js';
import { createPrismaClient } from '../libs/database/prisma.service.js';
import { deliveryJobId, JobName, QueueName, type PublishDeliveryJob } from '../libs/queue/contracts.js';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '2000' },
    concurrency: { type: 'string' },
    warmup: { type: 'string', default: '200' },
    accounts: { type: 'string', default: '5' },
  },
});
const N = positiveInt('n', args.n);
const WARMUP = positiveInt('warmup', args.warmup, 0);
const ACCOUNTS = positiveInt('accounts', args.accounts);
const CONCURRENCIES = args.concurrency ? [positiveInt('concurrency', args.concurrency)] : [10, 50];

const BASE_DB = process.env['BENCH_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env['BENCH_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const WORKER_MAIN = fileURLToPath(new URL('../apps/worker/src/main.js', import.meta.url));
const MIGRATIONS = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));
const TIMEOUT_MS = 120_000;
// What DeliveryQueue gives every job, so both queues do the same Redis work per job.
const JOB_OPTIONS: JobsOptions = { attempts: 8, backoff: { type: 'exponential', delay: 5000 }, removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 } };

type Cleanup = () => Promise<unknown>;
type Defer = (c: Cleanup) => void;
const statusText = (i: number) => `Benchmark post number ${i}: the picket line holds.`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  console.log(`Publish throughput: ${N} deliveries per run after ${WARMUP} warm-up, ${ACCOUNTS} accounts, local fake Mastodon`);
  for (const concurrency of CONCURRENCIES) {
    const piquet = await withCleanup((defer) => runPiquet(concurrency, defer));
    const bare = await withCleanup((defer) => runBare(concurrency, defer));
    console.log(`concurrency ${concurrency}: piquet ${Math.round(piquet)} deliveries/s, bare ${Math.round(bare)} jobs/s, ratio ${(piquet / bare).toFixed(2)}`);
  }
}

/** Piquet's worker process, fed the way the API feeds it: rows in Postgres, then ids on the queue. */
async function runPiquet(concurrency: number, defer: Defer): Promise<number> {
  const id = randomBytes(5).toString('hex');
  const schema = `bench_${id}`;
  const prefix = `piquet-bench-${id}`;
  const dbUrl = new URL(BASE_DB);
  dbUrl.searchParams.set('schema', schema);
  const env = {
    DATABASE_URL: dbUrl.toString(),
    REDIS_URL,
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    QUEUE_PREFIX: prefix,
    ALLOW_PRIVATE_INSTANCES: 'true',
    WORKER_CONCURRENCY: String(concurrency),
    // The boot scan runs on an empty schema; a later scan would enqueue the rows before the clock starts.
    RECONCILE_INTERVAL_MS: '3600000',
    LOG_LEVEL: 'warn',
  };
  const config = loadConfig(env);
  defer(() => dropSchemaAndKeys(schema, prefix));
  await migrate({ url: config.database.url, schema, dir: MIGRATIONS });

  const server = new FakeMastodon();
  const url = await server.start();
  defer(() => server.stop());
  const db = createPrismaClient(config.database.url, schema);
  defer(() => db.$disconnect());
  const queue = new Queue<PublishDeliveryJob>(QueueName.Deliveries, { connection: redisConnection(defer), prefix, defaultJobOptions: JOB_OPTIONS });
  defer(() => queue.close());

  // The worker's JSON logs go to our stderr, so its warnings show without mixing into the table.
  const child = spawn(process.execPath, [WORKER_MAIN], { env: { ...process.env, ...env }, stdio: ['ignore', 2, 2] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  defer(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  });
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const alive = () => {
    if (exitCode !== undefined) throw new Error(`Piquet worker exited early with code ${exitCode}`);
  };
  await waitFor(async () => (alive(), (await queue.getWorkersCount()) > 0), 'the Piquet worker to start');
  await sleep(500); // lets its boot (the reconciler's first scan) finish before there is anything to find

  const org = await db.organisation.create({ data: { name: `bench-${id}` } });
  const member = await db.member.create({ data: { organisationId: org.id, name: 'bench', role: 'admin' } });
  const box = new SecretBox(config.encryptionKey);
  const accounts = await Promise.all(
    Array.from({ length: ACCOUNTS }, (_, i) => {
      const remote = server.addAccount(`bench${i}`);
      return db.account.create({
        data: {
          organisationId: org.id, network: 'mastodon', instanceUrl: url, remoteId: remote.id, handle: `@bench${i}@${new URL(url).host}`,
          displayName: `bench${i}`, tokenCiphertext: box.seal(remote.token, ACCOUNT_TOKEN_CONTEXT), maxCharacters: 500, maxMedia: 4, charactersPerUrl: 23,
        },
      });
    }),
  );

  let seeded = 0;
  const batch = async (count: number): Promise<number> => {
    const scheduledAt = new Date(Date.now() - 1000);
    const rows = Array.from({ length: count }, (_, k) => ({ i: seeded + k, postId: randomUUID(), deliveryId: randomUUID() }));
    seeded += count;
    await db.post.createMany({ data: rows.map((r) => ({ id: r.postId, organisationId: org.id, createdById: member.id, text: statusText(r.i), scheduledAt })) });
    await db.delivery.createMany({
      data: rows.map((r) => ({ id: r.deliveryId, organisationId: org.id, postId: r.postId, accountId: accounts[r.i % accounts.length]!.id, scheduledAt })),
    });
    if ((await queue.count()) > 0) throw new Error('Jobs were enqueued before the benchmark enqueued them');
    const start = Date.now();
    await queue.addBulk(rows.map((r) => ({ name: JobName.PublishDelivery, data: { deliveryId: r.deliveryId }, opts: { jobId: deliveryJobId(r.deliveryId) } })));
    await waitFor(async () => {
      alive();
      const failed = await db.delivery.findFirst({ where: { state: 'failed' } });
      if (failed) throw new Error(`Delivery ${failed.id} failed: ${failed.lastError ?? failed.failureReason}`);
      return (await db.delivery.count({ where: { state: 'published' } })) === seeded;
    }, `${count} deliveries to be published`);
    // The worker stamps updatedAt when it records the publish: more exact than our 50 ms polling.
    const last = await db.delivery.aggregate({ _max: { updatedAt: true }, where: { id: { in: rows.map((r) => r.deliveryId) } } });
    return last._max.updatedAt!.getTime() - start;
  };

  if (WARMUP > 0) await batch(WARMUP);
  const elapsed = await batch(N);
  if (server.statuses.length !== seeded) throw new Error(`Fake Mastodon holds ${server.statuses.length} statuses, expected ${seeded}`);
  return (N * 1000) / elapsed;
}

/** The floor: a BullMQ worker in this process doing the same POST and nothing else. */
async function runBare(concurrency: number, defer: Defer): Promise<number> {
  const prefix = `piquet-bench-bare-${randomBytes(5).toString('hex')}`;
  defer(() => dropSchemaAndKeys(null, prefix));
  const server = new FakeMastodon();
  const url = await server.start();
  defer(() => server.stop());
  const tokens = Array.from({ length: ACCOUNTS }, (_, i) => server.addAccount(`bench${i}`).token);
  // What Piquet knows from Postgres, the bare worker looks up in memory.
  const work = new Map<string, { token: string; text: string }>();

  const queue = new Queue<PublishDeliveryJob>(QueueName.Deliveries, { connection: redisConnection(defer), prefix, defaultJobOptions: JOB_OPTIONS });
  defer(() => queue.close());
  let done = 0;
  let lastDoneAt = 0;
  let failure: Error | undefined;
  const worker = new Worker<PublishDeliveryJob>(
    QueueName.Deliveries,
    async (job) => {
      const { token, text } = work.get(job.data.deliveryId)!;
      const res = await fetch(`${url}/api/v1/statuses`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Idempotency-Key': job.data.deliveryId },
        body: JSON.stringify({ status: text, visibility: 'public' }),
      });
      const body = (await res.json()) as { id?: string };
      if (!res.ok || !body.id) throw new Error(`Fake Mastodon answered ${res.status}`);
    },
    { connection: redisConnection(defer), prefix, concurrency, lockDuration: 30_000, stalledInterval: 30_000, maxStalledCount: 5 },
  );
  worker.on('completed', () => ((done += 1), (lastDoneAt = Date.now())));
  worker.on('failed', (_job, err) => (failure ??= err));
  defer(() => worker.close());
  await worker.waitUntilReady();

  let seeded = 0;
  const batch = async (count: number): Promise<number> => {
    const ids = Array.from({ length: count }, (_, k) => {
      const deliveryId = randomUUID();
      work.set(deliveryId, { token: tokens[(seeded + k) % tokens.length]!, text: statusText(seeded + k) });
      return deliveryId;
    });
    seeded += count;
    const start = Date.now();
    await queue.addBulk(ids.map((deliveryId) => ({ name: JobName.PublishDelivery, data: { deliveryId }, opts: { jobId: deliveryJobId(deliveryId) } })));
    await waitFor(async () => {
      if (failure) throw failure;
      return done === seeded;
    }, `${count} bare jobs to complete`);
    return lastDoneAt - start;
  };

  if (WARMUP > 0) await batch(WARMUP);
  const elapsed = await batch(N);
  if (server.statuses.length !== seeded) throw new Error(`Fake Mastodon holds ${server.statuses.length} statuses, expected ${seeded}`);
  return (N * 1000) / elapsed;
}

/** BullMQ leaves a connection it was handed open on close(): it is quit here. */
function redisConnection(defer: Defer): Redis {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  defer(() => redis.quit());
  return redis;
}

/** Runs `body`, then every deferred cleanup in reverse order, even when `body` failed. */
async function withCleanup<T>(body: (defer: Defer) => Promise<T>): Promise<T> {
  const cleanups: Cleanup[] = [];
  try {
    return await body((c) => cleanups.push(c));
  } finally {
    for (const c of cleanups.reverse()) await c().catch((err: unknown) => console.error('cleanup failed:', err));
  }
}

async function dropSchemaAndKeys(schema: string | null, prefix: string): Promise<void> {
  if (schema) {
    const client = new pg.Client({ connectionString: BASE_DB });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    await client.end();
  }
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
}

async function waitFor(probe: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(50);
  }
}

function positiveInt(name: string, raw: string, min = 1): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got ${raw}`);
  return n;
}

await main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
