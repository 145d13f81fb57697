import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Worker } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { JobName, QueueName, type StrikeQueueJob } from '#queue/contracts.js';
import { dispatchStrikeJob, type StrikeJobHandlers } from '#strikes/jobs/strike-jobs.js';
import { createRedis } from '#queue/redis.js';
import { OccupationProcessor } from './occupation.processor.js';
import { StrikeLifecycleService } from '#strikes/services/strike-lifecycle.service.js';

/** Hosts the strikes queue's worker: start, end, and the per-account occupation jobs. */
@Injectable()
export class StrikeWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private worker?: Worker<StrikeQueueJob, string, string>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly lifecycle: StrikeLifecycleService,
    private readonly occupations: OccupationProcessor,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(StrikeWorker.name);
  }

  onApplicationBootstrap(): void {
    this.worker = new Worker<StrikeQueueJob, string, string>(QueueName.Strikes, (job, token) => dispatchStrikeJob(this.handlers, job, token), {
      connection: createRedis(this.config.redis.url),
      prefix: this.config.queue.prefix,
      concurrency: 4,
      lockDuration: Math.max(this.config.queue.lockDurationMs, 30_000),
    });
    this.worker.on('failed', (job, err) => this.logger.warn({ job: job?.id, attempts: job?.attemptsMade, err: err.message }, 'strike job failed'));
    this.worker.on('error', (err) => this.logger.error({ err: err.message }, 'strike worker error'));
  }

  /** One handler per job name: the compiler refuses a job of the strikes queue without one. */
  private readonly handlers: StrikeJobHandlers = {
    [JobName.StartStrike]: async (job) => {
      await this.lifecycle.start(job.data.strikeId);
      return 'started';
    },
    [JobName.EndStrike]: async (job) => {
      await this.lifecycle.end(job.data.strikeId);
      return 'ended';
    },
    [JobName.OccupyAccount]: (job, token) => this.occupations.occupy(job, token),
    [JobName.RescanNative]: (job) => this.occupations.rescan(job),
    [JobName.RestoreAccount]: (job) => this.occupations.restore(job),
  };

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
  }
}
