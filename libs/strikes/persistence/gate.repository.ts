import { Injectable } from '@nestjs/common';
import { PrismaService } from '#database/prisma.service.js';
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

// The gate's rule, shared by coveringStrike and answer: an effective strike of organisation $1
// covering account $2 at any instant from $3 to $4.
const COVERING_STRIKE = `
  SELECT s.id FROM strikes s
  WHERE s.organisation_id = $1::uuid
    AND s.state IN ('approved', 'running')
    AND s.effective_from <= $4::timestamptz AND s.ends_at > $3::timestamptz
    AND (s.all_accounts OR EXISTS (
      SELECT 1 FROM strike_accounts sa WHERE sa.strike_id = s.id AND sa.account_id = $2::uuid))
  ORDER BY s.effective_from, s.id
  LIMIT 1`;

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
    const rows = await this.db.$queryRawUnsafe<{ id: string }[]>(
      `SELECT c.id::text AS id FROM (${COVERING_STRIKE}) c`,
      organisationId, accountId, at, until,
    );
    return rows[0]?.id ?? null;
  }

  /**
   * The publish path's gate, one query on the plain pool, asked right before every network call
   * and never reused: for an ordinary delivery the strike covering its account from `at` to
   * `at + marginMs` (as coveringStrike), for a strike post its own strike's state and end.
   */
  async answer(
    delivery: { organisationId: string; accountId: string; strikeId: string | null },
    at: Date,
    marginMs: number,
  ): Promise<GateAnswer> {
    const until = new Date(at.getTime() + marginMs);
    const { rows } = await this.prisma.hot.query<{ covering: string | null; own_state: StrikeState | null; own_ends_at: Date | null }>(
      `SELECT CASE WHEN $5::uuid IS NULL THEN (SELECT c.id::text FROM (${COVERING_STRIKE}) c) END AS covering,
              os.state::text AS own_state, os.ends_at AS own_ends_at
       FROM (SELECT 1) one LEFT JOIN strikes os ON os.id = $5::uuid`,
      [delivery.organisationId, delivery.accountId, at, until, delivery.strikeId],
    );
    const r = rows[0];
    return {
      coveringStrikeId: r?.covering ?? null,
      ownStrike: r?.own_state && r.own_ends_at ? { state: r.own_state, endsAt: r.own_ends_at } : null,
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
