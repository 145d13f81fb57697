import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Job, Worker } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { WebhookOutboxRepository } from '#database/webhook-outbox.repository.js';
import { AutomationQueues } from '#queue/automation-queues.js';
import { JobName, QueueName, type DeliverWebhooksJob, type WebhooksQueueJob } from '#queue/contracts.js';
import { createQueueWorker } from '../queue-worker.js';
import { WebhookSenderProcessor } from './webhook-sender.processor.js';

/** The webhooks queue: a tick adds one sender job per endpoint with events due (fixed ids: one sender per endpoint). */
@Injectable()
export class WebhooksWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WebhooksWorker.name);
  private worker?: Worker<WebhooksQueueJob>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: WebhookOutboxRepository,
    private readonly queues: AutomationQueues,
    private readonly sender: WebhookSenderProcessor,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.worker = createQueueWorker<WebhooksQueueJob>(this.config, QueueName.Webhooks, (job) => this.handle(job), {
      concurrency: 16,
      minLockMs: this.config.networks.timeoutMs * 2,
      logger: this.logger,
      what: 'webhooks',
      describe: (job) => ({ job: job?.name, data: job?.data }),
    });
  }

  private async handle(job: Job<WebhooksQueueJob>): Promise<unknown> {
    if (job.name === JobName.WebhooksTick) {
      const due = await this.repo.dueEndpoints(new Date(), 5000);
      await this.queues.deliverWebhooks(due);
      return due.length;
    }
    if (job.name === JobName.DeliverWebhooks) return this.sender.send((job.data as DeliverWebhooksJob).endpointId);
    throw new Error(`Unknown job ${job.name}`);
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
  }
}
