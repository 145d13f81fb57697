import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { createRedis, type RedisConnection } from './redis.js';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import {
  FEEDS_TICK_ID,
  feedJobId,
  JobName,
  QueueName,
  WEBHOOKS_TICK_ID,
  webhookJobId,
  type FeedsQueueJob,
  type WebhooksQueueJob,
} from './contracts.js';

/**
 * The feeds and webhooks queues. A job scheduler ticks each; the tick reads from Postgres what is
 * due and adds one job per feed or endpoint with a fixed id, so a tick running twice (two workers)
 * adds nothing twice and losing Redis loses nothing.
 */
@Injectable()
export class AutomationQueues implements OnApplicationShutdown {
  readonly connection: RedisConnection;
  readonly feeds: Queue<FeedsQueueJob>;
  readonly webhooks: Queue<WebhooksQueueJob>;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.connection = createRedis(config.redis.url);
    const defaultJobOptions = { removeOnComplete: true, removeOnFail: true, attempts: 3, backoff: { type: 'exponential', delay: 1000 } };
    this.feeds = new Queue<FeedsQueueJob>(QueueName.Feeds, { connection: this.connection, prefix: config.queue.prefix, defaultJobOptions });
    this.webhooks = new Queue<WebhooksQueueJob>(QueueName.Webhooks, { connection: this.connection, prefix: config.queue.prefix, defaultJobOptions });
  }

  async startTicks(): Promise<void> {
    await this.feeds.upsertJobScheduler(FEEDS_TICK_ID, { every: this.config.feeds.tickMs }, { name: JobName.FeedsTick, data: {} });
    await this.webhooks.upsertJobScheduler(WEBHOOKS_TICK_ID, { every: this.config.webhooks.tickMs }, { name: JobName.WebhooksTick, data: {} });
  }

  async pollFeeds(feedIds: string[]): Promise<void> {
    if (feedIds.length === 0) return;
    await this.feeds.addBulk(feedIds.map((feedId) => ({ name: JobName.PollFeed, data: { feedId }, opts: { jobId: feedJobId(feedId) } })));
  }

  async deliverWebhooks(endpointIds: string[]): Promise<void> {
    if (endpointIds.length === 0) return;
    await this.webhooks.addBulk(
      endpointIds.map((endpointId) => ({ name: JobName.DeliverWebhooks, data: { endpointId }, opts: { jobId: webhookJobId(endpointId) } })),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.feeds.close();
    await this.webhooks.close();
    await this.connection.quit().catch(() => undefined);
  }
}
