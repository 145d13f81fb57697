import { Injectable } from '@nestjs/common';
import { Batcher } from '#database/batcher.js';
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

/**
 * The gate (docs/strikes.md rule 1). It reads Postgres, the source of truth, right before a network
 * call: an approved window is in force from the instant its decision commits, whatever Redis
 * holds or has lost, and making a strike effective touches no queued job.
 */
interface GateQuestion {
  delivery: { organisationId: string; accountId: string; strikeId: string | null };
  at: Date;
  marginMs: number;
}

@Injectable()
export class GateRepository {
  // Deliveries reaching their call together are answered by one statement, read after each asked.
  private readonly answers = new Batcher<GateQuestion, GateAnswer>((questions) => this.answerBatch(questions), { maxInFlight: 1, maxBatch: 64 });

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
   * The publish path's gate, on the plain pool, asked right before every network call and never
   * reused: for an ordinary delivery the strike covering its account from `at` to `at + marginMs`
   * (as coveringStrike), for a strike post its own strike's state and end. Questions asked while
   * another statement is out go together in the next one (SQL function gate_answers): each answer
   * is read after its question, as fresh as a query of its own.
   */
  async answer(delivery: GateQuestion['delivery'], at: Date, marginMs: number): Promise<GateAnswer> {
    return this.answers.call({ delivery, at, marginMs });
  }

  private async answerBatch(questions: GateQuestion[]): Promise<GateAnswer[]> {
    // The latest instant asked, and the widest margin: never a shorter look ahead than a caller's.
    const at = new Date(Math.max(...questions.map((q) => q.at.getTime())));
    const until = new Date(at.getTime() + Math.max(...questions.map((q) => q.marginMs)));
    const { rows } = await this.prisma.hot.query<{ i: number; covering: string | null; own_state: StrikeState | null; own_ends_at: Date | null }>(
      'SELECT i, covering::text AS covering, own_state, own_ends_at FROM gate_answers($1::uuid[], $2::uuid[], $3::uuid[], $4::timestamptz, $5::timestamptz)',
      [questions.map((q) => q.delivery.organisationId), questions.map((q) => q.delivery.accountId), questions.map((q) => q.delivery.strikeId), at, until],
    );
    const answers = new Array<GateAnswer | undefined>(questions.length);
    for (const r of rows) {
      answers[r.i - 1] = {
        coveringStrikeId: r.covering,
        ownStrike: r.own_state && r.own_ends_at ? { state: r.own_state, endsAt: r.own_ends_at } : null,
      };
    }
    // A question left unanswered must not read as "no strike": the call would go out unchecked.
    if (answers.some((a) => a === undefined)) throw new Error('The gate answered fewer questions than it was asked');
    return answers as GateAnswer[];
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
