import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { type Job, Worker } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { JobName, QueueName, type AccountOccupationJob, type StrikeJob, type StrikeQueueJob } from '#queue/contracts.js';
import { createRedis } from '#queue/redis.js';
import { OccupationProcessor } from './occupation.processor.js';
import { StrikeRunner } from './strike-runner.js';

/** Hosts the strikes queue's worker: start, end, and the per-account occupation jobs. */
@Injectable()
export class StrikeWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private worker?: Worker<StrikeQueueJob>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly runner: StrikeRunner,
    private readonly occupations: OccupationProcessor,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(StrikeWorker.name);
  }

  onApplicationBootstrap(): void {
    this.worker = new Worker<StrikeQueueJob>(QueueName.Strikes, (job, token) => this.process(job, token), {
      connection: createRedis(this.config.redis.url),
      prefix: this.config.queue.prefix,
      concurrency: 4,
      lockDuration: Math.max(this.config.queue.lockDurationMs, 30_000),
    });
    this.worker.on('failed', (job, err) => this.logger.warn({ job: job?.id, attempts: job?.attemptsMade, err: err.message }, 'strike job failed'));
    this.worker.on('error', (err) => this.logger.error({ err: err.message }, 'strike worker error'));
  }

  private async process(job: Job<StrikeQueueJob>, token: string | undefined): Promise<string> {
    switch (job.name) {
      case JobName.StartStrike:
        await this.runner.start((job.data as StrikeJob).strikeId);
        return 'started';
      case JobName.EndStrike:
        await this.runner.end((job.data as StrikeJob).strikeId);
        return 'ended';
      case JobName.OccupyAccount:
        return this.occupations.occupy(job as Job<AccountOccupationJob>, token);
      case JobName.RescanNative:
        return this.occupations.rescan(job as Job<AccountOccupationJob>);
      case JobName.RestoreAccount:
        return this.occupations.restore(job as Job<AccountOccupationJob>);
      default:
        throw new Error(`Unknown strike job ${job.name}`);
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
  }
}
