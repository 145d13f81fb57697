import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { createRedis, type RedisConnection } from './redis.js';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { JobName, pollSchedulerId, QueueName, type PollAccountJob } from './contracts.js';

/**
 * The engagement queue: a BullMQ job scheduler per account polls it every tick. Which accounts
 * need one is decided from Postgres each time, so losing Redis loses no schedule.
 */
@Injectable()
export class EngagementQueue implements OnApplicationShutdown {
  readonly queue: Queue<PollAccountJob>;
  private readonly connection: RedisConnection;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.connection = createRedis(config.redis.url);
    this.queue = new Queue<PollAccountJob>(QueueName.Engagement, {
      connection: this.connection,
      prefix: config.queue.prefix,
      defaultJobOptions: { removeOnComplete: true, removeOnFail: { age: 24 * 3600 } },
    });
  }

  /** Makes the set of schedulers match the accounts given; returns how many it added. */
  async sync(accountIds: string[]): Promise<number> {
    const wanted = new Set(accountIds.map(pollSchedulerId));
    const existing = await this.queue.getJobSchedulers(0, -1);
    const have = new Set(existing.map((s) => s.key));
    for (const s of existing) if (!wanted.has(s.key)) await this.queue.removeJobScheduler(s.key);
    let added = 0;
    for (const accountId of accountIds) {
      if (have.has(pollSchedulerId(accountId))) continue;
      await this.queue.upsertJobScheduler(
        pollSchedulerId(accountId),
        { every: this.config.engagement.tickMs },
        { name: JobName.PollAccount, data: { accountId } },
      );
      added++;
    }
    return added;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
    await this.connection.quit().catch(() => undefined);
  }
}
