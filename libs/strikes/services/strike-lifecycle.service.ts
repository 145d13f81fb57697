import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, type Clock } from '#clock/clock.js';
import { StrikeLifecycleRepository } from '../persistence/strike-lifecycle.repository.js';
import { DeliveryQueue } from '#queue/delivery-queue.js';
import { StrikeQueue } from '#queue/strike-queue.js';

/**
 * What happens at a strike's start and at its end. Called by the start/end jobs at their minute and
 * by the worker's strike clock as a fallback; the state-guarded transactions (the `start` and `end`
 * moves of domain/transitions.ts) make a second call a no-op. The gate does not wait for this: it
 * holds ordinary posts from the decision on.
 *
 * Start: every ordinary post of the scope due before the end is held, held slots get strike
 * messages (domain/planner.ts planSlots), then the strike posts are queued and one occupation job
 * per account (natively scheduled posts, profile, pin). End: every hold gets its fate
 * (planner returnTimes), the returning posts are queued, and each account's profile is restored.
 */
@Injectable()
export class StrikeLifecycleService {
  private readonly logger = new Logger(StrikeLifecycleService.name);

  constructor(
    private readonly strikes: StrikeLifecycleRepository,
    private readonly deliveries: DeliveryQueue,
    private readonly strikeQueue: StrikeQueue,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async start(strikeId: string): Promise<void> {
    const result = await this.strikes.start(strikeId, this.clock.now());
    if (!result.started) return;
    this.logger.log({ strikeId, held: result.held, strikePosts: result.slots.length }, 'strike started');
    await this.deliveries.schedule(result.slots);
    await this.strikeQueue.occupy(strikeId, result.accountIds);
    const strike = await this.strikes.find(strikeId);
    if (strike) await this.strikeQueue.endAt(strikeId, strike.endsAt);
    // Last, once the strike's own work is queued: the held posts' jobs would only find them held.
    // In a burst at the start, thousands of such runs would stand between the workers and the
    // posts of accounts out of scope. The end step queues the returning ones again.
    const removed = await this.deliveries.discard(result.heldIds);
    this.logger.log({ strikeId, removed }, 'held posts taken out of the queue');
  }

  async end(strikeId: string): Promise<void> {
    const result = await this.strikes.end(strikeId, this.clock.now());
    if (!result.ended) return;
    this.logger.log({ strikeId, fates: result.fates }, 'strike ended');
    // Right after the commit, every returning post is queued here, in bulk: the reconciler is only
    // the safety net (for a crash between the commit and this line, or Redis refusing now).
    const queuedAt = performance.now();
    const queued = await this.deliveries.scheduleAll(result.rescheduled);
    this.logger.log({ strikeId, queued, ms: Math.round(performance.now() - queuedAt) }, 'returning posts queued');
    await this.strikeQueue.restore(strikeId, result.accountIds);
  }
}
