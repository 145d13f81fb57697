import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { CLOCK, type Clock } from '#clock/clock.js';
import { invalidField } from '#core/errors.js';
import type { Caller } from '#domain/models.js';
import type { MotionDetail, MotionProposal, StrikeDetail } from '../domain/motion.js';
import type { AmendedSites } from '../domain/motion-effects.js';
import { MAX_STRIKE_DAYS, type StrikeRecord, type StrikeSpec, type StrikeState } from '../domain/strike.js';
import { DecisionsRepository } from '../persistence/decisions.repository.js';
import { StrikesRepository, type OpenMotionResult } from '../persistence/strikes.repository.js';

const DAY_MS = 86_400_000;
/** Stop and extend act on a strike in force or about to be; a proposal is withdrawn instead. */
const STOPPABLE: readonly StrikeState[] = ['approved', 'running'];

/**
 * What a member does to a strike: propose it, edit a proposal, or open the motion that amends,
 * stops or extends an approved one. Nothing here changes an approved strike: that is a decision's
 * (DecisionsService). Specs arrive checked (the API's StrikeSpecBuilder turns a request into one).
 */
@Injectable()
export class StrikesService {
  constructor(
    private readonly strikes: StrikesRepository,
    private readonly decisions: DecisionsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** A proposal waits for its decision: the proposer's own vote is not cast for them. */
  async propose(caller: Caller, spec: StrikeSpec): Promise<StrikeDetail> {
    const strike = await this.strikes.propose(caller.organisationId, caller.memberId, spec, summary(spec));
    return this.detail(caller, strike);
  }

  async list(caller: Caller, q: { state?: StrikeState; limit?: number; cursor?: string }): Promise<{ items: StrikeRecord[]; nextCursor: string | null }> {
    const limit = q.limit ?? 50;
    const items = await this.strikes.list(caller.organisationId, {
      state: q.state,
      before: q.cursor ? decodeCursor(q.cursor) : undefined,
      limit: limit + 1,
    });
    const page = items.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page, nextCursor: items.length > limit && last ? encodeCursor(last) : null };
  }

  async get(caller: Caller, id: string): Promise<StrikeDetail> {
    return this.detail(caller, await this.find(caller, id));
  }

  /**
   * A proposed strike is edited in place and its approvals start again. An approved one stays as
   * approved: the edit becomes an amend motion, decided by the same rule (docs/strikes.md rule 4).
   * `specFor` builds the new spec from the current one, once the strike is known to be editable;
   * `sitesFor` gives the websites in scope after the edit, or undefined when they do not change.
   */
  async edit(
    caller: Caller,
    id: string,
    specFor: (current: StrikeRecord, now: Date) => Promise<StrikeSpec>,
    sitesFor?: () => Promise<AmendedSites | undefined>,
  ): Promise<StrikeDetail> {
    const current = await this.find(caller, id);
    const now = this.clock.now();
    // An approved window already in force is running for the gate, whether or not the start job has run yet.
    const inForce = current.state === 'approved' && current.effectiveFrom !== null && current.effectiveFrom <= now;
    if (current.state === 'running' || inForce) throw new ConflictException('a running strike can only be stopped or extended, each by decision');
    if (current.state !== 'proposed' && current.state !== 'approved') {
      throw new ConflictException(`this strike is ${current.state}: it can no longer be changed`);
    }
    const spec = await specFor(current, now);
    // Sites live in libs/sites: undefined when the edit leaves them as they are.
    const sites = sitesFor ? await sitesFor() : undefined;
    const changes = [...changedFields(current, spec), ...(sites ? ['sites'] : [])];
    if (changes.length === 0) throw invalidField('body', 'changes nothing: give at least one field with a new value');
    const detail = { changes, ...summary(spec), ...(sites ? { sites } : {}) };

    if (current.state === 'proposed') {
      const result = await this.strikes.editProposed(caller.organisationId, id, caller.memberId, spec, detail, sites);
      if (!result.ok) throw this.movedOn(id, result.refusal === 'state' ? result.state : null);
      return this.detail(caller, result.strike);
    }
    const opened = await this.strikes.openMotion(caller.organisationId, id, caller.memberId, { kind: 'amend', spec, ...(sites ? { sites } : {}) }, ['approved'], detail);
    this.opened(opened, 'amend', id);
    return this.get(caller, id);
  }

  /** For an approved strike, a stop cancels it; for a running one, it ends it now. Both by decision. */
  async stop(caller: Caller, id: string, note: string | undefined): Promise<MotionDetail> {
    const strike = await this.find(caller, id);
    this.mustBeInForce(strike, 'stopped');
    const text = note?.trim() || null;
    return this.open(caller, strike, { kind: 'stop', note: text }, { note: text, effect: strike.state === 'running' ? 'end now' : 'cancel' });
  }

  async extend(caller: Caller, id: string, endsAtText: string): Promise<MotionDetail> {
    const strike = await this.find(caller, id);
    this.mustBeInForce(strike, 'extended');
    const endsAt = new Date(endsAtText);
    if (endsAt <= strike.endsAt) throw invalidField('endsAt', `must be later than the current end (${strike.endsAt.toISOString()})`);
    if (endsAt.getTime() - strike.startsAt.getTime() > MAX_STRIKE_DAYS * DAY_MS) {
      throw invalidField('endsAt', `would make the strike last more than ${MAX_STRIKE_DAYS} days`);
    }
    return this.open(caller, strike, { kind: 'extend', endsAt }, { from: strike.endsAt, to: endsAt });
  }

  private async open(caller: Caller, strike: StrikeRecord, proposal: MotionProposal, detail: Record<string, unknown>): Promise<MotionDetail> {
    const opened = await this.strikes.openMotion(caller.organisationId, strike.id, caller.memberId, proposal, STOPPABLE, detail);
    const motionId = this.opened(opened, proposal.kind, strike.id);
    const [motion, eligibleNow] = await Promise.all([
      this.decisions.find(caller.organisationId, motionId),
      this.decisions.eligibleCount(caller.organisationId),
    ]);
    return { motion: motion!, eligibleNow };
  }

  private opened(result: OpenMotionResult, kind: MotionProposal['kind'], strikeId: string): string {
    if (result.ok) return result.motionId;
    if (result.refusal === 'not-found') throw new NotFoundException(`No strike ${strikeId} in your organisation`);
    if (result.refusal === 'duplicate') {
      throw new ConflictException(`an ${kind} motion is already open on this strike (${result.motionId}): it must be decided or withdrawn first`);
    }
    throw this.movedOn(strikeId, result.state);
  }

  private mustBeInForce(strike: StrikeRecord, verb: string): void {
    if (STOPPABLE.includes(strike.state)) return;
    if (strike.state === 'proposed') {
      throw new ConflictException(`a proposed strike is not ${verb}: withdraw its approve motion (POST /v1/motions/:id/withdraw) or edit it`);
    }
    throw new ConflictException(`this strike is ${strike.state}: only an approved or running strike can be ${verb}`);
  }

  /** The strike changed state between our read and the locked write (a decision landed meanwhile). */
  private movedOn(strikeId: string, state: StrikeState | null): ConflictException {
    return new ConflictException(
      state ? `strike ${strikeId} is now ${state}: nothing was changed; read it again and retry` : `strike ${strikeId} changed meanwhile; retry`,
    );
  }

  private async find(caller: Caller, id: string): Promise<StrikeRecord> {
    const strike = await this.strikes.find(caller.organisationId, id);
    if (!strike) throw new NotFoundException(`No strike ${id} in your organisation`);
    return strike;
  }

  private async detail(caller: Caller, strike: StrikeRecord): Promise<StrikeDetail> {
    const [motions, eligibleNow] = await Promise.all([
      this.decisions.forStrike(caller.organisationId, strike.id),
      this.decisions.eligibleCount(caller.organisationId),
    ]);
    return { strike, motions, eligibleNow };
  }
}

/** What the audit trail keeps of a spec: enough to tell what was decided. */
function summary(spec: StrikeSpec): Record<string, unknown> {
  return {
    title: spec.title,
    window: { startsAt: spec.startsAt, endsAt: spec.endsAt },
    scope: spec.allAccounts ? { allAccounts: true } : { accountIds: spec.accountIds },
    mode: spec.mode,
  };
}

const SPEC_KEYS = [
  'title',
  'reason',
  'startsAt',
  'endsAt',
  'allAccounts',
  'accountIds',
  'mode',
  'heldPolicy',
  'resumeSpacingSeconds',
  'occupationSpacingSeconds',
  'messages',
  'profile',
] as const satisfies readonly (keyof StrikeSpec)[];

function changedFields(before: StrikeSpec, after: StrikeSpec): string[] {
  const norm = (s: StrikeSpec, k: (typeof SPEC_KEYS)[number]) => canonical(k === 'accountIds' ? [...s.accountIds].sort() : s[k]);
  return SPEC_KEYS.filter((k) => norm(before, k) !== norm(after, k));
}

/** JSON with sorted keys: Postgres' jsonb gives keys back in its own order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

function encodeCursor(s: StrikeRecord): string {
  return Buffer.from(`${s.createdAt.toISOString()}|${s.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(at ?? '');
  if (!id || !/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(createdAt.getTime())) throw invalidField('cursor', 'is not a cursor this API gave');
  return { createdAt, id };
}
