import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { DeliveriesRepository } from '#database/deliveries.repository.js';
import { DeliveryQueue } from '#queue/delivery-queue.js';

const PAGE = 1000;
// A delivery changed this recently may still be on its way to Redis: a strike's end queues its
// resumed posts in bulk after its commit, for up to seconds. Its job is re-created all the same
// (fixed ids: the second add is a no-op), but it is not reported as lost.
const IN_FLIGHT_MS = 60_000;

/**
 * Postgres is the source of truth: every delivery that should have a job gets one again if Redis
 * lost it (restart without persistence, FLUSHALL, eviction). Overdue ones are enqueued with no delay.
 * Safe to run in several workers at once: job ids are fixed, so a second add is a no-op.
 */
@Injectable()
export class Reconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  private readonly logger = new Logger(Reconciler.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly deliveries: DeliveriesRepository,
    private readonly queue: DeliveryQueue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.reconcile();
    this.timer = setInterval(() => void this.tick(), this.config.reconcileIntervalMs);
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  private async tick(): Promise<void> {
    try {
      await this.reconcile();
    } catch (err) {
      // The next tick tries again; the error is logged, not lost.
      this.logger.error({ err: (err as Error).message }, 'reconcile failed');
    }
  }

  /** Returns how many jobs it re-created. */
  reconcile(): Promise<number> {
    this.running ??= this.scan().finally(() => (this.running = undefined));
    return this.running;
  }

  private async scan(): Promise<number> {
    let restored = 0;
    let recent = 0;
    const recentSince = Date.now() - IN_FLIGHT_MS;
    let after: string | null = null;
    for (;;) {
      const page = await this.deliveries.pendingPage(after, PAGE);
      if (page.length === 0) break;
      after = page[page.length - 1]!.id;
      const missing = new Set(await this.queue.missing(page.map((d) => d.id)));
      const toAdd = page.filter((d) => missing.has(d.id)).map((d) => ({ deliveryId: d.id, scheduledAt: d.scheduledAt, strike: d.strikeId !== null }));
      await this.queue.reschedule(toAdd);
      restored += toAdd.length;
      recent += page.filter((d) => missing.has(d.id) && d.updatedAt.getTime() > recentSince).length;
    }
    if (restored > recent) this.logger.warn({ restored: restored - recent }, 're-created delivery jobs missing from Redis');
    if (recent > 0) this.logger.debug({ restored: recent }, 're-created the jobs of deliveries changed in the last minute (their own step may still have been queueing them)');
    return restored;
  }
}
