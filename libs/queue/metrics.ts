import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { DeliveryQueue } from './delivery-queue.js';

/** Upper bounds (seconds) of the publish duration histogram. */
export const PUBLISH_SECONDS_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Upper bounds of the attempts histogram (the attempt that published). */
export const ATTEMPTS_BUCKETS = [1, 2, 3, 5, 8];
const FLUSH_MS = 2000;

export type PublishOutcomeName = 'published' | 'held' | 'skipped' | 'deferred' | 'failed';
export type GateDecision = 'pass' | 'hold' | 'cancel';

/**
 * The worker's publish figures, summed over every worker process in one Redis hash (the API's
 * /metrics reads it, so one scrape sees the whole fleet). Counted in memory and written every 2 s in
 * one round trip, so a publish costs no extra Redis call.
 */
@Injectable()
export class PublishMetrics implements OnModuleDestroy {
  private readonly key: string;
  private pending = new Map<string, number>();
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly queue: DeliveryQueue,
  ) {
    this.key = `${config.queue.prefix}:metrics:publish`;
  }

  outcome(outcome: PublishOutcomeName): void {
    this.inc(`outcome:${outcome}`);
  }

  gate(decision: GateDecision): void {
    this.inc(`gate:${decision}`);
  }

  /** A publication: how long the job took from its claim, and which attempt it was. */
  published(seconds: number, attempt: number): void {
    this.inc('seconds:count');
    this.inc('seconds:sum_ms', Math.round(seconds * 1000));
    this.inc(`seconds:le:${PUBLISH_SECONDS_BUCKETS.find((b) => seconds <= b) ?? '+Inf'}`);
    this.inc(`attempts:le:${ATTEMPTS_BUCKETS.find((b) => attempt <= b) ?? '+Inf'}`);
    this.inc('attempts:sum', attempt);
  }

  /** Every field summed so far over all workers (what the API exposes). */
  async read(): Promise<Map<string, number>> {
    const raw = await this.queue.connection.hgetall(this.key);
    return new Map(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
  }

  async onModuleDestroy(): Promise<void> {
    clearTimeout(this.timer);
    await this.flush();
  }

  private inc(field: string, by = 1): void {
    this.pending.set(field, (this.pending.get(field) ?? 0) + by);
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS).unref();
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const multi = this.queue.connection.multi();
    for (const [field, by] of batch) multi.hincrby(this.key, field, by);
    // Figures only: lost when Redis refuses them, never in the publish path's way.
    await multi.exec().catch(() => undefined);
  }
}
