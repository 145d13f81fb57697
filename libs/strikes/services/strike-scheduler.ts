import { Injectable, Logger } from '@nestjs/common';
import { StrikeLifecycleRepository } from '../persistence/strike-lifecycle.repository.js';
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
    // Postgres is read first and on its own: its errors are not the queue's, and are logged as what they are.
    let strike: Awaited<ReturnType<StrikeLifecycleRepository['find']>>;
    let pending: Awaited<ReturnType<StrikeLifecycleRepository['pendingDeliveries']>>;
    try {
      strike = await this.strikes.find(strikeId);
      if (!strike) return;
      pending = await this.strikes.pendingDeliveries(strikeId);
    } catch (err) {
      this.logger.warn(`Could not read strike ${strikeId} from Postgres to schedule it; the worker's clock will: ${(err as Error).message}`);
      return;
    }
    try {
      if (strike.state === 'approved' && strike.effectiveFrom) await this.strikeQueue.startAt(strike.id, strike.effectiveFrom);
      if (strike.state === 'approved' || strike.state === 'running') await this.strikeQueue.endAt(strike.id, strike.endsAt);
      await this.deliveries.reschedule(pending);
    } catch (err) {
      this.logger.warn(`Queue unavailable; the worker's clock will schedule strike ${strikeId}: ${(err as Error).message}`);
    }
  }
}
