import { ConflictException, ForbiddenException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { CLOCK, type Clock } from '#clock/clock.js';
import { AuditRepository, type AuditRecord } from '#database/audit.repository.js';
import { invalidField } from '#core/errors.js';
import type { Caller } from '#domain/models.js';
import type { MotionDetail } from '../domain/motion.js';
import { VOTING_ROLES, type DecisionRule, type VoteChoice } from '../domain/strike.js';
import { DecisionsRepository, type DecisionResult } from '../persistence/decisions.repository.js';
import { StrikeScheduler } from './strike-scheduler.js';

/** An assembly's vote as a person records it (the API's AssemblyDto, checked). */
export interface AssemblyInput {
  heldAt: string;
  votesFor: number;
  votesAgainst: number;
  votesAbstain: number;
  minutes: string;
}

/**
 * A collective's decisions: its rule, votes, assembly records, withdrawals and ballots closing on
 * time. The rules are the domain's (domain/decisions.ts, domain/strike.ts); each act is one locked
 * transaction (DecisionsRepository); an approval reaches the queue once committed (StrikeScheduler).
 * Refusals are HTTP errors that say what to do instead.
 */
@Injectable()
export class DecisionsService {
  constructor(
    private readonly decisions: DecisionsRepository,
    private readonly audit: AuditRepository,
    private readonly scheduler: StrikeScheduler,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  rule(caller: Caller): Promise<DecisionRule> {
    return this.decisions.rule(caller.organisationId);
  }

  setRule(caller: Caller, rule: DecisionRule): Promise<DecisionRule> {
    return this.decisions.setRule(caller.organisationId, caller.memberId, rule);
  }

  async motion(caller: Caller, id: string): Promise<MotionDetail> {
    await this.closeDueBallots();
    const [motion, eligibleNow] = await Promise.all([
      this.decisions.find(caller.organisationId, id),
      this.decisions.eligibleCount(caller.organisationId),
    ]);
    if (!motion) throw new NotFoundException(`No motion ${id} in your organisation`);
    return { motion, eligibleNow };
  }

  /** One vote per member, changeable until the decision; the vote that reaches the rule decides. */
  async vote(caller: Caller, id: string, choice: VoteChoice): Promise<MotionDetail> {
    if (!(VOTING_ROLES as readonly string[]).includes(caller.role)) {
      throw new ForbiddenException('Viewers have no vote: only admins, community managers and members vote on strikes');
    }
    const result = await this.decisions.castVote(caller.organisationId, id, caller.memberId, choice);
    await this.settled(result, id);
    return this.motion(caller, id);
  }

  async recordAssembly(caller: Caller, id: string, dto: AssemblyInput): Promise<MotionDetail> {
    const heldAt = new Date(dto.heldAt);
    if (heldAt.getTime() > this.clock.now().getTime()) throw invalidField('heldAt', `is in the future (${dto.heldAt}); record an assembly that has voted`);
    const result = await this.decisions.recordAssembly(caller.organisationId, id, caller.memberId, {
      heldAt,
      votesFor: dto.votesFor,
      votesAgainst: dto.votesAgainst,
      votesAbstain: dto.votesAbstain,
      minutes: dto.minutes,
    });
    await this.settled(result, id);
    return this.motion(caller, id);
  }

  /** The member who opened a motion, or an admin, may take it back while it is open. */
  async withdraw(caller: Caller, id: string): Promise<MotionDetail> {
    const { motion } = await this.motion(caller, id);
    if (motion.createdById !== caller.memberId && caller.role !== 'admin') {
      throw new ForbiddenException('Only the member who opened this motion, or an admin, may withdraw it');
    }
    await this.settled(await this.decisions.withdraw(caller.organisationId, id, caller.memberId), id);
    return this.motion(caller, id);
  }

  /** Counts every ballot whose set close has come (the ballot clock, and reads that must not show a stale state). */
  async closeDueBallots(now = this.clock.now()): Promise<number> {
    let closed = 0;
    for (const m of await this.decisions.dueBallots(now)) {
      const result = await this.decisions.closeBallot(m.organisationId, m.id, now);
      if (result.ok && result.decision) {
        closed++;
        if (result.decision === 'approved') await this.afterDecision(result.strikeId);
      }
    }
    return closed;
  }

  async auditTrail(caller: Caller, q: { strikeId?: string; cursor?: string; limit?: number }): Promise<{ items: AuditRecord[]; nextCursor: string | null }> {
    const limit = q.limit ?? 100;
    const items = await this.audit.list(caller.organisationId, {
      strikeId: q.strikeId,
      afterId: q.cursor !== undefined ? BigInt(q.cursor) : undefined,
      limit: limit + 1,
    });
    const page = items.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page, nextCursor: items.length > limit && last ? last.id : null };
  }

  /** Turns a refusal into its HTTP error; after an approval, tells the scheduler (once committed). */
  private async settled(result: DecisionResult, motionId: string): Promise<void> {
    if (result.ok) {
      // The single place a committed approval reaches the queue: start/end jobs and strike posts.
      if (result.decision === 'approved') await this.afterDecision(result.strikeId);
      return;
    }
    switch (result.refusal) {
      case 'not-found':
        throw new NotFoundException(`No motion ${motionId} in your organisation`);
      case 'wrong-procedure':
        throw new ConflictException(
          result.decisionKind === 'assembly'
            ? "this organisation decides by assembly: an admin records the assembly's vote (POST /v1/motions/:id/assembly)"
            : 'this motion is decided by votes in Piquet, not by recording an assembly',
        );
      case 'closed':
        throw new ConflictException(`this motion is ${result.status}: it is no longer open`);
      case 'ballot-closed':
        throw new ConflictException(`this ballot closed at ${result.closesAt.toISOString()}: it is being counted`);
      case 'strike-closed':
        throw new ConflictException(`this motion's strike is ${result.state}: the motion can no longer change it; withdraw it`);
    }
  }

  /** Best effort by design (StrikeScheduler logs and the worker's clock catches up): the decision is already committed. */
  private afterDecision(strikeId: string): Promise<void> {
    return this.scheduler.kick(strikeId);
  }
}
