import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Job, Worker } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { FeedPollingRepository } from '#database/feed-polling.repository.js';
import { AutomationQueues } from '#queue/automation-queues.js';
import { JobName, QueueName, type FeedsQueueJob, type PollFeedJob } from '#queue/contracts.js';
import { createQueueWorker } from '../queue-worker.js';
import { FeedPollProcessor } from './feed-poll.processor.js';

/** Feeds due at most per tick (the rest wait for the next one). */
const TICK_BATCH = 5000;
const LEASE_MS = (c: AppConfig) => Math.max(60_000, c.networks.timeoutMs * 4);

/** The feeds queue: a tick adds a poll job for each feed due (fixed ids), the polls run here. */
@Injectable()
export class FeedsWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(FeedsWorker.name);
  private worker?: Worker<FeedsQueueJob>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: FeedPollingRepository,
    private readonly queues: AutomationQueues,
    private readonly processor: FeedPollProcessor,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.worker = createQueueWorker<FeedsQueueJob>(this.config, QueueName.Feeds, (job) => this.handle(job), {
      concurrency: 16,
      minLockMs: this.config.networks.timeoutMs * 2,
      logger: this.logger,
      what: 'feeds',
      describe: (job) => ({ job: job?.name, data: job?.data }),
    });
    await this.queues.startTicks();
  }

  private async handle(job: Job<FeedsQueueJob>): Promise<unknown> {
    if (job.name === JobName.FeedsTick) {
      // A poll takes at most the timeout (and its host's queue): past twice that, it was lost.
      const now = new Date();
      const due = await this.repo.claimDue(now, new Date(now.getTime() + LEASE_MS(this.config)), TICK_BATCH);
      await this.queues.pollFeeds(due);
      return due.length;
    }
    if (job.name === JobName.PollFeed) return this.processor.poll((job.data as PollFeedJob).feedId);
    throw new Error(`Unknown job ${job.name}`);
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
  }
}
