import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { SecretBox } from '#crypto/secret-box.js';
import { AuditRepository } from '#database/audit.repository.js';
import type { Motion, Prisma } from '#database/generated/client.js';
import { PrismaService } from '#database/prisma.service.js';
import { CLOCK, type Clock } from '#clock/clock.js';
import {
  ballotClosed,
  ballotDue,
  voteToStore,
  countedAtEachVote,
  decisionOf,
  moveWhen,
  motionRefusal,
  tallyVotes,
  type DecisionRefusal,
  type Tally,
} from '../domain/decisions.js';
import type { MotionRecord } from '../domain/motion.js';
import { approvalsNeeded, assemblyCarries, VOTING_ROLES, type DecisionRule, type VoteChoice } from '../domain/strike.js';
import { FINISHED_STATES } from '../domain/transitions.js';
import { openChoice, sealChoice } from './ballot-box.js';
import { proposalFromJson } from './motion-payload.js';
import { applyMotion } from './strike-effects.js';
import { moveStrike } from './strike-state.js';

type Tx = Prisma.TransactionClient;

export interface AssemblyVote {
  heldAt: Date;
  votesFor: number;
  votesAgainst: number;
  votesAbstain: number;
  minutes: string;
}

export type { DecisionRefusal } from '../domain/decisions.js';

export type DecisionResult =
  | ({ ok: false } & DecisionRefusal)
  | { ok: true; strikeId: string; decision: 'approved' | 'rejected' | null };

const VOTE_SELECT = { memberId: true, choice: true, castAt: true } as const;

/**
 * Motions, votes and decisions in Postgres. Each vote, count, assembly record and withdrawal is one
 * transaction holding the motion's row; the rules it applies are domain/decisions.ts's and
 * domain/strike.ts's, and an approved motion's effect is domain/motion-effects.ts's plan.
 */
@Injectable()
export class DecisionsRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditRepository,
    private readonly box: SecretBox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private get db() {
    return this.prisma.client;
  }

  async rule(organisationId: string): Promise<DecisionRule> {
    const org = await this.db.organisation.findUniqueOrThrow({
      where: { id: organisationId },
      select: { decisionKind: true, quorumCount: true, quorumPercent: true, ballot: true, ballotClosesAfterMinutes: true },
    });
    return {
      kind: org.decisionKind,
      quorumCount: org.quorumCount,
      quorumPercent: org.quorumPercent,
      ballot: org.ballot,
      secretBallotClosesAfterMinutes: org.ballotClosesAfterMinutes,
    };
  }

  /** Open motions keep the rule they opened with (their snapshot columns); only new motions see this one. */
  async setRule(organisationId: string, actorId: string, rule: DecisionRule): Promise<DecisionRule> {
    return this.db.$transaction(async (tx) => {
      const before = await tx.organisation.findUniqueOrThrow({
        where: { id: organisationId },
        select: { decisionKind: true, quorumCount: true, quorumPercent: true, ballot: true },
      });
      await tx.organisation.update({
        where: { id: organisationId },
        data: {
          decisionKind: rule.kind,
          quorumCount: rule.quorumCount,
          quorumPercent: rule.quorumPercent,
          ballot: rule.ballot,
          ballotClosesAfterMinutes: rule.secretBallotClosesAfterMinutes ?? null,
        },
      });
      await this.audit.record(tx, {
        organisationId,
        actorId,
        action: 'decision-rule.changed',
        detail: {
          before: { kind: before.decisionKind, quorumCount: before.quorumCount, quorumPercent: before.quorumPercent, ballot: before.ballot },
          after: rule,
        },
      });
      return { ...rule, secretBallotClosesAfterMinutes: rule.secretBallotClosesAfterMinutes ?? null };
    });
  }

  /** Members with a vote: not removed, and with a voting role. Counted anew at each vote. */
  eligibleCount(organisationId: string, tx: Tx = this.db): Promise<number> {
    return tx.member.count({ where: { organisationId, removedAt: null, role: { in: [...VOTING_ROLES] } } });
  }

  async find(organisationId: string, id: string): Promise<MotionRecord | null> {
    const row = await this.db.motion.findFirst({
      where: { id, organisationId },
      include: { votes: { select: VOTE_SELECT, orderBy: [{ castAt: 'asc' }, { memberId: 'asc' }] } },
    });
    if (!row) return null;
    return (await this.withNames(organisationId, [row]))[0]!;
  }

  async forStrike(organisationId: string, strikeId: string): Promise<MotionRecord[]> {
    const rows = await this.db.motion.findMany({
      where: { strikeId, organisationId },
      include: { votes: { select: VOTE_SELECT, orderBy: [{ castAt: 'asc' }, { memberId: 'asc' }] } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return this.withNames(organisationId, rows);
  }

  /**
   * Casts or changes a vote, then counts and decides, in one transaction holding the motion's row:
   * two last votes arriving together are counted one after the other, so exactly one of them
   * decides, and no vote is accepted after the decision.
   */
  async castVote(organisationId: string, motionId: string, memberId: string, choice: VoteChoice): Promise<DecisionResult> {
    return this.db.$transaction(async (tx): Promise<DecisionResult> => {
      const locked = await this.lockOpenMotion(tx, organisationId, motionId, 'votes');
      if (!locked.ok) return locked;
      const motion = locked.motion;
      const now = this.clock.now();
      const closed = ballotClosed(motion, now);
      if (closed) return { ok: false, ...closed };
      const previous = await tx.vote.findUnique({ where: { motionId_memberId: { motionId, memberId } }, select: { choice: true } });
      const { sealed, audit } = voteToStore(motion.ballot, choice, previous ? previous.choice : undefined);
      const cast = sealed
        ? { choice: null, sealedChoice: sealChoice(this.box, motionId, memberId, choice), castAt: now }
        : { choice, sealedChoice: null, castAt: now };
      await tx.vote.upsert({ where: { motionId_memberId: { motionId, memberId } }, create: { motionId, memberId, ...cast }, update: cast });
      await this.audit.record(tx, { organisationId, strikeId: motion.strikeId, motionId, actorId: memberId, action: 'vote.cast', detail: audit });
      if (!countedAtEachVote(motion)) return { ok: true, strikeId: motion.strikeId, decision: null };
      const tally = await this.tally(tx, organisationId, motion);
      const decision = decisionOf(motion, tally, 'vote');
      if (decision) await this.decide(tx, motion, decision, now, tally, { ...tally, needed: approvalsNeeded(motion, tally.eligible) });
      return { ok: true, strikeId: motion.strikeId, decision };
    });
  }

  /** Ballots with a set close that are due, with their organisation. */
  async dueBallots(now: Date): Promise<{ id: string; organisationId: string }[]> {
    return this.db.motion.findMany({
      where: { status: 'open', closesAt: { lte: now }, strike: { state: { notIn: [...FINISHED_STATES] } } },
      select: { id: true, organisationId: true },
      orderBy: { closesAt: 'asc' },
      take: 100,
    });
  }

  /**
   * Counts a ballot at its set close and decides it for good: approved if the rule is met, else
   * rejected (no vote comes after). Same locked transaction as a vote, so it runs once.
   */
  async closeBallot(organisationId: string, motionId: string, now: Date): Promise<DecisionResult> {
    return this.db.$transaction(async (tx): Promise<DecisionResult> => {
      const locked = await this.lockOpenMotion(tx, organisationId, motionId, 'votes');
      if (!locked.ok) return locked;
      const motion = locked.motion;
      if (!ballotDue(motion, now)) return { ok: true, strikeId: motion.strikeId, decision: null };
      const tally = await this.tally(tx, organisationId, motion);
      const decision = decisionOf(motion, tally, 'close')!;
      await this.decide(tx, motion, decision, now, tally, { ...tally, needed: approvalsNeeded(motion, tally.eligible), closedAt: motion.closesAt });
      return { ok: true, strikeId: motion.strikeId, decision };
    });
  }

  /** Records an assembly's vote: it decides the motion at once, in the same transaction as its effect. */
  async recordAssembly(organisationId: string, motionId: string, actorId: string, vote: AssemblyVote): Promise<DecisionResult> {
    return this.db.$transaction(async (tx): Promise<DecisionResult> => {
      const locked = await this.lockOpenMotion(tx, organisationId, motionId, 'assembly');
      if (!locked.ok) return locked;
      const motion = locked.motion;
      const now = this.clock.now();
      const decision = assemblyCarries(vote.votesFor, vote.votesAgainst) ? 'approved' : 'rejected';
      await this.audit.record(tx, {
        organisationId,
        strikeId: motion.strikeId,
        motionId,
        actorId,
        action: 'assembly.recorded',
        detail: { ...vote, outcome: decision },
      });
      await this.decide(
        tx,
        motion,
        decision,
        now,
        {
          assemblyDate: vote.heldAt,
          votesFor: vote.votesFor,
          votesAgainst: vote.votesAgainst,
          votesAbstain: vote.votesAbstain,
          minutes: vote.minutes,
          recordedById: actorId,
        },
        { votesFor: vote.votesFor, votesAgainst: vote.votesAgainst, votesAbstain: vote.votesAbstain },
      );
      return { ok: true, strikeId: motion.strikeId, decision };
    });
  }

  /** Withdrawing the approve motion of a proposed strike cancels the proposal. */
  async withdraw(organisationId: string, motionId: string, actorId: string): Promise<DecisionResult> {
    return this.db.$transaction(async (tx): Promise<DecisionResult> => {
      const locked = await this.lockOpenMotion(tx, organisationId, motionId, null);
      if (!locked.ok) return locked;
      const motion = locked.motion;
      const now = this.clock.now();
      await tx.motion.update({ where: { id: motionId }, data: { status: 'withdrawn', decidedAt: now } });
      const move = moveWhen('withdrawn', motion.kind);
      const strikeCancelled = move ? await moveStrike(tx, motion.strikeId, move, { endedAt: now }) : false;
      await this.audit.record(tx, {
        organisationId,
        strikeId: motion.strikeId,
        motionId,
        actorId,
        action: 'motion.withdrawn',
        detail: { kind: motion.kind, strikeCancelled },
      });
      return { ok: true, strikeId: motion.strikeId, decision: null };
    });
  }

  /**
   * Locks the motion's row (`FOR UPDATE`), then checks it is still open, decided the way asked
   * (`procedure`, or any for a withdrawal), and that its strike can still be changed.
   */
  private async lockOpenMotion(
    tx: Tx,
    organisationId: string,
    motionId: string,
    procedure: DecisionRule['kind'] | null,
  ): Promise<{ ok: true; motion: Motion } | ({ ok: false } & DecisionRefusal)> {
    const [lockedRow] = await tx.$queryRaw<{ id: string }[]>`
      SELECT id::text AS id FROM motions WHERE id = ${motionId}::uuid AND organisation_id = ${organisationId}::uuid FOR UPDATE`;
    if (!lockedRow) return { ok: false, refusal: 'not-found' };
    const motion = await tx.motion.findUniqueOrThrow({ where: { id: motionId } });
    // A withdrawal does not depend on the strike's state: it is not read then.
    const strike = procedure && motion.decisionKind === procedure && motion.status === 'open'
      ? await tx.strike.findUniqueOrThrow({ where: { id: motion.strikeId }, select: { state: true } })
      : null;
    const refused = motionRefusal(motion, procedure, strike?.state ?? null);
    return refused ? { ok: false, ...refused } : { ok: true, motion };
  }

  /**
   * The motion's tally among the members who have a vote now, read inside the locked transaction.
   * Secret choices are opened here, only to be counted (domain tallyVotes); they never leave this method.
   */
  private async tally(tx: Tx, organisationId: string, motion: Motion): Promise<Tally> {
    const voters = await tx.member.findMany({
      where: { organisationId, removedAt: null, role: { in: [...VOTING_ROLES] } },
      select: { id: true },
    });
    const votes = await tx.vote.findMany({ where: { motionId: motion.id }, select: { memberId: true, choice: true, sealedChoice: true } });
    const opened = votes.map((v) => ({
      memberId: v.memberId,
      choice: motion.ballot === 'secret' ? openChoice(this.box, motion.id, v.memberId, v.sealedChoice ?? '') : v.choice,
    }));
    return { eligible: voters.length, ...tallyVotes(opened, new Set(voters.map((v) => v.id))) };
  }

  /**
   * Records a decision on a locked open motion. An approved motion's effect on its strike is
   * applyMotion's alone; a rejected one moves it as domain moveWhen says.
   */
  private async decide(
    tx: Tx,
    motion: Motion,
    decision: 'approved' | 'rejected',
    decidedAt: Date,
    columns: Prisma.MotionUpdateManyMutationInput,
    detail: Record<string, unknown>,
  ): Promise<void> {
    // The row is locked, so this guard cannot miss; it keeps a second decision impossible even so.
    const { count } = await tx.motion.updateMany({ where: { id: motion.id, status: 'open' }, data: { status: decision, decidedAt, ...columns } });
    if (count !== 1) throw new Error(`Motion ${motion.id} was decided twice`);
    await this.audit.record(tx, {
      organisationId: motion.organisationId,
      strikeId: motion.strikeId,
      motionId: motion.id,
      // The collective decided, not whoever cast the last vote or typed in the assembly's result.
      actorId: null,
      action: `motion.${decision}`,
      detail: { kind: motion.kind, ...detail },
    });
    if (decision === 'approved') {
      // Publishes the gate let through just before the decision may still land for this long.
      const margin = this.config.networks.timeoutMs;
      await applyMotion(tx, { id: motion.id, strikeId: motion.strikeId, kind: motion.kind, payload: motion.payload }, decidedAt, margin);
    } else {
      const move = moveWhen('rejected', motion.kind);
      if (move) await moveStrike(tx, motion.strikeId, move);
    }
  }

  private async withNames(
    organisationId: string,
    rows: (Motion & { votes: { memberId: string; choice: VoteChoice | null; castAt: Date }[] })[],
  ): Promise<MotionRecord[]> {
    const ids = new Set<string>();
    for (const r of rows) {
      ids.add(r.createdById);
      if (r.recordedById) ids.add(r.recordedById);
      for (const v of r.votes) ids.add(v.memberId);
    }
    const members = ids.size
      ? await this.db.member.findMany({ where: { organisationId, id: { in: [...ids] } }, select: { id: true, name: true, role: true, removedAt: true } })
      : [];
    const names = new Map(members.map((m) => [m.id, m.name]));
    const voting = new Set(members.filter((m) => !m.removedAt && (VOTING_ROLES as readonly string[]).includes(m.role)).map((m) => m.id));
    return rows.map((r) => ({
      id: r.id,
      organisationId: r.organisationId,
      strikeId: r.strikeId,
      status: r.status,
      rule: { kind: r.decisionKind, ballot: r.ballot, quorumCount: r.quorumCount, quorumPercent: r.quorumPercent },
      proposal: proposalFromJson(r.kind, r.payload),
      createdById: r.createdById,
      createdByName: names.get(r.createdById) ?? null,
      createdAt: r.createdAt,
      decidedAt: r.decidedAt,
      closesAt: r.closesAt,
      approvals: r.approvals,
      rejections: r.rejections,
      eligible: r.eligible,
      assembly:
        r.assemblyDate && r.votesFor !== null && r.votesAgainst !== null && r.votesAbstain !== null
          ? {
              heldAt: r.assemblyDate,
              votesFor: r.votesFor,
              votesAgainst: r.votesAgainst,
              votesAbstain: r.votesAbstain,
              minutes: r.minutes ?? '',
              recordedById: r.recordedById,
              recordedByName: r.recordedById ? (names.get(r.recordedById) ?? null) : null,
            }
          : null,
      // A secret ballot's row holds no clear choice: `choice` is null there by construction.
      votes: r.votes.map((v) => ({
        memberId: v.memberId,
        memberName: names.get(v.memberId) ?? null,
        choice: r.ballot === 'secret' ? null : v.choice,
        castAt: v.castAt,
        counts: voting.has(v.memberId),
      })),
    }));
  }
}
