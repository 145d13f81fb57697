import { Inject, Injectable, Logger } from '@nestjs/common';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { AccountConnections } from '#networks/account-connections.js';
import { DeliveriesRepository, type PublishWork } from '#database/deliveries.repository.js';
import type { PublishDeliveryJob } from '#queue/contracts.js';
import { NetworkError, NetworkRateLimitedError } from '#networks/errors.js';
import type { AccountConnection } from '#networks/network-adapter.js';
import { NetworkRegistry } from '#networks/network-registry.js';
import { GateRepository } from '#database/gate.repository.js';
import { firstSnapshotAt } from '#engagement/schedule.js';
import { DeliveryQueue, type ScheduledJob } from '#queue/delivery-queue.js';

// A held delivery waits for its strike's end, where it gets its fate: no job may publish it before.
const TERMINAL = new Set(['published', 'failed', 'cancelled', 'held']);
const VOID_STRIKE_STATES = new Set(['proposed', 'rejected', 'cancelled']);

export type PublishOutcome = 'published' | 'skipped' | 'held';

/**
 * Publishes one delivery. Every run reloads the delivery and re-checks it, claims it in Postgres
 * (one holder at a time), and publishes with the delivery id as idempotency key, so neither a
 * retry, a second worker nor a crash between the network call and the database write can post twice.
 */
@Injectable()
export class PublishProcessor {
  private readonly logger = new Logger(PublishProcessor.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly deliveries: DeliveriesRepository,
    private readonly networks: NetworkRegistry,
    private readonly connections: AccountConnections,
    private readonly gate: GateRepository,
    private readonly queue: DeliveryQueue,
  ) {}

  async process(job: Job<PublishDeliveryJob>, token: string | undefined): Promise<PublishOutcome> {
    const { deliveryId } = job.data;
    const delivery = await this.deliveries.find(deliveryId);
    if (!delivery || TERMINAL.has(delivery.state)) return 'skipped';

    // Rescheduled later while this job was queued or running: follow the delivery, not the job.
    if (delivery.scheduledAt.getTime() > Date.now()) return this.deferUntil(job, token, delivery.scheduledAt);

    const claim = randomUUID();
    if (!(await this.deliveries.claim(deliveryId, claim, this.config.queue.publishLeaseMs))) {
      const now = await this.deliveries.find(deliveryId);
      if (now?.state === 'publishing') {
        // Someone else holds it (or a crashed holder's lease has not run out yet): look again after.
        return this.deferUntil(job, token, new Date(Date.now() + this.config.queue.publishLeaseMs));
      }
      return 'skipped';
    }

    // Loaded after the claim: an edit that committed before the claim is what gets published.
    const work = await this.deliveries.loadWork(deliveryId);
    if (!work) return 'skipped';
    const limitedUntil = work.account.rateLimitedUntil;
    if (limitedUntil && limitedUntil.getTime() > Date.now()) {
      await this.deliveries.release(deliveryId, claim, work.delivery.lastError);
      return this.deferUntil(job, token, limitedUntil);
    }

    try {
      return await this.publish(work, claim);
    } catch (err) {
      return this.onFailure(job, token, work, claim, err);
    }
  }

  /**
   * The gate, for an ordinary delivery: an effective strike covering its account holds it. A strike
   * post goes through while its strike stands, and is cancelled when its strike will never run.
   */
  private async stoppedByStrike(work: PublishWork, claim: string): Promise<PublishOutcome | null> {
    const { delivery } = work;
    if (delivery.strikeId) {
      const strike = await this.gate.strikeOfPost(delivery.strikeId);
      const late = work.post.strikeRole !== 'closing' && strike && strike.endsAt.getTime() <= Date.now();
      if (!strike || VOID_STRIKE_STATES.has(strike.state) || late) {
        await this.gate.cancelStrikePost(delivery.id, claim, late ? 'The strike ended before this strike post could go out' : 'Its strike is not in force');
        return 'skipped';
      }
      return null;
    }
    const strikeId = await this.gate.coveringStrike(delivery.organisationId, delivery.accountId, new Date(), this.config.networks.timeoutMs);
    if (!strikeId) return null;
    const slots = await this.gate.hold(delivery.id, claim, strikeId, new Date());
    await this.enqueue(slots);
    this.logger.log({ deliveryId: delivery.id, strikeId }, 'held by a strike');
    return 'held';
  }

  private async enqueue(jobs: ScheduledJob[]): Promise<void> {
    try {
      await this.queue.schedule(jobs);
    } catch (err) {
      // The strike posts are in Postgres: the reconciler enqueues them if Redis refused here.
      this.logger.warn({ err: (err as Error).message }, 'could not enqueue strike posts now');
    }
  }

  private async publish(work: PublishWork, claim: string): Promise<PublishOutcome> {
    const { delivery, account, post } = work;
    if (account.status !== 'active') {
      throw new UnrecoverableError(`Account ${account.handle} needs reconnecting: ${account.statusReason ?? 'credentials refused'}`);
    }
    const adapter = this.networks.get(account.network);
    const conn: AccountConnection = await this.connections.open(account);
    // Uploaded media ids are kept, so a retry does not upload the same images again.
    const remoteMediaIds = [...delivery.remoteMediaIds];
    // No uploads for a post the gate would stop anyway.
    if (work.media.length > remoteMediaIds.length) {
      const held = await this.stoppedByStrike(work, claim);
      if (held) return held;
    }
    for (const m of work.media.slice(remoteMediaIds.length)) {
      const data = await this.deliveries.mediaData(m.mediaId);
      remoteMediaIds.push(await adapter.uploadMedia(conn, { data, mimeType: m.mimeType, altText: m.altText }));
      await this.deliveries.saveRemoteMediaIds(delivery.id, claim, remoteMediaIds);
    }
    // Checked again right before the call: a window may have opened while the images uploaded.
    const held = await this.stoppedByStrike(work, claim);
    if (held) return held;
    const published = await adapter.publish(conn, { ...post, remoteMediaIds }, delivery.id);
    const firstSnapshot = firstSnapshotAt(published.publishedAt, this.config.engagement.schedule);
    if (!(await this.deliveries.markPublished(delivery.id, claim, published, firstSnapshot))) {
      this.logger.warn({ deliveryId: delivery.id }, 'published, but the claim had been taken over');
    }
    return 'published';
  }

  private async onFailure(job: Job, token: string | undefined, work: PublishWork, claim: string, err: unknown): Promise<never> {
    const id = work.delivery.id;
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof UnrecoverableError) {
      await this.deliveries.markFailed(id, claim, message);
      throw err;
    }
    if (err instanceof NetworkError) {
      switch (err.kind) {
        case 'auth':
          await this.deliveries.markAccountNeedsReconnection(work.account.id, message);
          await this.deliveries.markFailed(id, claim, `Account ${work.account.handle} needs reconnecting: ${message}`);
          throw new UnrecoverableError(message);
        case 'permanent':
          await this.deliveries.markFailed(id, claim, message);
          throw new UnrecoverableError(message);
        case 'rate-limited': {
          const until = (err as NetworkRateLimitedError).resetAt;
          await this.deliveries.setAccountRateLimitedUntil(work.account.id, until);
          await this.deliveries.release(id, claim, message);
          return this.deferUntil(job, token, until);
        }
        case 'transient':
          break;
      }
    }
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (lastAttempt) await this.deliveries.markFailed(id, claim, `Gave up after ${job.attemptsMade + 1} attempts: ${message}`);
    else await this.deliveries.release(id, claim, message);
    throw err;
  }

  /** Delays only this job (not the queue, not an attempt). */
  private async deferUntil(job: Job, token: string | undefined, at: Date): Promise<never> {
    await job.moveToDelayed(at.getTime(), token);
    throw new DelayedError();
  }
}
