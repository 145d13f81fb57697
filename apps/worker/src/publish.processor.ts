import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { AccountConnections } from '#networks/account-connections.js';
import { DeliveriesRepository, type PublishWork } from '#database/deliveries.repository.js';
import type { PublishDeliveryJob } from '#queue/contracts.js';
import { NetworkError, NetworkRateLimitedError } from '#networks/errors.js';
import type { AccountConnection } from '#networks/network-adapter.js';
import { NetworkRegistry } from '#networks/network-registry.js';
import { GateRepository } from '#strikes/persistence/gate.repository.js';
import { firstSnapshotAt } from '#engagement/schedule.js';
import { DeliveryQueue, type ScheduledJob } from '#queue/delivery-queue.js';
import { PublishMetrics } from '#queue/metrics.js';

// A held delivery waits for its strike's end, where it gets its fate: no job may publish it before.
const TERMINAL = new Set(['published', 'failed', 'cancelled', 'held']);
const VOID_STRIKE_STATES = new Set(['proposed', 'rejected', 'cancelled']);

// A deferred look at someone else's claim comes this long after its lease ends.
const LEASE_LOOK_AGAIN_MS = 100;
// The gate's answer read with the claim serves a call that starts at most this long after the claim
// was asked (a round trip is milliseconds): a renewal of credentials or an upload in between, or a
// stall, and the gate is asked again. The answer looks ahead by the network timeout, seconds.
const CLAIM_GATE_FRESH_MS = 250;

export type PublishOutcome = 'published' | 'skipped' | 'held';

/**
 * Publishes one delivery. Every run claims it in Postgres (one holder at a time) and, in the same
 * round trip, reloads it; asks the gate right before each network call; and publishes with the
 * delivery id as idempotency key, so neither a retry, a second worker nor a crash between the
 * network call and the database write can post twice.
 */
@Injectable()
export class PublishProcessor implements OnModuleDestroy {
  private readonly logger = new Logger(PublishProcessor.name);
  /** Claims this process holds now (delivery id → claim token), kept alive by the heartbeat. */
  private readonly held = new Map<string, string>();
  private heartbeat?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly deliveries: DeliveriesRepository,
    private readonly networks: NetworkRegistry,
    private readonly connections: AccountConnections,
    private readonly gate: GateRepository,
    private readonly queue: DeliveryQueue,
    private readonly metrics: PublishMetrics,
  ) {}

  onModuleDestroy(): void {
    clearInterval(this.heartbeat);
  }

  /**
   * Every third of a lease, the leases of all claims held here are extended in one statement: a
   * killed worker's deliveries are free again within one lease (PUBLISH_LEASE_MS), a live worker's
   * never lapse while its call is in flight.
   */
  private startHeartbeat(): void {
    const every = Math.max(250, Math.floor(this.config.queue.publishLeaseMs / 3));
    this.heartbeat = setInterval(() => void this.renewLeases(), every);
    this.heartbeat.unref();
  }

  private async renewLeases(): Promise<void> {
    const claims = [...this.held].map(([id, token]) => ({ id, token }));
    if (claims.length === 0) return;
    try {
      const kept = await this.deliveries.renewLeases(claims, new Date(Date.now() + this.config.queue.publishLeaseMs));
      for (const c of claims) {
        // Settled between the snapshot of `held` and the update (the common case), or taken over
        // after this process stalled for a whole lease: told apart only by the delivery's outcome.
        if (!kept.has(c.id) && this.held.get(c.id) === c.token) this.logger.debug({ deliveryId: c.id }, 'lease not renewed: the claim is no longer held');
      }
    } catch (err) {
      this.logger.error({ err: (err as Error).message }, 'could not renew publish leases');
    }
  }

  async process(job: Job<PublishDeliveryJob>, token: string | undefined): Promise<PublishOutcome> {
    if (!this.heartbeat) this.startHeartbeat();
    const { deliveryId } = job.data;
    const claim = randomUUID();
    try {
      const outcome = await this.processClaimed(job, token, claim);
      this.metrics.outcome(outcome);
      return outcome;
    } catch (err) {
      this.metrics.outcome(err instanceof DelayedError ? 'deferred' : 'failed');
      throw err;
    } finally {
      if (this.held.get(deliveryId) === claim) this.held.delete(deliveryId);
    }
  }

  private async processClaimed(job: Job<PublishDeliveryJob>, token: string | undefined, claim: string, waited = false): Promise<PublishOutcome> {
    const { deliveryId } = job.data;
    const leaseMs = this.config.queue.publishLeaseMs;
    const now = new Date();
    // One round trip: the claim, then (after it) the work and the gate's answer for a call made at once.
    const result = await this.deliveries.claimWork(deliveryId, claim, now, leaseMs, this.config.networks.timeoutMs);
    if (!result.claimed) {
      const delivery = result.delivery;
      if (!delivery || TERMINAL.has(delivery.state)) return 'skipped';
      // Rescheduled later while this job was queued or running: follow the delivery, not the job.
      if (delivery.scheduledAt.getTime() > now.getTime()) return this.deferUntil(job, token, delivery.scheduledAt);
      // Someone else holds it (or a crashed holder's lease has not run out yet): look again when
      // its lease ends (a live holder renews it; a dead one's lapses then).
      if (delivery.state === 'publishing') {
        const until = Math.min(Math.max(result.leaseUntil?.getTime() ?? 0, Date.now()), Date.now() + leaseMs) + LEASE_LOOK_AGAIN_MS;
        // The first time, wait here with the job: a job the stalled check handed back after a crash
        // is at the head of the queue, and moving it to the delayed set would send it behind every
        // job queued meanwhile (seconds, in a burst). A live holder renews its lease: then defer.
        if (!waited) {
          await sleep(until - Date.now());
          return this.processClaimed(job, token, claim, true);
        }
        return this.deferUntil(job, token, new Date(until));
      }
      return 'skipped';
    }

    const { work } = result;
    this.held.set(deliveryId, claim);
    const claimedAt = Date.now();
    const limitedUntil = work.account.rateLimitedUntil;
    if (limitedUntil && limitedUntil.getTime() > Date.now()) {
      await this.deliveries.release(deliveryId, claim, work.delivery.lastError);
      return this.deferUntil(job, token, limitedUntil);
    }

    try {
      return await this.publish(work, claim, claimedAt, now);
    } catch (err) {
      return this.onFailure(job, token, work, claim, err);
    }
  }

  /**
   * The gate, for an ordinary delivery: an effective strike covering its account holds it. A strike
   * post goes through while its strike stands, and is cancelled when its strike will never run.
   * Postgres is asked right before each call (PRODUCT.md rule 1): the first call uses the answer the
   * claim read after claiming, when it follows the claim at once (`claimedAsk`: when the claim was
   * asked); any other call asks again.
   */
  private async stoppedByStrike(work: PublishWork, claim: string, claimedAsk?: Date): Promise<PublishOutcome | null> {
    const { delivery } = work;
    const answer =
      claimedAsk && Date.now() - claimedAsk.getTime() <= CLAIM_GATE_FRESH_MS
        ? this.gate.fromClaim(work.gate)
        : await this.gate.answer(delivery, new Date(), this.config.networks.timeoutMs);
    if (delivery.strikeId) {
      const strike = answer.ownStrike;
      const late = work.post.strikeRole !== 'closing' && strike && strike.endsAt.getTime() <= Date.now();
      if (!strike || VOID_STRIKE_STATES.has(strike.state) || late) {
        await this.gate.cancelStrikePost(delivery.id, claim, late ? 'The strike ended before this strike post could go out' : 'Its strike is not in force');
        this.metrics.gate('cancel');
        return 'skipped';
      }
      return null;
    }
    const strikeId = answer.coveringStrikeId;
    if (!strikeId) return null;
    this.metrics.gate('hold');
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

  private async publish(work: PublishWork, claim: string, claimedAt: number, claimAsked: Date): Promise<PublishOutcome> {
    const { delivery, account, post } = work;
    if (account.status !== 'active') {
      throw new UnrecoverableError(`Account ${account.handle} needs reconnecting: ${account.statusReason ?? 'credentials refused'}`);
    }
    const adapter = this.networks.get(account.network);
    const conn: AccountConnection = await this.connections.open(account);
    // Uploaded media ids are kept, so a retry does not upload the same images again.
    const remoteMediaIds = [...delivery.remoteMediaIds];
    // Uploads are network calls too, and none for a post the gate would stop anyway.
    const uploads = work.media.slice(remoteMediaIds.length);
    if (uploads.length > 0) {
      const held = await this.stoppedByStrike(work, claim, claimAsked);
      if (held) return held;
    }
    for (const m of uploads) {
      const data = await this.deliveries.mediaData(m.mediaId);
      remoteMediaIds.push(await adapter.uploadMedia(conn, { data, mimeType: m.mimeType, altText: m.altText }));
      await this.deliveries.saveRemoteMediaIds(delivery.id, claim, remoteMediaIds);
    }
    // Right before the call; asked again after an upload: a window may have opened meanwhile.
    const held = await this.stoppedByStrike(work, claim, uploads.length === 0 ? claimAsked : undefined);
    if (held) return held;
    this.metrics.gate('pass');
    const published = await adapter.publish(conn, { ...post, remoteMediaIds }, delivery.id);
    const firstSnapshot = firstSnapshotAt(published.publishedAt, this.config.engagement.schedule);
    if (!(await this.deliveries.markPublished(delivery.id, claim, published, firstSnapshot))) {
      this.logger.warn({ deliveryId: delivery.id }, 'published, but the claim had been taken over');
    }
    this.metrics.published((Date.now() - claimedAt) / 1000, delivery.attempts);
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
