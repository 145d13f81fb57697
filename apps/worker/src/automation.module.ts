import { Module } from '@nestjs/common';
import { FeedPollingRepository } from '#database/feed-polling.repository.js';
import { AutomationQueues } from '#queue/automation-queues.js';
import { FeedFetcher } from './feeds/feed-fetcher.js';
import { FeedPollProcessor } from './feeds/feed-poll.processor.js';
import { FeedsWorker } from './feeds/feeds.worker.js';
import { WebhookOutboxRepository } from '#database/webhook-outbox.repository.js';
import { WebhookSenderProcessor } from './webhooks/webhook-sender.processor.js';
import { WebhooksWorker } from './webhooks/webhooks.worker.js';

/**
 * The automation around the queue: feeds read on a schedule and turned into posts, and webhook
 * events sent to the organisation's other tools (CoreModule is global: Prisma, queues, networks).
 */
@Module({
  providers: [AutomationQueues, FeedPollingRepository, FeedFetcher, FeedPollProcessor, FeedsWorker, WebhookOutboxRepository, WebhookSenderProcessor, WebhooksWorker],
})
export class AutomationModule {}
