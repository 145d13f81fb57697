import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Worker } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { QueueName, type PublishDeliveryJob } from '#queue/contracts.js';
import { createRedis } from '#queue/redis.js';
import { PublishProcessor } from './publish.processor.js';

/** Hosts the BullMQ worker; on shutdown it stops taking jobs and waits for in-flight publishes. */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private worker?: Worker<PublishDeliveryJob>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly processor: PublishProcessor,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(DeliveryWorker.name);
  }

  onApplicationBootstrap(): void {
    const q = this.config.queue;
    this.worker = new Worker<PublishDeliveryJob>(QueueName.Deliveries, (job, token) => this.processor.process(job, token), {
      connection: createRedis(this.config.redis.url),
      prefix: q.prefix,
      concurrency: q.concurrency,
      lockDuration: q.lockDurationMs,
      stalledInterval: q.lockDurationMs,
      maxStalledCount: 5,
    });
    this.worker.on('completed', (job, outcome) =>
      this.logger.info({ deliveryId: job.data.deliveryId, outcome }, 'delivery job done'),
    );
    this.worker.on('failed', (job, err) =>
      this.logger.warn({ deliveryId: job?.data.deliveryId, attempts: job?.attemptsMade, err: err.message }, 'delivery job failed'),
    );
    this.worker.on('error', (err) => this.logger.error({ err: err.message }, 'worker error'));
  }

  async onModuleDestroy(): Promise<void> {
    // close() waits for the jobs in flight: a publish that started is finished and recorded.
    await this.worker?.close();
  }
}
