import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '#clock/clock.js';
import { AuditRepository } from '#database/audit.repository.js';
import { Prisma } from '#database/generated/client.js';
import { PrismaService } from '#database/prisma.service.js';
import { replaceStrikeSites } from '#sites/persistence/strike-sites.js';
import { ballotClosesAt } from '../domain/decisions.js';
import type { MotionProposal } from '../domain/motion.js';
import type { AmendedSites } from '../domain/motion-effects.js';
import type { StrikeRecord, StrikeSpec, StrikeState } from '../domain/strike.js';
import { INITIAL_STATE } from '../domain/transitions.js';
import { proposalToJson } from './motion-payload.js';
import { specColumns, STRIKE_INCLUDE, toStrike } from './strike-mappers.js';

type Tx = Prisma.TransactionClient;

export interface StrikeFilter {
  state?: StrikeState;
  /** Strikes created before this one (newest first). */
  before?: { createdAt: Date; id: string };
  limit: number;
}

export type EditResult =
  | { ok: true; strike: StrikeRecord; votesReset: number }
  | { ok: false; refusal: 'not-found' }
  | { ok: false; refusal: 'state'; state: StrikeState };

export type OpenMotionResult =
  | { ok: true; motionId: string }
  | { ok: false; refusal: 'not-found' }
  | { ok: false; refusal: 'state'; state: StrikeState }
  | { ok: false; refusal: 'duplicate'; motionId: string };

/** Proposals, their edits and the motions opened on strikes: each one transaction holding the strike's row. */
@Injectable()
export class StrikesRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private get db() {
    return this.prisma.client;
  }

  /** One transaction: a strike never exists without its approve motion and its audit entry. */
  async propose(organisationId: string, actorId: string, spec: StrikeSpec, detail: Record<string, unknown>): Promise<StrikeRecord> {
    return this.db.$transaction(async (tx) => {
      const row = await tx.strike.create({
        data: {
          organisationId,
          createdById: actorId,
          ...specColumns(spec),
          state: INITIAL_STATE,
          accounts: { create: spec.allAccounts ? [] : spec.accountIds.map((accountId) => ({ accountId })) },
        },
        include: STRIKE_INCLUDE,
      });
      const motionId = await this.createMotion(tx, organisationId, row.id, actorId, { kind: 'approve' });
      await this.audit.record(tx, { organisationId, strikeId: row.id, motionId, actorId, action: 'strike.proposed', detail });
      return toStrike(row);
    });
  }

  async find(organisationId: string, id: string): Promise<StrikeRecord | null> {
    const row = await this.db.strike.findFirst({ where: { id, organisationId }, include: STRIKE_INCLUDE });
    return row ? toStrike(row) : null;
  }

  async list(organisationId: string, f: StrikeFilter): Promise<StrikeRecord[]> {
    const rows = await this.db.strike.findMany({
      where: {
        organisationId,
        ...(f.state ? { state: f.state } : {}),
        ...(f.before
          ? { OR: [{ createdAt: { lt: f.before.createdAt } }, { createdAt: f.before.createdAt, id: { lt: f.before.id } }] }
          : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: f.limit,
      include: STRIKE_INCLUDE,
    });
    return rows.map(toStrike);
  }

  /**
   * Edits a proposed strike and clears the votes of its open approve motion: members voted on the
   * old text, so their approvals cannot carry the new one. The motion row is locked first (as a
   * vote does), so a vote cannot approve the old version while it is being replaced.
   */
  /** `sites`: the websites in scope after the edit, written in the same transaction (undefined: unchanged). */
  async editProposed(
    organisationId: string,
    strikeId: string,
    actorId: string,
    spec: StrikeSpec,
    detail: Record<string, unknown>,
    sites?: AmendedSites,
  ): Promise<EditResult> {
    return this.db.$transaction(async (tx): Promise<EditResult> => {
      const [motion] = await tx.$queryRaw<{ id: string }[]>`
        SELECT id::text AS id FROM motions
        WHERE strike_id = ${strikeId}::uuid AND organisation_id = ${organisationId}::uuid AND kind = 'approve' AND status = 'open'
        FOR UPDATE`;
      const state = await this.lockStrike(tx, organisationId, strikeId);
      if (!state) return { ok: false, refusal: 'not-found' };
      if (state !== 'proposed' || !motion) return { ok: false, refusal: 'state', state };
      await tx.strikeAccount.deleteMany({ where: { strikeId } });
      const row = await tx.strike.update({
        where: { id: strikeId },
        data: {
          ...specColumns(spec),
          profile: spec.profile ? (spec.profile as unknown as Prisma.InputJsonValue) : Prisma.DbNull,
          accounts: { create: spec.allAccounts ? [] : spec.accountIds.map((accountId) => ({ accountId })) },
        },
        include: STRIKE_INCLUDE,
      });
      if (sites) await replaceStrikeSites(tx, { id: strikeId, organisationId }, sites, { actorId });
      const { count } = await tx.vote.deleteMany({ where: { motionId: motion.id } });
      await this.audit.record(tx, { organisationId, strikeId, motionId: motion.id, actorId, action: 'strike.edited', detail });
      await this.audit.record(tx, { organisationId, strikeId, motionId: motion.id, actorId, action: 'votes.reset', detail: { votesCleared: count } });
      return { ok: true, strike: toStrike(row), votesReset: count };
    });
  }

  /**
   * Opens a motion on a strike in one of `allowed` states, unless one of the same kind is open.
   * The strike row is locked so two requests cannot both open the same kind of motion.
   */
  async openMotion(
    organisationId: string,
    strikeId: string,
    actorId: string,
    proposal: MotionProposal,
    allowed: readonly StrikeState[],
    detail: Record<string, unknown>,
  ): Promise<OpenMotionResult> {
    return this.db.$transaction(async (tx): Promise<OpenMotionResult> => {
      const state = await this.lockStrike(tx, organisationId, strikeId);
      if (!state) return { ok: false, refusal: 'not-found' };
      if (!allowed.includes(state)) return { ok: false, refusal: 'state', state };
      const open = await tx.motion.findFirst({ where: { strikeId, kind: proposal.kind, status: 'open' }, select: { id: true } });
      if (open) return { ok: false, refusal: 'duplicate', motionId: open.id };
      const motionId = await this.createMotion(tx, organisationId, strikeId, actorId, proposal);
      await this.audit.record(tx, { organisationId, strikeId, motionId, actorId, action: 'motion.opened', detail: { kind: proposal.kind, ...detail } });
      return { ok: true, motionId };
    });
  }

  /** A motion keeps the organisation's rule as it is now: changing the rule later does not change an open vote. */
  private async createMotion(tx: Tx, organisationId: string, strikeId: string, actorId: string, proposal: MotionProposal): Promise<string> {
    const rule = await tx.organisation.findUniqueOrThrow({
      where: { id: organisationId },
      select: { decisionKind: true, ballot: true, quorumCount: true, quorumPercent: true, ballotClosesAfterMinutes: true },
    });
    const { ballotClosesAfterMinutes, ...snapshot } = rule;
    // A secret ballot with a set close is counted at that instant only (DecisionsRepository.closeBallot).
    const closesAt = ballotClosesAt({ ...snapshot, ballotClosesAfterMinutes }, this.clock.now());
    const motion = await tx.motion.create({
      data: { organisationId, strikeId, kind: proposal.kind, createdById: actorId, payload: proposalToJson(proposal), ...snapshot, closesAt },
      select: { id: true },
    });
    return motion.id;
  }

  private async lockStrike(tx: Tx, organisationId: string, strikeId: string): Promise<StrikeState | null> {
    const [row] = await tx.$queryRaw<{ state: StrikeState }[]>`
      SELECT state::text AS state FROM strikes
      WHERE id = ${strikeId}::uuid AND organisation_id = ${organisationId}::uuid
      FOR UPDATE`;
    return row?.state ?? null;
  }
}
