import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { FakeMastodon } from '../apps/sandbox/src/mastodon-server.js';
import { createPrismaClient } from '#database/prisma.service.js';
import { deliveryJobId, JobName, QueueName, type PublishDeliveryJob } from '#queue/contracts.js';
import { createBenchEnv, REDIS_URL, seedDeliveries, seedOrganisation, sleep, startChild, waitFor, WORKER_MAIN, type Defer } from './support.js';

export interface PublishRigOptions {
  workers: number;
  /** WORKER_CONCURRENCY of each worker process. */
  concurrency: number;
  /** How long the fake Mastodon takes to answer. */
  latencyMs: number;
  /** A pause once the workers are registered, so their connections are warm before the clock starts. */
  settleMs: number;
}

/**
 * The publish benches' setup (scale, takeover): a run of its own (schema, prefix), a fake Mastodon
 * answering after `latencyMs`, the deliveries queue, and worker processes started and registered.
 * The reconciler is kept out of the way (an hour between passes): the benches enqueue themselves.
 */
export async function startPublishRig(defer: Defer, o: PublishRigOptions) {
  const { env, config, prefix } = await createBenchEnv(defer, { WORKER_CONCURRENCY: String(o.concurrency), RECONCILE_INTERVAL_MS: '3600000' });
  const server = new FakeMastodon();
  server.latencyMs = o.latencyMs;
  server.keepAliveMs = 65_000;
  await server.start();
  defer(() => server.stop());
  const db = createPrismaClient(config.database.url, config.database.schema);
  defer(() => db.$disconnect());
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  defer(() => redis.quit());
  const queue = new Queue<PublishDeliveryJob>(QueueName.Deliveries, { connection: redis, prefix });
  defer(() => queue.close());

  const startWorker = () => startChild([WORKER_MAIN], env, defer);
  const workers = Array.from({ length: o.workers }, startWorker);
  await waitFor(async () => (workers.forEach((w) => w.alive()), (await queue.getWorkersCount()) >= o.workers), 'the workers to start');
  await sleep(o.settleMs);

  /** `count` deliveries due now, spread over `accounts` accounts, their jobs added in bulk. */
  const enqueue = async (count: number, accounts: number) => {
    const org = await seedOrganisation(db, config, accounts, server);
    const seeded = await seedDeliveries(db, org, { count, from: new Date(Date.now() - 1000), spanMs: 0 });
    await queue.addBulk(seeded.map((s) => ({ name: JobName.PublishDelivery, data: { deliveryId: s.deliveryId }, opts: { jobId: deliveryJobId(s.deliveryId) } })));
  };
  return { server, db, queue, workers, startWorker, enqueue };
}
