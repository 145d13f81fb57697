import { Inject, Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { DeliveryQueue } from '#queue/delivery-queue.js';
import { EngagementQueue } from '#queue/engagement-queue.js';
import { ATTEMPTS_BUCKETS, PUBLISH_SECONDS_BUCKETS, PublishMetrics } from '#queue/metrics.js';
import { StrikeQueue } from '#queue/strike-queue.js';
import { MetricsRepository } from './metrics.repository.js';

const JOB_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed'] as const;

/**
 * Prometheus figures for operators: queue depths (Redis), deliveries, strikes and holds (Postgres),
 * and the workers' publish figures (summed by all workers in Redis, see PublishMetrics), plus this
 * API process's own (prom-client defaults). Read at scrape time, nothing kept between scrapes.
 */
@Injectable()
export class MetricsService {
  private readonly registry = new Registry();
  private readonly queueJobs = new Gauge({ name: 'piquet_queue_jobs', help: 'Jobs in each BullMQ queue, by state', labelNames: ['queue', 'state'], registers: [this.registry] });
  private readonly deliveries = new Gauge({ name: 'piquet_deliveries', help: 'Deliveries by state (Postgres)', labelNames: ['state'], registers: [this.registry] });
  private readonly strikes = new Gauge({ name: 'piquet_strikes', help: 'Strikes by state', labelNames: ['state'], registers: [this.registry] });
  private readonly holds = new Gauge({ name: 'piquet_holds_pending', help: 'Posts held by each approved or running strike', labelNames: ['strike_id'], registers: [this.registry] });
  private readonly outcomes = new Counter({ name: 'piquet_publish_jobs_total', help: 'Publish job runs by outcome, all workers', labelNames: ['outcome'], registers: [this.registry] });
  private readonly gate = new Counter({ name: 'piquet_gate_decisions_total', help: "The gate's answers right before a network call (pass, hold, cancel), all workers", labelNames: ['decision'], registers: [this.registry] });

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: MetricsRepository,
    private readonly deliveryQueue: DeliveryQueue,
    private readonly strikeQueue: StrikeQueue,
    private readonly engagementQueue: EngagementQueue,
    private readonly publish: PublishMetrics,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'piquet_api_' });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  async render(): Promise<string> {
    const queues = { deliveries: this.deliveryQueue.queue, strikes: this.strikeQueue.queue, engagement: this.engagementQueue.queue };
    const [counts, deliveries, strikes, holds, published] = await Promise.all([
      Promise.all(Object.entries(queues).map(async ([name, q]) => [name, await q.getJobCounts(...JOB_STATES)] as const)),
      this.repo.deliveriesByState(),
      this.repo.strikesByState(),
      this.repo.pendingHoldsByStrike(),
      this.publish.read(),
    ]);
    this.queueJobs.reset();
    for (const [queue, byState] of counts) for (const state of JOB_STATES) this.queueJobs.set({ queue, state }, byState[state] ?? 0);
    this.deliveries.reset();
    for (const d of deliveries) this.deliveries.set({ state: d.state }, d.count);
    this.strikes.reset();
    for (const s of strikes) this.strikes.set({ state: s.state }, s.count);
    this.holds.reset();
    for (const h of holds) this.holds.set({ strike_id: h.strikeId }, h.count);
    this.outcomes.reset();
    this.gate.reset();
    for (const [field, value] of published) {
      const [kind, name] = field.split(':');
      if (kind === 'outcome' && name) this.outcomes.inc({ outcome: name }, value);
      if (kind === 'gate' && name) this.gate.inc({ decision: name }, value);
    }
    return (await this.registry.metrics()) + histograms(published);
  }
}

/** The workers' histograms, summed in Redis: written out in the exposition format by hand. */
function histograms(fields: Map<string, number>): string {
  const get = (f: string) => fields.get(f) ?? 0;
  const lines: string[] = [];
  const histogram = (name: string, help: string, prefix: string, buckets: number[], sum: number) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`);
    let cumulative = 0;
    for (const b of buckets) {
      cumulative += get(`${prefix}:le:${b}`);
      lines.push(`${name}_bucket{le="${b}"} ${cumulative}`);
    }
    cumulative += get(`${prefix}:le:+Inf`);
    lines.push(`${name}_bucket{le="+Inf"} ${cumulative}`, `${name}_sum ${sum}`, `${name}_count ${cumulative}`);
  };
  histogram('piquet_publish_seconds', 'From the claim to the recorded publication, all workers', 'seconds', PUBLISH_SECONDS_BUCKETS, get('seconds:sum_ms') / 1000);
  histogram('piquet_publish_attempts', 'The attempt that published each delivery, all workers', 'attempts', ATTEMPTS_BUCKETS, get('attempts:sum'));
  return `${lines.join('\n')}\n`;
}
