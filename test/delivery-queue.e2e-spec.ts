import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { UnrecoverableError, Worker } from 'bullmq';
import { deliveryJobId, QueueName } from '#queue/contracts.js';
import { DeliveryQueue } from '#queue/delivery-queue.js';
import { createRedis } from '#queue/redis.js';
import { createTestEnv, waitFor, type TestEnv } from './support/env.js';

// The end step queues its resumed posts in bulk; a post whose job was left failed (before the
// strike) must be queued again, and a post queued twice must still have one job.
describe('DeliveryQueue.scheduleAll on a real Redis', () => {
  let env: TestEnv;
  let queue: DeliveryQueue;

  beforeAll(async () => {
    env = await createTestEnv();
    queue = new DeliveryQueue(env.config);
  });
  afterAll(async () => {
    await queue?.onApplicationShutdown();
    await env?.cleanup();
  });

  it('replaces a failed job, adds the missing ones, and leaves live ones single', async () => {
    const failedId = randomUUID();
    // A job that failed for good, as a permanent network error leaves it (kept 7 days).
    await queue.schedule([{ deliveryId: failedId, scheduledAt: new Date() }]);
    const connection = createRedis(env.config.redis.url);
    const worker = new Worker(
      QueueName.Deliveries,
      async () => {
        throw new UnrecoverableError('refused by the server');
      },
      { connection, prefix: env.config.queue.prefix },
    );
    await waitFor(async () => (await queue.queue.getJob(deliveryJobId(failedId)))?.failedReason, 'the job to fail');
    await worker.close();
    await connection.quit();
    expect(await queue.dead([failedId, randomUUID()])).toEqual([failedId]);

    const later = new Date(Date.now() + 3_600_000);
    const fresh = Array.from({ length: 2500 }, () => ({ deliveryId: randomUUID(), scheduledAt: later }));
    const jobs = [{ deliveryId: failedId, scheduledAt: later }, ...fresh];
    expect(await queue.scheduleAll(jobs, 1000)).toBe(2501);
    // Again, as the reconciler or a second end step run would: nothing doubles.
    await queue.scheduleAll(jobs, 1000);

    expect(await queue.queue.getJobState(deliveryJobId(failedId))).toBe('delayed');
    expect(await queue.dead(jobs.map((j) => j.deliveryId))).toEqual([]);
    expect(await queue.missing(jobs.map((j) => j.deliveryId))).toEqual([]);
    expect(await queue.queue.getJobCountByTypes('delayed')).toBe(2501);
    expect(await queue.queue.getJobCountByTypes('failed')).toBe(0);
  });
});
