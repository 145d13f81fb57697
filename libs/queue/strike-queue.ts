import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { createRedis, type RedisConnection } from './redis.js';
import { endJobId, JobName, occupyJobId, QueueName, rescanJobId, restoreJobId, startJobId, type StrikeQueueJob } from './contracts.js';

/**
 * Producer side of the strikes queue: start and end at their minute, and per-account occupation and
 * restoration. Every job re-checks Postgres, and the worker's strike clock re-adds what Redis lost.
 */
@Injectable()
export class StrikeQueue implements OnApplicationShutdown {
  readonly queue: Queue<StrikeQueueJob>;
  private readonly connection: RedisConnection;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.connection = createRedis(config.redis.url);
    this.queue = new Queue<StrikeQueueJob>(QueueName.Strikes, {
      connection: this.connection,
      prefix: config.queue.prefix,
      defaultJobOptions: {
        attempts: config.queue.attempts,
        backoff: { type: 'exponential', delay: config.queue.backoffMs },
        removeOnComplete: true,
        // A failed job is recorded in Postgres; removing it lets the clock add it again later.
        removeOnFail: true,
      },
    });
  }

  async startAt(strikeId: string, at: Date): Promise<void> {
    await this.queue.add(JobName.StartStrike, { strikeId }, { jobId: startJobId(strikeId), delay: Math.max(0, at.getTime() - Date.now()) });
  }

  /** The end job's id carries the end time, so an extension or a stop adds a new job instead of a no-op. */
  async endAt(strikeId: string, at: Date): Promise<void> {
    await this.queue.add(JobName.EndStrike, { strikeId }, { jobId: endJobId(strikeId, at), delay: Math.max(0, at.getTime() - Date.now()) });
  }

  async occupy(strikeId: string, accountIds: string[]): Promise<void> {
    await this.queue.addBulk(
      accountIds.map((accountId) => ({ name: JobName.OccupyAccount, data: { strikeId, accountId }, opts: { jobId: occupyJobId(strikeId, accountId) } })),
    );
  }

  /** One rescan per account and round: several workers asking for the same round add one job. */
  async rescanNative(accounts: { strikeId: string; accountId: string }[], round: number): Promise<void> {
    await this.queue.addBulk(
      accounts.map((a) => ({ name: JobName.RescanNative, data: a, opts: { jobId: rescanJobId(a.strikeId, a.accountId, round) } })),
    );
  }

  async restore(strikeId: string, accountIds: string[]): Promise<void> {
    await this.queue.addBulk(
      accountIds.map((accountId) => ({ name: JobName.RestoreAccount, data: { strikeId, accountId }, opts: { jobId: restoreJobId(strikeId, accountId) } })),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
    await this.connection.quit().catch(() => undefined);
  }
}
