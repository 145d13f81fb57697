import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { WebhookOutboxRepository } from '#database/webhook-outbox.repository.js';
import { AutomationQueues } from '#queue/automation-queues.js';
import { JobName, QueueName, type DeliverWebhooksJob, type WebhooksQueueJob } from '#queue/contracts.js';
import { createRedis } from '#queue/redis.js';
import { WebhookSenderProcessor } from './webhook-sender.processor.js';

/** The webhooks queue: a tick adds one sender job per endpoint with events due (fixed ids: one sender per endpoint). */
@Injectable()
export class WebhooksWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private worker?: Worker<WebhooksQueueJob>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: WebhookOutboxRepository,
    private readonly queues: AutomationQueues,
    private readonly sender: WebhookSenderProcessor,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(WebhooksWorker.name);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.worker = new Worker<WebhooksQueueJob>(QueueName.Webhooks, (job) => this.handle(job), {
      connection: createRedis(this.config.redis.url),
      prefix: this.config.queue.prefix,
      concurrency: 16,
      lockDuration: Math.max(this.config.queue.lockDurationMs, this.config.networks.timeoutMs * 2),
    });
    this.worker.on('failed', (job, err) => this.logger.warn({ job: job?.name, data: job?.data, err: err.message }, 'webhooks job failed'));
    this.worker.on('error', (err) => this.logger.error({ err: err.message }, 'webhooks worker error'));
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
