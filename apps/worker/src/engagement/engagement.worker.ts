import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Worker } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { EngagementRepository } from '#database/engagement.repository.js';
import { QueueName, type PollAccountJob } from '#queue/contracts.js';
import { EngagementQueue } from '#queue/engagement-queue.js';
import { createQueueWorker } from '../queue-worker.js';
import { EngagementPoller } from './engagement.poller.js';

/**
 * Runs the per-account polls, and keeps one job scheduler per tracked account, rebuilt from
 * Postgres every RECONCILE_INTERVAL_MS (after a restart or a Redis loss as well).
 */
@Injectable()
export class EngagementWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(EngagementWorker.name);
  private worker?: Worker<PollAccountJob>;
  private timer?: NodeJS.Timeout;
  private syncing?: Promise<void>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly poller: EngagementPoller,
    private readonly repo: EngagementRepository,
    private readonly queue: EngagementQueue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.worker = createQueueWorker<PollAccountJob>(this.config, QueueName.Engagement, (job) => this.poller.pollAccount(job.data.accountId, new Date()), {
      concurrency: 2,
      minLockMs: 60_000,
      logger: this.logger,
      what: 'engagement poll',
      describe: (job) => ({ accountId: job?.data.accountId }),
    });
    await this.sync();
    this.timer = setInterval(() => void this.sync(), this.config.reconcileIntervalMs);
  }

  sync(): Promise<void> {
    this.syncing ??= this.repo
      .trackedAccounts()
      .then((accounts) => this.queue.sync(accounts))
      .then((added) => {
        if (added > 0) this.logger.log({ added }, 'engagement schedulers added');
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
