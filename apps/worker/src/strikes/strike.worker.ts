import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Worker } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { JobName, QueueName, type StrikeQueueJob } from '#queue/contracts.js';
import { dispatchStrikeJob, type StrikeJobHandlers } from '#strikes/jobs/strike-jobs.js';
import { createQueueWorker } from '../queue-worker.js';
import { OccupationProcessor } from './occupation.processor.js';
import { StrikeLifecycleService } from '#strikes/services/strike-lifecycle.service.js';

/** Hosts the strikes queue's worker: start, end, and the per-account occupation jobs. */
@Injectable()
export class StrikeWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private worker?: Worker<StrikeQueueJob, string, string>;

  private readonly logger = new Logger(StrikeWorker.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly lifecycle: StrikeLifecycleService,
    private readonly occupations: OccupationProcessor,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = createQueueWorker<StrikeQueueJob, string, string>(this.config, QueueName.Strikes, (job, token) => dispatchStrikeJob(this.handlers, job, token), {
      concurrency: 4,
      minLockMs: 30_000,
      logger: this.logger,
      what: 'strike',
      describe: (job) => ({ job: job?.id }),
    });
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
