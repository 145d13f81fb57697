import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { StrikeLifecycleRepository } from '#database/strike-lifecycle.repository.js';
import { DeliveryQueue } from '#queue/delivery-queue.js';
import { StrikeQueue } from '#queue/strike-queue.js';

const ENQUEUE_CHUNK = 1000;

/**
 * Starts and ends strikes. Called by the start/end jobs at their minute and by the strike clock as a
 * fallback; the state-guarded transactions make a second call a no-op. The gate does not wait for
 * this: it holds ordinary posts from the decision on.
 */
@Injectable()
export class StrikeRunner {
  constructor(
    private readonly strikes: StrikeLifecycleRepository,
    private readonly deliveries: DeliveryQueue,
    private readonly strikeQueue: StrikeQueue,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(StrikeRunner.name);
  }

  async start(strikeId: string): Promise<void> {
    const result = await this.strikes.start(strikeId, new Date());
    if (!result.started) return;
    this.logger.info({ strikeId, held: result.held, strikePosts: result.slots.length }, 'strike started');
    await this.deliveries.schedule(result.slots);
    await this.strikeQueue.occupy(strikeId, result.accountIds);
    const strike = await this.strikes.find(strikeId);
    if (strike) await this.strikeQueue.endAt(strikeId, strike.endsAt);
  }

  async end(strikeId: string): Promise<void> {
    const result = await this.strikes.end(strikeId, new Date());
    if (!result.ended) return;
    this.logger.info({ strikeId, fates: result.fates }, 'strike ended');
    for (let i = 0; i < result.rescheduled.length; i += ENQUEUE_CHUNK) {
      await this.deliveries.schedule(result.rescheduled.slice(i, i + ENQUEUE_CHUNK));
    }
    await this.strikeQueue.restore(strikeId, result.accountIds);
  }
}
