import { Injectable } from '@nestjs/common';
import type { Prisma } from '#database/generated/client.js';
import { PrismaService } from '#database/prisma.service.js';

type Db = Prisma.TransactionClient;

export interface StoryStrikeRow {
  reason: string;
  mode: string;
  heldPolicy: string;
  allAccounts: boolean;
  startsAt: Date;
  endsAt: Date;
  effectiveFrom: Date | null;
  startedAt: Date | null;
  endedAt: Date | null;
  resumeSpacingSeconds: number;
  occupationSpacingSeconds: number;
}

export interface StoryAccountRow {
  id: string;
  handle: string;
  network: string;
  status: string;
  statusReason: string | null;
  /** The server's features as last checked (`{ feature: { support } }` from account_capabilities), or null when never checked. */
  capabilities: unknown;
}

export interface StoryOccupationRow {
  accountId: string;
  occupyState: string;
  restoreState: string | null;
  applied: unknown;
  pinnedRemoteId: string | null;
  report: unknown;
  lastError: string | null;
  updatedAt: Date;
  /** The occupation_steps rows of this account in this strike (`[{ phase, step, outcome, error, detail }]`), or null when none. */
  steps: unknown;
  /** The server's features as checked when this strike started (kept with the occupation), or null. */
  capabilities: unknown;
}

export interface StoryMotionRow {
  kind: string;
  status: string;
  decisionKind: 'votes' | 'assembly';
  ballot: 'named' | 'secret';
  quorumCount: number;
  quorumPercent: number;
  createdAt: Date;
  decidedAt: Date | null;
  approvals: number | null;
  rejections: number | null;
  eligible: number | null;
  assemblyDate: Date | null;
  votesFor: number | null;
  votesAgainst: number | null;
  votesAbstain: number | null;
}

export interface StoryHoldRow {
  holdId: string;
  deliveryId: string;
  accountId: string;
  text: string;
  originalScheduledAt: Date;
  heldAt: Date;
  fate: string;
  fateAt: Date | null;
  newScheduledAt: Date | null;
  state: string;
  publishedAt: Date | null;
  url: string | null;
  reason: string | null;
}

export interface StoryNativeRow {
  id: string;
  accountId: string;
  remoteId: string;
  text: string;
  originalScheduledAt: Date;
  fate: string;
  fateAt: Date | null;
  newScheduledAt: Date | null;
  lastError: string | null;
}

export interface StoryStrikePostRow {
  deliveryId: string;
  accountId: string;
  role: string;
  state: string;
  scheduledAt: Date;
  reason: string | null;
  updatedAt: Date;
}

export interface StoryRows {
  strike: StoryStrikeRow;
  accounts: StoryAccountRow[];
  occupations: StoryOccupationRow[];
  motions: StoryMotionRow[];
  holdsByFate: Record<string, number>;
  holds: StoryHoldRow[];
  nativeTotal: number;
  native: StoryNativeRow[];
  /** Strike posts that failed (cancelled ones were cancelled on purpose: a stop, an amendment). */
  unpublished: StoryStrikePostRow[];
}

/**
 * What the report's story is read from. The capability and per-step columns are read through
 * to_jsonb(row), so the report works with or without them: null until a migration adds them.
 */
@Injectable()
export class StoryRepository {
  constructor(private readonly prisma: PrismaService) {}

  async rows(db: Db, strikeId: string, organisationId: string, limit: number): Promise<StoryRows> {
    const strike = await db.strike.findUniqueOrThrow({
      where: { id: strikeId },
      select: {
        reason: true, mode: true, heldPolicy: true, allAccounts: true, startsAt: true, endsAt: true, effectiveFrom: true, startedAt: true, endedAt: true,
        resumeSpacingSeconds: true, occupationSpacingSeconds: true,
      },
    });
    return {
      strike,
      accounts: await this.accounts(db, strikeId, organisationId, strike.allAccounts),
      occupations: await this.occupations(db, strikeId),
      motions: await db.motion.findMany({
        where: { strikeId },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        select: {
          kind: true, status: true, decisionKind: true, ballot: true, quorumCount: true, quorumPercent: true, createdAt: true, decidedAt: true,
          approvals: true, rejections: true, eligible: true, assemblyDate: true, votesFor: true, votesAgainst: true, votesAbstain: true,
        },
      }),
      holdsByFate: await this.holdsByFate(db, strikeId),
      holds: await this.holdPage(db, strikeId, undefined, limit),
      nativeTotal: await db.nativeHold.count({ where: { strikeId } }),
      native: (await db.nativeHold.findMany({ where: { strikeId }, orderBy: [{ originalScheduledAt: 'asc' }, { id: 'asc' }], take: limit })).map((n) => ({
        id: n.id, accountId: n.accountId, remoteId: n.remoteId, text: n.text, originalScheduledAt: n.originalScheduledAt,
        fate: n.fate, fateAt: n.fateAt, newScheduledAt: n.newScheduledAt, lastError: n.lastError,
      })),
      unpublished: await this.unpublished(db, strikeId),
    };
  }

  /** Held posts in (original time, id) order after the cursor: the report's first ones, and held.csv page by page. */
  async *holdPages(strikeId: string, pageSize = 2000): AsyncGenerator<StoryHoldRow[]> {
    let after: { at: Date; id: string } | undefined;
    for (;;) {
      const page = await this.holdPage(this.prisma.client, strikeId, after, pageSize);
      if (page.length > 0) yield page;
      if (page.length < pageSize) return;
      const last = page[page.length - 1]!;
      after = { at: last.originalScheduledAt, id: last.holdId };
    }
  }

  /** The accounts a strike touched (its list, its occupations, holds and posts). */
  accountsOf(strikeId: string, organisationId: string): Promise<StoryAccountRow[]> {
    return this.accounts(this.prisma.client, strikeId, organisationId, false);
  }

  /** The accounts a report names: the strike's own list, or for "all accounts" every one it touched or could have. */
  async accounts(db: Db, strikeId: string, organisationId: string, all: boolean): Promise<StoryAccountRow[]> {
    const rows = await db.$queryRaw<{ id: string; handle: string; network: string; status: string; status_reason: string | null; capabilities: unknown }[]>`
      SELECT a.id::text AS id, a.handle, a.network::text AS network, a.status::text AS status, a.status_reason,
             (SELECT jsonb_object_agg(c.feature, jsonb_build_object('support', c.support)) FROM account_capabilities c WHERE c.account_id = a.id) AS capabilities
      FROM accounts a
      WHERE a.organisation_id = ${organisationId}::uuid AND (
        a.id IN (SELECT account_id FROM strike_accounts WHERE strike_id = ${strikeId}::uuid)
        OR a.id IN (SELECT account_id FROM account_occupations WHERE strike_id = ${strikeId}::uuid)
        OR a.id IN (SELECT account_id FROM holds WHERE strike_id = ${strikeId}::uuid)
        OR a.id IN (SELECT account_id FROM deliveries WHERE strike_id = ${strikeId}::uuid)
        OR (${all} AND a.disconnected_at IS NULL))
      ORDER BY a.handle, a.id`;
    return rows.map((r) => ({ id: r.id, handle: r.handle, network: r.network, status: r.status, statusReason: r.status_reason, capabilities: r.capabilities }));
  }

  /** Every handle of the organisation's accounts, lower case: replies by them are the organisation's own. */
  async ownHandles(db: Db, organisationId: string): Promise<string[]> {
    const rows = await db.account.findMany({ where: { organisationId }, select: { handle: true } });
    return [...new Set(rows.map((r) => r.handle.toLowerCase()))].sort();
  }

  private async occupations(db: Db, strikeId: string): Promise<StoryOccupationRow[]> {
    const rows = await db.$queryRaw<
      {
        account_id: string; occupy_state: string; restore_state: string | null; applied: unknown; pinned_remote_id: string | null; report: unknown;
        last_error: string | null; updated_at: Date; steps: unknown; capabilities: unknown;
      }[]
    >`
      SELECT o.account_id::text AS account_id, o.occupy_state, o.restore_state, o.applied, o.pinned_remote_id, o.report, o.last_error, o.updated_at,
             o.capabilities,
             (SELECT jsonb_agg(jsonb_build_object('phase', s.phase, 'step', s.step, 'outcome', s.outcome, 'error', s.last_error, 'detail', s.detail))
                FROM occupation_steps s WHERE s.strike_id = o.strike_id AND s.account_id = o.account_id) AS steps
      FROM account_occupations o WHERE o.strike_id = ${strikeId}::uuid`;
    return rows.map((r) => ({
      accountId: r.account_id, occupyState: r.occupy_state, restoreState: r.restore_state, applied: r.applied, pinnedRemoteId: r.pinned_remote_id,
      report: r.report, lastError: r.last_error, updatedAt: r.updated_at, steps: r.steps, capabilities: r.capabilities,
    }));
  }

  private async holdsByFate(db: Db, strikeId: string): Promise<Record<string, number>> {
    const groups = await db.hold.groupBy({ by: ['fate'], where: { strikeId }, _count: { _all: true } });
    return Object.fromEntries(groups.map((g) => [g.fate, g._count._all]));
  }

  private async holdPage(db: Db, strikeId: string, after: { at: Date; id: string } | undefined, limit: number): Promise<StoryHoldRow[]> {
    const rows = await db.$queryRaw<
      {
        id: string; delivery_id: string; account_id: string; text: string; original_scheduled_at: Date; held_at: Date; fate: string; fate_at: Date | null;
        new_scheduled_at: Date | null; state: string | null; published_at: Date | null; remote_url: string | null; reason: string | null;
      }[]
    >`
      SELECT h.id::text AS id, h.delivery_id::text AS delivery_id, h.account_id::text AS account_id, coalesce(p.text, '') AS text,
             h.original_scheduled_at, h.held_at, h.fate::text AS fate, h.fate_at, h.new_scheduled_at,
             d.state::text AS state, d.published_at, d.remote_url, coalesce(d.failure_reason, d.cancel_reason) AS reason
      FROM holds h
      LEFT JOIN deliveries d ON d.id = h.delivery_id
      LEFT JOIN posts p ON p.id = d.post_id
      WHERE h.strike_id = ${strikeId}::uuid
        AND (${after?.at ?? null}::timestamptz IS NULL OR (h.original_scheduled_at, h.id) > (${after?.at ?? null}::timestamptz, ${after?.id ?? null}::uuid))
      ORDER BY h.original_scheduled_at, h.id
      LIMIT ${limit}`;
    return rows.map((r) => ({
      holdId: r.id, deliveryId: r.delivery_id, accountId: r.account_id, text: r.text, originalScheduledAt: r.original_scheduled_at, heldAt: r.held_at,
      fate: r.fate, fateAt: r.fate_at, newScheduledAt: r.new_scheduled_at, state: r.state ?? 'unknown', publishedAt: r.published_at, url: r.remote_url,
      reason: r.reason,
    }));
  }

  private async unpublished(db: Db, strikeId: string): Promise<StoryStrikePostRow[]> {
    const rows = await db.delivery.findMany({
      where: { strikeId, state: 'failed' },
      orderBy: [{ scheduledAt: 'asc' }, { id: 'asc' }],
      select: { id: true, accountId: true, state: true, scheduledAt: true, failureReason: true, cancelReason: true, updatedAt: true, post: { select: { strikeRole: true } } },
    });
    return rows.map((d) => ({
      deliveryId: d.id, accountId: d.accountId, role: d.post.strikeRole ?? 'slot', state: d.state, scheduledAt: d.scheduledAt,
      reason: d.failureReason ?? d.cancelReason, updatedAt: d.updatedAt,
    }));
  }
}
