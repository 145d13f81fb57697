import { Injectable } from '@nestjs/common';
import { PrismaService } from '#database/prisma.service.js';
import type { GateRow } from '#database/publish-round.js';
import type { StrikeState } from '../domain/strike.js';
import { slotsFrom } from '../domain/planner.js';
import type { Rescheduled } from './strike-lifecycle.repository.js';
import { STRIKE_INCLUDE, toStrike } from './strike-mappers.js';
import { occupySlots } from './strike-posts.js';

export interface StrikePostStatus {
  state: StrikeState;
  endsAt: Date;
}

/** The gate's answer for one delivery, asked right before a network call (see answer). */
export interface GateAnswer {
  /** An ordinary delivery: the effective strike covering its account, if any. */
  coveringStrikeId: string | null;
  /** A strike post: its own strike's state and end, null when that strike is gone. */
  ownStrike: StrikePostStatus | null;
}

/**
 * The gate (docs/strikes.md rule 1). It reads Postgres, the source of truth, right before a network
 * call: an approved window is in force from the instant its decision commits, whatever Redis
 * holds or has lost, and making a strike effective touches no queued job.
 */
@Injectable()
export class GateRepository {
  constructor(private readonly prisma: PrismaService) {}

  private get db() {
    return this.prisma.client;
  }

  /**
   * The effective strike covering this account at any instant from `at` to `at + marginMs`: a call
   * started now may land that much later, so a window opening within the margin already closes the gate.
   */
  async coveringStrike(organisationId: string, accountId: string, at: Date, marginMs: number): Promise<string | null> {
    const until = new Date(at.getTime() + marginMs);
    // The rule is written once, in SQL: covering_strike (migration 20261203100000_publish_functions).
    const rows = await this.db.$queryRawUnsafe<{ id: string | null }[]>(
      'SELECT covering_strike($1::uuid, $2::uuid, $3::timestamptz, $4::timestamptz)::text AS id',
      organisationId, accountId, at, until,
    );
    return rows[0]?.id ?? null;
  }

  /**
   * The publish path's gate, asked right before a network call: for an ordinary delivery the strike
   * covering its account from `at` to `at + marginMs` (as coveringStrike), for a strike post its
   * own strike's state and end. It shares its round trip with the other steps of the deliveries
   * running beside it (PublishRound, SQL gate_answers): the statement that answers starts after the
   * question was asked, as fresh as a query of its own. The claim answers it too (fromClaim), for
   * the call that follows the claim at once.
   */
  async answer(delivery: { organisationId: string; accountId: string; strikeId: string | null }, at: Date, marginMs: number): Promise<GateAnswer> {
    const r = await this.prisma.publishRound.gate({ organisationId: delivery.organisationId, accountId: delivery.accountId, strikeId: delivery.strikeId, at, marginMs });
    return this.fromClaim(r);
  }

  /** The gate's answer as the claim read it (DeliveriesRepository.claimWork), or as answer() reads it. */
  fromClaim(r: GateRow): GateAnswer {
    return {
      coveringStrikeId: r.covering,
      ownStrike: r.ownState && r.ownEndsAt ? { state: r.ownState as StrikeState, endsAt: r.ownEndsAt } : null,
    };
  }

  /**
   * Holds a claimed delivery for a strike, and in occupation mode gives its slot a strike message.
   * Returns the strike posts created, to enqueue. Nothing happens if the claim was lost meanwhile.
   */
  async hold(deliveryId: string, claimToken: string, strikeId: string, now: Date): Promise<Rescheduled[]> {
    return this.db.$transaction(async (tx) => {
      const delivery = await tx.delivery.findUnique({ where: { id: deliveryId } });
      if (!delivery || delivery.claimToken !== claimToken || delivery.state !== 'publishing') return [];
      await tx.delivery.update({
        where: { id: deliveryId },
        data: { state: 'held', claimToken: null, leaseUntil: null },
      });
      await tx.hold.upsert({
        where: { strikeId_deliveryId: { strikeId, deliveryId } },
        create: {
          organisationId: delivery.organisationId,
          strikeId,
          deliveryId,
          accountId: delivery.accountId,
          originalScheduledAt: delivery.scheduledAt,
        },
        update: { fate: 'pending', fateAt: null, newScheduledAt: null, heldAt: now },
      });
      const row = await tx.strike.findUniqueOrThrow({ where: { id: strikeId }, include: STRIKE_INCLUDE });
      const strike = toStrike(row);
      return occupySlots(tx, strike, delivery.accountId, [delivery.scheduledAt], slotsFrom(strike, now));
    });
  }

  /** A strike post whose strike will never take effect (rejected, cancelled, amended away) is cancelled. */
  async cancelStrikePost(deliveryId: string, claimToken: string, reason: string): Promise<void> {
    await this.db.delivery.updateMany({
      where: { id: deliveryId, claimToken, state: 'publishing' },
      data: { state: 'cancelled', cancelReason: reason, claimToken: null, leaseUntil: null },
    });
  }
}
