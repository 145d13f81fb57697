import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Worker } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { QueueName, type PublishDeliveryJob } from '#queue/contracts.js';
import { PublishProcessor } from './publish.processor.js';
import { createQueueWorker } from './queue-worker.js';

/** Hosts the BullMQ worker; on shutdown it stops taking jobs and waits for in-flight publishes. */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DeliveryWorker.name);
  private worker?: Worker<PublishDeliveryJob>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly processor: PublishProcessor,
  ) {}

  onApplicationBootstrap(): void {
    const q = this.config.queue;
    this.worker = createQueueWorker<PublishDeliveryJob>(this.config, QueueName.Deliveries, (job, token) => this.processor.process(job, token), {
      concurrency: q.concurrency,
      // BullMQ moves a job back at the first check after its lock ran out, if an earlier check had
      // already seen it active: checking twice per lock hands a killed worker's jobs back within
      // 1.5 locks instead of 2. A check is one short script; no live job's lock is any shorter.
      settings: { stalledInterval: Math.max(250, Math.floor(q.lockDurationMs / 2)), maxStalledCount: 5 },
      logger: this.logger,
      what: 'delivery',
      describe: (job) => ({ deliveryId: job?.data.deliveryId }),
    });
    this.worker.on('completed', (job, outcome) => this.logger.log({ deliveryId: job.data.deliveryId, outcome }, 'delivery job done'));
  }

  async onModuleDestroy(): Promise<void> {
    // close() waits for the jobs in flight: a publish that started is finished and recorded.
    await this.worker?.close();
  }
}
