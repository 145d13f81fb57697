import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { CLOCK, type Clock } from '#clock/clock.js';
import { OccupationsRepository } from '../persistence/occupations.repository.js';
import { StrikeLifecycleRepository } from '../persistence/strike-lifecycle.repository.js';
import { StrikeQueue } from '#queue/strike-queue.js';
import { StrikeLifecycleService } from './strike-lifecycle.service.js';

/**
 * The strikes' safety net: from Postgres alone it starts what should have started, ends what should
 * have ended, and puts back every start, end and occupation job Redis lost. Several workers may run
 * it at once: every step is guarded by the strike's state and every job id is fixed.
 */
@Injectable()
export class StrikeClock implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private lastRound = -1;

  private readonly logger = new Logger(StrikeClock.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly strikes: StrikeLifecycleRepository,
    private readonly occupations: OccupationsRepository,
    private readonly queue: StrikeQueue,
    private readonly runner: StrikeLifecycleService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.config.reconcileIntervalMs);
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  tick(): Promise<void> {
    this.running ??= this.run()
      .catch((err: unknown) => this.logger.error({ err: (err as Error).message }, 'strike clock failed; next tick retries'))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(): Promise<void> {
    const now = this.clock.now();
    const { toStart, toEnd } = await this.strikes.due(now);
    for (const id of toStart) await this.runner.start(id);
    for (const id of toEnd) await this.runner.end(id);
    for (const s of await this.strikes.upcoming()) {
      if (s.state === 'approved' && s.effectiveFrom) await this.queue.startAt(s.id, s.effectiveFrom);
      await this.queue.endAt(s.id, s.endsAt);
    }
    // Other tools may schedule posts into the window while it runs: park those too, in rounds.
    const round = Math.floor(now.getTime() / this.config.nativeScanIntervalMs);
    if (round !== this.lastRound) {
      await this.queue.rescanNative(await this.occupations.occupied(), round);
      this.lastRound = round;
    }
    const waiting = await this.occupations.waiting();
    for (const o of waiting.occupy) await this.queue.occupy(o.strikeId, [o.accountId]);
    for (const o of waiting.restore) await this.queue.restore(o.strikeId, [o.accountId]);
  }
}
