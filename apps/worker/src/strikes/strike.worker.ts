import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DelayedError, type Job, Worker } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { JobName, QueueName, type StrikeQueueJob } from '#queue/contracts.js';
import { dispatchStrikeJob, type StrikeJobHandlers } from '#strikes/jobs/strike-jobs.js';
import { OccupationService, type OccupationWait } from '#strikes/services/occupation.service.js';
import type { Attempt } from '#strikes/services/occupation-steps.js';
import { createQueueWorker } from '../queue-worker.js';
import { StrikeLifecycleService } from '#strikes/services/strike-lifecycle.service.js';

/** The last attempt records its failure as final (the services decide; the queue only counts). */
const attemptOf = (job: Job): Attempt => ({ last: job.attemptsMade + 1 >= (job.opts.attempts ?? 1) });

/** Hosts the strikes queue's worker: start, end, and the per-account occupation jobs. */
@Injectable()
export class StrikeWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private worker?: Worker<StrikeQueueJob, string, string>;

  private readonly logger = new Logger(StrikeWorker.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly lifecycle: StrikeLifecycleService,
    private readonly occupations: OccupationService,
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
    [JobName.OccupyAccount]: async (job, token) => this.delayIfWaiting(job, token, await this.occupations.occupy(job.data, attemptOf(job))),
    [JobName.RescanNative]: (job) => this.occupations.rescan(job.data, attemptOf(job)),
    [JobName.RestoreAccount]: (job) => this.occupations.restore(job.data, attemptOf(job)),
  };

  /** An occupation waiting for its opening post runs again later, without using an attempt. */
  private async delayIfWaiting(job: Job, token: string | undefined, outcome: string | OccupationWait): Promise<string> {
    if (typeof outcome === 'string') return outcome;
    await job.moveToDelayed(outcome.waitUntil.getTime(), token);
    throw new DelayedError();
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
  }
}
