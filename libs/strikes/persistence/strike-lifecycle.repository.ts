import { Injectable } from '@nestjs/common';
import type { StrikeRecord } from '../domain/strike.js';
import { bringsBack, FATE_OF_POLICY, heldFates, slotsFrom } from '../domain/planner.js';
import type { Prisma } from '#database/generated/client.js';
import { PrismaService } from '#database/prisma.service.js';
import { STRIKE_INCLUDE, toStrike } from './strike-mappers.js';
import { occupySlots, strikeTargets } from './strike-posts.js';
import { moveStrike } from './strike-state.js';

type Tx = Prisma.TransactionClient;

export interface Rescheduled {
  deliveryId: string;
  scheduledAt: Date;
  strike?: boolean;
}

export interface StartResult {
  started: boolean;
  held: number;
  /** The deliveries this start held: their jobs in Redis have nothing left to do. */
  heldIds: string[];
  slots: Rescheduled[];
  accountIds: string[];
}

export interface EndResult {
  ended: boolean;
  fates: Record<string, number>;
  rescheduled: Rescheduled[];
  accountIds: string[];
}

const FATE_PAGE = 5000;

/** Starting and ending strikes: each step is one transaction, guarded by the strike's state, so it runs once. */
@Injectable()
export class StrikeLifecycleRepository {
  constructor(private readonly prisma: PrismaService) {}

  private get db() {
    return this.prisma.client;
  }

  async find(strikeId: string): Promise<StrikeRecord | null> {
    const row = await this.db.strike.findUnique({ where: { id: strikeId }, include: STRIKE_INCLUDE });
    return row ? toStrike(row) : null;
  }

  /** The strike's own posts and its resumed or shifted deliveries that wait for the queue. */
  async pendingDeliveries(strikeId: string): Promise<Rescheduled[]> {
    const rows = await this.db.$queryRaw<{ id: string; scheduled_at: Date; strike: boolean }[]>`
      SELECT d.id::text AS id, d.scheduled_at, true AS strike FROM deliveries d WHERE d.strike_id = ${strikeId}::uuid AND d.state = 'scheduled'
      UNION ALL
      SELECT d.id::text, d.scheduled_at, false FROM holds h JOIN deliveries d ON d.id = h.delivery_id
      WHERE h.strike_id = ${strikeId}::uuid AND h.fate IN ('resumed', 'shifted') AND d.state = 'scheduled'`;
    return rows.map((r) => ({ deliveryId: r.id, scheduledAt: r.scheduled_at, strike: r.strike }));
  }

  /** Approved strikes whose window has opened, and running (or stopped) strikes whose end has come. */
  async due(now: Date): Promise<{ toStart: string[]; toEnd: string[] }> {
    const [toStart, toEnd] = await Promise.all([
      this.db.strike.findMany({ where: { state: 'approved', effectiveFrom: { lte: now } }, select: { id: true } }),
      // An approved strike past its end never started (its start was lost): it still ends, and its holds get their fate.
      this.db.strike.findMany({ where: { state: { in: ['approved', 'running'] }, endsAt: { lte: now } }, select: { id: true } }),
    ]);
    return { toStart: toStart.map((s) => s.id), toEnd: toEnd.map((s) => s.id) };
  }

  /** Strikes that will need a start or end job: approved or running. */
  async upcoming(): Promise<{ id: string; effectiveFrom: Date | null; endsAt: Date; state: string }[]> {
    return this.db.strike.findMany({
      where: { state: { in: ['approved', 'running'] } },
      select: { id: true, effectiveFrom: true, endsAt: true, state: true },
    });
  }

  /**
   * Holds every ordinary delivery of the accounts in scope that is not yet published and due before
   * the end, gives their slots strike messages, and opens the accounts' occupation. Set-based:
   * its cost grows with the deliveries in the window, not with the queue.
   */
  async start(strikeId: string, now: Date): Promise<StartResult> {
    return this.db.$transaction(
      async (tx) => {
        if (!(await moveStrike(tx, strikeId, 'start', { startedAt: now }, { effectiveFrom: { lte: now } }))) return { started: false, held: 0, heldIds: [], slots: [], accountIds: [] };
        const strike = toStrike(await tx.strike.findUniqueOrThrow({ where: { id: strikeId }, include: STRIKE_INCLUDE }));
        const accountIds = await strikeTargets(tx, strike);
        const heldRows = await tx.$queryRaw<{ id: string }[]>`
          WITH held AS (
            UPDATE deliveries d SET state = 'held', updated_at = now()
            WHERE d.organisation_id = ${strike.organisationId}::uuid
              AND d.strike_id IS NULL AND d.state = 'scheduled'
              AND d.scheduled_at < ${strike.endsAt}
              AND d.account_id = ANY(${accountIds}::uuid[])
            RETURNING d.id, d.account_id, d.scheduled_at)
          , recorded AS (
            INSERT INTO holds (id, organisation_id, strike_id, delivery_id, account_id, original_scheduled_at)
            SELECT gen_random_uuid(), ${strike.organisationId}::uuid, ${strike.id}::uuid, id, account_id, scheduled_at FROM held
            ON CONFLICT (strike_id, delivery_id) DO NOTHING)
          SELECT id::text AS id FROM held`;
        const heldIds = heldRows.map((r) => r.id);
        const held = heldIds.length;
        const slots = await this.occupyAll(tx, strike, accountIds, now);
        await tx.accountOccupation.createMany({
          data: accountIds.map((accountId) => ({ strikeId, accountId })),
          skipDuplicates: true,
        });
        await tx.auditEntry.create({
          data: {
            organisationId: strike.organisationId,
            strikeId,
            action: 'strike.started',
            detail: { held, strikePosts: slots.length, accounts: accountIds.length },
          },
        });
        return { started: true, held, heldIds, slots, accountIds };
      },
      { timeout: 120_000 },
    );
  }

  private async occupyAll(tx: Tx, strike: StrikeRecord, accountIds: string[], now: Date): Promise<Rescheduled[]> {
    if (strike.mode !== 'occupation') return [];
    const holds = await tx.hold.findMany({
      where: { strikeId: strike.id, fate: 'pending' },
      select: { accountId: true, originalScheduledAt: true },
    });
    const from = slotsFrom(strike, now);
    const slots: Rescheduled[] = [];
    for (const accountId of accountIds) {
      const times = holds.filter((h) => h.accountId === accountId).map((h) => h.originalScheduledAt);
      slots.push(...(await occupySlots(tx, strike, accountId, times, from)));
    }
    return slots;
  }

  /** Ends a running strike whose end has come: the strike is over, its holds get their fate. */
  async end(strikeId: string, now: Date): Promise<EndResult> {
    return this.db.$transaction(
      async (tx) => {
        if (!(await moveStrike(tx, strikeId, 'end', { endedAt: now }, { endsAt: { lte: now } }))) return { ended: false, fates: {}, rescheduled: [], accountIds: [] };
        const strike = toStrike(await tx.strike.findUniqueOrThrow({ where: { id: strikeId }, include: STRIKE_INCLUDE }));
        const { fates, rescheduled } = await giveFates(tx, strike, now);
        const occupations = await tx.accountOccupation.findMany({ where: { strikeId }, select: { accountId: true } });
        await tx.accountOccupation.updateMany({ where: { strikeId }, data: { restoreState: 'pending' } });
        await tx.auditEntry.create({
          data: { organisationId: strike.organisationId, strikeId, action: 'strike.ended', detail: { fates } },
        });
        return { ended: true, fates, rescheduled, accountIds: occupations.map((o) => o.accountId) };
      },
      { timeout: 300_000 },
    );
  }
}

/**
 * Gives every pending hold of a strike its fate (resume, shift, drop or review), in pages. Each
 * delivery ends in exactly one visible outcome, and resumed ones come back spaced per account.
 */
export async function giveFates(tx: Tx, strike: StrikeRecord, now: Date): Promise<{ fates: Record<string, number>; rescheduled: Rescheduled[] }> {
  const fates: Record<string, number> = {};
  const rescheduled: Rescheduled[] = [];
  if (!bringsBack(strike.heldPolicy)) {
    const fate = FATE_OF_POLICY[strike.heldPolicy];
    const n = await tx.$executeRaw`
      UPDATE holds SET fate = ${fate}::"HoldFate", fate_at = ${now}
      WHERE strike_id = ${strike.id}::uuid AND fate = 'pending'`;
    if (fate === 'dropped') {
      await tx.$executeRaw`
        UPDATE deliveries d SET state = 'cancelled', updated_at = now(),
          cancel_reason = ${`Dropped by the strike "${strike.title}" (${strike.id})`}
        FROM holds h
        WHERE h.strike_id = ${strike.id}::uuid AND h.delivery_id = d.id AND h.fate = 'dropped' AND d.state = 'held'`;
    }
    fates[fate] = n;
    return { fates, rescheduled };
  }
  const holds = await tx.hold.findMany({
    where: { strikeId: strike.id, fate: 'pending' },
    select: { id: true, deliveryId: true, accountId: true, originalScheduledAt: true },
  });
  const { fate, times } = heldFates(strike, holds.map((h) => ({ id: h.id, accountId: h.accountId, at: h.originalScheduledAt })), now);
  for (let i = 0; i < holds.length; i += FATE_PAGE) {
    const page = holds.slice(i, i + FATE_PAGE);
    const ids = page.map((h) => h.id);
    const at = page.map((h) => times!.get(h.id)!.toISOString());
    await tx.$executeRaw`
      WITH plan AS (SELECT * FROM unnest(${ids}::uuid[], ${at}::timestamptz[]) AS p(hold_id, at)),
      h AS (
        UPDATE holds SET fate = ${fate}::"HoldFate", fate_at = ${now}, new_scheduled_at = plan.at
        FROM plan WHERE holds.id = plan.hold_id
        RETURNING holds.delivery_id, plan.at)
      UPDATE deliveries d SET state = 'scheduled', scheduled_at = h.at, updated_at = now()
      FROM h WHERE d.id = h.delivery_id AND d.state = 'held'`;
    for (const h of page) rescheduled.push({ deliveryId: h.deliveryId, scheduledAt: times!.get(h.id)! });
  }
  fates[fate] = holds.length;
  return { fates, rescheduled };
}
