import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { DecisionsService } from './decisions.service.js';

/**
 * Counts secret ballots when their set close comes, every RECONCILE_INTERVAL_MS (reads of a
 * motion count a due ballot too). Each close is one locked transaction, so several API processes
 * may run this clock: a ballot is decided once.
 */
@Injectable()
export class BallotClock implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('BallotClock');
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly decisions: DecisionsService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.config.reconcileIntervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.decisions.closeDueBallots();
    } catch (err) {
      this.logger.error(`Closing due ballots failed: ${(err as Error).message}`);
    } finally {
      this.running = false;
    }
  }
}
