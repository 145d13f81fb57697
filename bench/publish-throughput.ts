/**
 * Deliveries per second through Piquet's real worker process, next to a bare BullMQ worker that
 * makes the same HTTP call at the same concurrency: the ratio is what Piquet's bookkeeping costs
 * (claim with reload and gate, decrypt, record). Prints figures only; asserts nothing about time.
 *
 * Each figure is the median of `--rounds` runs of each, alternating Piquet and bare: a single bare
 * run at 0 ms lasts about two seconds, and either side's rate moves by 10% from run to run (five
 * rounds: three left the 0 ms ratio at the mercy of one slow run).
 *
 *   npm run bench:publish -- --n 5000 --concurrency 10 --warmup 1000 --latency 0 --rounds 5
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Queue, Worker, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { FakeMastodon } from '../apps/sandbox/src/mastodon-server.js';
import { createPrismaClient } from '#database/prisma.service.js';
import { deliveryJobId, JobName, QueueName, type PublishDeliveryJob } from '#queue/contracts.js';
import {
  createBenchEnv, dropKeys, figure, median, positiveInt, REDIS_URL, seedOrganisation, sleep, startChild, waitFor, withCleanup, WORKER_MAIN, type Defer,
} from './support.js';

const { values: args } = parseArgs({
  options: {
    // Default: 5000 at 0 ms (a long enough run to measure), 1000 with latency (10 s at 100/s).
    n: { type: 'string' },
    concurrency: { type: 'string' },
    // Default: 1000 at 0 ms (the JIT and each pooled connection's plans warm up), 200 with latency.
    warmup: { type: 'string' },
    rounds: { type: 'string', default: '5' },
    accounts: { type: 'string', default: '5' },
    latency: { type: 'string' },
  },
});
const nFor = (latency: number) => (args.n ? positiveInt('n', args.n) : latency === 0 ? 5000 : 1000);
const ROUNDS = positiveInt('rounds', args.rounds);
const warmupFor = (latency: number) => (args.warmup !== undefined ? positiveInt('warmup', args.warmup, 0) : latency === 0 ? 1000 : 200);
const ACCOUNTS = positiveInt('accounts', args.accounts);
const CONCURRENCIES = args.concurrency ? [positiveInt('concurrency', args.concurrency)] : [10, 50];
/** How long the fake server waits before answering each request (ms): a real instance is not local. */
const LATENCIES = args.latency ? [positiveInt('latency', args.latency, 0)] : [0, 100];
// Real instances keep idle connections open about a minute (nginx); the sandbox's 1 s default made
// undici open a connection per request (it drops sockets whose keep-alive ends within 2 s).
const KEEP_ALIVE_MS = 65_000;
/** The figures before the lean publish path (issue 15), at 0 ms latency. */
const BEFORE: Record<number, string> = { 10: 'piquet 149, bare 705, ratio 0.21', 50: 'piquet 154, bare 713, ratio 0.22' };

const BARE_WORKER_ENV = 'PIQUET_BENCH_BARE_WORKER';
// What DeliveryQueue gives every job, so both queues do the same Redis work per job.
const JOB_OPTIONS: JobsOptions = { attempts: 8, backoff: { type: 'exponential', delay: 5000 }, removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 } };

const statusText = (i: number) => `Benchmark post number ${i}: the picket line holds.`;

async function main(): Promise<void> {
  console.log(`Publish throughput: ${ACCOUNTS} accounts, local fake Mastodon; median of ${ROUNDS} rounds, Piquet and bare alternating`);
  for (const latency of LATENCIES) {
    const n = nFor(latency);
    for (const concurrency of CONCURRENCIES) {
      const piquetRuns: number[] = [];
      const bareRuns: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        piquetRuns.push(await withCleanup((defer) => runPiquet(n, concurrency, latency, defer)));
        bareRuns.push(await withCleanup((defer) => runBare(n, concurrency, latency, defer)));
      }
      const piquet = median(piquetRuns);
      const bare = median(bareRuns);
      const before = latency === 0 && BEFORE[concurrency] ? `   (before: ${BEFORE[concurrency]})` : '';
      figure({
        name: `publish ratio, ${latency} ms server latency, concurrency ${concurrency}`,
        value: piquet / bare,
        unit: 'ratio',
        goal: { atLeast: latency === 0 ? 0.5 : 0.9 },
        ...(latency === 0 && BEFORE[concurrency] ? { before: BEFORE[concurrency].replace(/.*ratio /, '') } : {}),
      });
      const rounds = (xs: number[]) => xs.map((x) => Math.round(x)).join(', ');
      console.log(
        `latency ${latency} ms, concurrency ${concurrency}, ${n} deliveries a run after ${warmupFor(latency)} warm-up: piquet ${Math.round(piquet)} deliveries/s (${rounds(piquetRuns)}), bare ${Math.round(bare)} jobs/s (${rounds(bareRuns)}), ratio ${(piquet / bare).toFixed(2)}${before}`,
      );
    }
  }
}

/** Piquet's worker process, fed the way the API feeds it: rows in Postgres, then ids on the queue. */
async function runPiquet(N: number, concurrency: number, latency: number, defer: Defer): Promise<number> {
  const { env, config, prefix } = await createBenchEnv(defer, {
    WORKER_CONCURRENCY: String(concurrency),
    // The boot scan runs on an empty schema; a later scan would enqueue the rows before the clock starts.
    RECONCILE_INTERVAL_MS: '3600000',
  });

  const server = fakeServer(latency);
  await server.start();
  defer(() => server.stop());
  const db = createPrismaClient(config.database.url, config.database.schema);
  defer(() => db.$disconnect());
  const queue = new Queue<PublishDeliveryJob>(QueueName.Deliveries, { connection: redisConnection(defer), prefix, defaultJobOptions: JOB_OPTIONS });
  defer(() => queue.close());

  const { alive } = startChild([WORKER_MAIN], env, defer);
  await waitFor(async () => (alive(), (await queue.getWorkersCount()) > 0), 'the Piquet worker to start');
  await sleep(500); // lets its boot (the reconciler's first scan) finish before there is anything to find

  const org = await seedOrganisation(db, config, ACCOUNTS, server);

  let seeded = 0;
  const batch = async (count: number): Promise<number> => {
    const scheduledAt = new Date(Date.now() - 1000);
    const rows = Array.from({ length: count }, (_, k) => ({ i: seeded + k, postId: randomUUID(), deliveryId: randomUUID() }));
    seeded += count;
    await db.post.createMany({ data: rows.map((r) => ({ id: r.postId, organisationId: org.organisationId, createdById: org.memberId, text: statusText(r.i), scheduledAt })) });
    await db.delivery.createMany({
      data: rows.map((r) => ({ id: r.deliveryId, organisationId: org.organisationId, postId: r.postId, accountId: org.accountIds[r.i % org.accountIds.length]!, scheduledAt })),
    });
    if ((await queue.count()) > 0) throw new Error('Jobs were enqueued before the benchmark enqueued them');
    const start = Date.now();
    await queue.addBulk(rows.map((r) => ({ name: JobName.PublishDelivery, data: { deliveryId: r.deliveryId }, opts: { jobId: deliveryJobId(r.deliveryId) } })));
    const failIfFailed = async () => {
      const failed = await db.delivery.findFirst({ where: { state: 'failed' } });
      if (failed) throw new Error(`Delivery ${failed.id} failed: ${failed.lastError ?? failed.failureReason}`);
    };
    // Watched from the fake server's side, which costs nothing: counting published rows every 50 ms
    // took a large share of Postgres's CPU from the worker being measured (the bare run pays nothing).
    let probes = 0;
    await waitFor(async () => {
      alive();
      if (++probes % 20 === 0) await failIfFailed();
      return server.statuses.length >= seeded;
    }, `${count} deliveries to reach the server`);
    await waitFor(async () => {
      await failIfFailed();
      return (await db.delivery.count({ where: { state: 'published' } })) === seeded;
    }, `${count} deliveries to be recorded as published`);
    // The worker stamps updatedAt when it records the publish: more exact than our 50 ms polling.
    const last = await db.delivery.aggregate({ _max: { updatedAt: true }, where: { id: { in: rows.map((r) => r.deliveryId) } } });
    return last._max.updatedAt!.getTime() - start;
  };

  const warmup = warmupFor(latency);
  if (warmup > 0) await batch(warmup);
  const elapsed = await batch(N);
  if (server.statuses.length !== seeded) throw new Error(`Fake Mastodon holds ${server.statuses.length} statuses, expected ${seeded}`);
  return (N * 1000) / elapsed;
}

interface BareWorkerConfig { url: string; prefix: string; concurrency: number; tokens: string[] }
type BareJob = PublishDeliveryJob & { i: number };
type BareMessage = { kind: 'ready' } | { kind: 'done'; at: number } | { kind: 'failed'; error: string };

/**
 * The floor: a BullMQ worker doing the same POST and nothing else. It runs in a child process like
 * Piquet's worker does: sharing the fake server's event loop made it look 30-40% slower.
 */
async function runBare(N: number, concurrency: number, latency: number, defer: Defer): Promise<number> {
  const prefix = `piquet-bench-bare-${randomBytes(5).toString('hex')}`;
  defer(() => dropKeys(prefix));
  const server = fakeServer(latency);
  const url = await server.start();
  defer(() => server.stop());
  const tokens = Array.from({ length: ACCOUNTS }, (_, i) => server.addAccount(`bench${i}`).token);
  const queue = new Queue<BareJob>(QueueName.Deliveries, { connection: redisConnection(defer), prefix, defaultJobOptions: JOB_OPTIONS });
  defer(() => queue.close());

  const config: BareWorkerConfig = { url, prefix, concurrency, tokens };
  const { child, alive } = startChild([fileURLToPath(import.meta.url)], { [BARE_WORKER_ENV]: JSON.stringify(config) }, defer, true);
  let ready = false;
  let doneAt: number | undefined;
  let failure: string | undefined;
  child.on('message', (m: BareMessage) => {
    if (m.kind === 'ready') ready = true;
    else if (m.kind === 'done') doneAt = m.at;
    else failure ??= m.error;
  });
  const healthy = () => {
    alive();
    if (failure) throw new Error(`Bare job failed: ${failure}`);
  };
  await waitFor(async () => (healthy(), ready), 'the bare worker to start');

  let seeded = 0;
  const batch = async (count: number): Promise<number> => {
    const jobs = Array.from({ length: count }, (_, k) => ({ deliveryId: randomUUID(), i: seeded + k }));
    seeded += count;
    doneAt = undefined;
    child.send({ expect: seeded });
    const start = Date.now();
    await queue.addBulk(jobs.map((data) => ({ name: JobName.PublishDelivery, data, opts: { jobId: deliveryJobId(data.deliveryId) } })));
    return (await waitFor(async () => (healthy(), doneAt), `${count} bare jobs to complete`)) - start;
  };

  const warmup = warmupFor(latency);
  if (warmup > 0) await batch(warmup);
  const elapsed = await batch(N);
  if (server.statuses.length !== seeded) throw new Error(`Fake Mastodon holds ${server.statuses.length} statuses, expected ${seeded}`);
  return (N * 1000) / elapsed;
}

/** The child side of runBare: reports readiness, then the time its job count reaches what it was told to expect. */
async function bareWorker(config: BareWorkerConfig): Promise<void> {
  const send = (m: BareMessage) => process.send?.(m);
  let done = 0;
  let expected = Infinity;
  const report = () => done === expected && send({ kind: 'done', at: Date.now() });
  process.on('message', (m: { expect: number }) => ((expected = m.expect), report()));
  process.on('disconnect', () => process.exit(0)); // the bench died: do not linger
  const worker = new Worker<BareJob>(
    QueueName.Deliveries,
    async (job) => {
      const token = config.tokens[job.data.i % config.tokens.length];
      const res = await fetch(`${config.url}/api/v1/statuses`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Idempotency-Key': job.data.deliveryId },
        body: JSON.stringify({ status: statusText(job.data.i), visibility: 'public' }),
      });
      const body = (await res.json()) as { id?: string };
      if (!res.ok || !body.id) throw new Error(`Fake Mastodon answered ${res.status}`);
    },
    // Piquet's worker settings (LOCK_DURATION_MS's default, a stalled check every half lock), so
    // both hold, renew and check job locks alike.
    { connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }), prefix: config.prefix, concurrency: config.concurrency, lockDuration: 3_000, stalledInterval: 1_500, maxStalledCount: 5 },
  );
  worker.on('completed', () => ((done += 1), report()));
  worker.on('failed', (_job, err) => send({ kind: 'failed', error: err.message }));
  await worker.waitUntilReady();
  send({ kind: 'ready' });
}

function fakeServer(latency: number): FakeMastodon {
  const server = new FakeMastodon();
  server.latencyMs = latency;
  server.keepAliveMs = KEEP_ALIVE_MS;
  return server;
}

/** BullMQ leaves a connection it was handed open on close(): it is quit here. */
function redisConnection(defer: Defer): Redis {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  defer(() => redis.quit());
  return redis;
}

const bareConfig = process.env[BARE_WORKER_ENV];
if (bareConfig) await bareWorker(JSON.parse(bareConfig) as BareWorkerConfig);
else await main().then(() => process.exit(0), (err: unknown) => (console.error(err), process.exit(1)));
