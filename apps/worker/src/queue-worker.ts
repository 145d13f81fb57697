import type { Logger } from '@nestjs/common';
import { Worker, type Job, type Processor, type WorkerOptions } from 'bullmq';
import type { AppConfig } from '#config/config.js';
import type { QueueName } from '#queue/contracts.js';
import { createRedis } from '#queue/redis.js';

export interface QueueWorkerOptions<D> {
  concurrency: number;
  /** The lock a job needs at least; the configured one (QUEUE_LOCK_DURATION_MS) when longer. */
  minLockMs?: number;
  /** Further BullMQ settings (the deliveries' stalled-job checks). */
  settings?: Pick<WorkerOptions, 'stalledInterval' | 'maxStalledCount'>;
  logger: Logger;
  /** The jobs' name in log lines ("delivery job failed"). */
  what: string;
  /** What a failed job's log line says about it, besides its attempts and the error. */
  describe: (job: Job<D> | undefined) => Record<string, unknown>;
}

/**
 * A BullMQ worker on one of Piquet's queues, set up the one way: a Redis connection of its own,
 * the configured prefix, and every failed job and worker error logged. Its owner closes it on
 * shutdown; `close()` waits for the jobs in flight.
 */
export function createQueueWorker<D, R = unknown, N extends string = string>(
  config: AppConfig,
  queue: (typeof QueueName)[keyof typeof QueueName],
  processor: Processor<D, R, N>,
  o: QueueWorkerOptions<D>,
): Worker<D, R, N> {
  const worker = new Worker<D, R, N>(queue, processor, {
    connection: createRedis(config.redis.url),
    prefix: config.queue.prefix,
    concurrency: o.concurrency,
    lockDuration: Math.max(config.queue.lockDurationMs, o.minLockMs ?? 0),
    ...o.settings,
  });
  worker.on('failed', (job, err) => o.logger.warn({ ...o.describe(job), attempts: job?.attemptsMade, err: err.message }, `${o.what} job failed`));
  worker.on('error', (err) => o.logger.error({ err: err.message }, `${o.what} worker error`));
  return worker;
}
