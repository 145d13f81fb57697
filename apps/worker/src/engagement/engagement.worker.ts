import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Worker } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { EngagementRepository } from '#database/engagement.repository.js';
import { QueueName, type PollAccountJob } from '#queue/contracts.js';
import { EngagementQueue } from '#queue/engagement-queue.js';
import { createRedis } from '#queue/redis.js';
import { EngagementPoller } from './engagement.poller.js';

/**
 * Runs the per-account polls, and keeps one job scheduler per tracked account, rebuilt from
 * Postgres every RECONCILE_INTERVAL_MS (after a restart or a Redis loss as well).
 */
@Injectable()
export class EngagementWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private worker?: Worker<PollAccountJob>;
  private timer?: NodeJS.Timeout;
  private syncing?: Promise<void>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly poller: EngagementPoller,
    private readonly repo: EngagementRepository,
    private readonly queue: EngagementQueue,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(EngagementWorker.name);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.worker = new Worker<PollAccountJob>(QueueName.Engagement, (job) => this.poller.pollAccount(job.data.accountId, new Date()), {
      connection: createRedis(this.config.redis.url),
      prefix: this.config.queue.prefix,
      concurrency: 2,
      lockDuration: Math.max(this.config.queue.lockDurationMs, 60_000),
    });
    this.worker.on('failed', (job, err) => this.logger.warn({ accountId: job?.data.accountId, err: err.message }, 'engagement poll failed'));
    this.worker.on('error', (err) => this.logger.error({ err: err.message }, 'engagement worker error'));
    await this.sync();
    this.timer = setInterval(() => void this.sync(), this.config.reconcileIntervalMs);
  }

  sync(): Promise<void> {
    this.syncing ??= this.repo
      .trackedAccounts()
      .then((accounts) => this.queue.sync(accounts))
      .then((added) => {
        if (added > 0) this.logger.info({ added }, 'engagement schedulers added');
      })
      .catch((err: unknown) => this.logger.error({ err: (err as Error).message }, 'engagement scheduler sync failed; next tick retries'))
      .finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.syncing;
    await this.worker?.close();
  }
}
