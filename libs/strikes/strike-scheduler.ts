import { Injectable, Logger } from '@nestjs/common';
import { StrikeLifecycleRepository } from '#database/strike-lifecycle.repository.js';
import { DeliveryQueue } from '#queue/delivery-queue.js';
import { StrikeQueue } from '#queue/strike-queue.js';

/**
 * After a decision commits: puts the strike's start and end jobs and its posts in the queue at once.
 * Best effort by design: the decision is already in Postgres, and the worker's strike clock and
 * reconciler add whatever this could not.
 */
@Injectable()
export class StrikeScheduler {
  private readonly logger = new Logger(StrikeScheduler.name);

  constructor(
    private readonly strikes: StrikeLifecycleRepository,
    private readonly strikeQueue: StrikeQueue,
    private readonly deliveries: DeliveryQueue,
  ) {}

  async kick(strikeId: string): Promise<void> {
    try {
      const strike = await this.strikes.find(strikeId);
      if (!strike) return;
      if (strike.state === 'approved' && strike.effectiveFrom) await this.strikeQueue.startAt(strike.id, strike.effectiveFrom);
      if (strike.state === 'approved' || strike.state === 'running') await this.strikeQueue.endAt(strike.id, strike.endsAt);
      await this.deliveries.reschedule(await this.strikes.pendingDeliveries(strikeId));
    } catch (err) {
      this.logger.warn(`Queue unavailable; the worker's clock will schedule strike ${strikeId}: ${(err as Error).message}`);
    }
  }
}
