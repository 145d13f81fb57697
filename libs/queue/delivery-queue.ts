import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { createRedis, type RedisConnection } from './redis.js';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { deliveryJobId, JobName, QueueName, type PublishDeliveryJob } from './contracts.js';

export interface ScheduledJob {
  deliveryId: string;
  scheduledAt: Date;
  /** A strike post: it goes ahead of ordinary posts due at the same moment, so it is on time. */
  strike?: boolean;
}

// BullMQ takes jobs without a priority before prioritized ones: ordinary posts get one, strike posts none.
const ORDINARY_PRIORITY = 10;

/** Producer side of the deliveries queue, used by the API and by the worker's reconciler. */
@Injectable()
export class DeliveryQueue implements OnApplicationShutdown {
  readonly connection: RedisConnection;
  readonly queue: Queue<PublishDeliveryJob>;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.connection = createRedis(config.redis.url);
    this.queue = new Queue<PublishDeliveryJob>(QueueName.Deliveries, {
      connection: this.connection,
      prefix: config.queue.prefix,
      defaultJobOptions: {
        attempts: config.queue.attempts,
        backoff: { type: 'exponential', delay: config.queue.backoffMs },
        removeOnComplete: true,
        removeOnFail: { age: 7 * 24 * 3600 },
      },
    });
  }

  async schedule(jobs: ScheduledJob[]): Promise<void> {
    if (jobs.length === 0) return;
    const now = Date.now();
    await this.queue.addBulk(
      jobs.map((j) => ({
        name: JobName.PublishDelivery,
        data: { deliveryId: j.deliveryId },
        opts: {
          jobId: deliveryJobId(j.deliveryId),
          delay: Math.max(0, j.scheduledAt.getTime() - now),
          ...(j.strike ? {} : { priority: ORDINARY_PRIORITY }),
        },
      })),
    );
  }

  /**
   * Queues many deliveries at once (the end step's resumed posts): addBulk in chunks with the fixed
   * job ids, then, since adding an existing id is a no-op, the ids whose job is missing or dead (a
   * failed job kept from before the strike) are replaced. Returns how many jobs it queued.
   */
  async scheduleAll(jobs: ScheduledJob[], chunk = 2000): Promise<number> {
    for (let i = 0; i < jobs.length; i += chunk) {
      const part = jobs.slice(i, i + chunk);
      await this.schedule(part);
      const dead = new Set(await this.dead(part.map((j) => j.deliveryId)));
      if (dead.size > 0) await this.reschedule(part.filter((j) => dead.has(j.deliveryId)));
    }
    return jobs.length;
  }

  /**
   * Moves a delivery's job to a new time: remove then add, since adding an existing id is a no-op.
   * A job that is running cannot be removed; the worker re-reads the time and defers itself.
   */
  async reschedule(jobs: ScheduledJob[]): Promise<void> {
    await this.unschedule(jobs.map((j) => j.deliveryId));
    await this.schedule(jobs);
  }

  async unschedule(deliveryIds: string[]): Promise<void> {
    for (const id of deliveryIds) {
      const job = await this.queue.getJob(deliveryJobId(id));
      if (!job) continue;
      const state = await job.getState();
      if (state !== 'active') await job.remove().catch(() => undefined /* became active meanwhile: the worker re-checks */);
    }
  }

  /**
   * Removes the jobs of deliveries that no longer need one (held by a strike's start), in chunks
   * sent without waiting for each answer. A job running now is locked and stays: its run re-reads
   * the delivery and stops. Returns how many jobs were removed.
   */
  async discard(deliveryIds: string[], chunk = 1000): Promise<number> {
    let removed = 0;
    for (let i = 0; i < deliveryIds.length; i += chunk) {
      const codes = await Promise.all(deliveryIds.slice(i, i + chunk).map((id) => this.queue.remove(deliveryJobId(id), { removeChildren: false })));
      removed += codes.filter((c) => c === 1).length;
    }
    return removed;
  }

  /**
   * Ids (of those given) with no live job: missing from Redis, or left failed/completed by a run
   * that ended without the delivery reaching a final state (a stall limit, a crash).
   */
  async missing(deliveryIds: string[]): Promise<string[]> {
    const multi = this.connection.multi();
    const base = `${this.config.queue.prefix}:${QueueName.Deliveries}:`;
    for (const id of deliveryIds) {
      const jobId = deliveryJobId(id);
      multi.exists(base + jobId).zscore(`${base}failed`, jobId).zscore(`${base}completed`, jobId);
    }
    const res = (await multi.exec()) ?? [];
    return deliveryIds.filter((_, i) => res[3 * i]?.[1] === 0 || res[3 * i + 1]?.[1] != null || res[3 * i + 2]?.[1] != null);
  }

  /**
   * Ids (of those given) whose job is failed or completed: right after an add, the only ones the add
   * left as they were. Two commands for the whole list (ZMSCORE), where `missing` needs three per id.
   */
  async dead(deliveryIds: string[]): Promise<string[]> {
    if (deliveryIds.length === 0) return [];
    const base = `${this.config.queue.prefix}:${QueueName.Deliveries}:`;
    const jobIds = deliveryIds.map(deliveryJobId);
    const [failed, completed] = await Promise.all([this.connection.zmscore(`${base}failed`, ...jobIds), this.connection.zmscore(`${base}completed`, ...jobIds)]);
    return deliveryIds.filter((_, i) => failed[i] != null || completed[i] != null);
  }

  async ping(): Promise<void> {
    await this.connection.ping();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
    await this.connection.quit().catch(() => undefined);
  }
}
