import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BadRequestException, ConflictException, ForbiddenException, HttpException } from '@nestjs/common';
import { AuditRepository } from '#database/audit.repository.js';
import { PrismaService } from '#database/prisma.service.js';
import type { Caller } from '#domain/models.js';
import { DecisionsService } from '#strikes/services/decisions.service.js';
import type { StrikeScheduler } from '#strikes/services/strike-scheduler.js';
import { StrikesService } from '#strikes/services/strikes.service.js';
import { MIN, newMedium, seedOrganisation, strikeSpec, type Medium, type Org } from './support/medium.js';

/**
 * The strike services the API's controllers call (libs/strikes/services), on the real repositories
 * with a fixed clock: the refusals a member hears, and that an approval reaches the scheduler once
 * it is committed. The scheduler's queue is not here (medium tier): its calls are recorded instead.
 */
describe('strike and decision services', () => {
  let m: Medium;
  let prisma: PrismaService;
  let strikes: StrikesService;
  let decisions: DecisionsService;
  const kicked: string[] = [];

  beforeAll(async () => {
    m = await newMedium();
    prisma = new PrismaService(m.config);
    const scheduler = { kick: async (id: string) => void kicked.push(id) } as unknown as StrikeScheduler;
    strikes = new StrikesService(m.strikes, m.decisions, m.clock);
    decisions = new DecisionsService(m.decisions, new AuditRepository(prisma), scheduler, m.clock);
  });
  afterAll(async () => {
    await prisma?.onApplicationShutdown();
    await m?.close();
  });

  const window = (fromMin: number, toMin: number) => {
    const now = m.clock.now().getTime();
    return { startsAt: new Date(now + fromMin * MIN), endsAt: new Date(now + toMin * MIN) };
  };
  const status = (err: unknown) => (err instanceof HttpException ? { status: err.getStatus(), body: err.getResponse() } : err);
  const refused = async (p: Promise<unknown>) => status(await p.then(() => null, (e: unknown) => e));

  async function proposed(org: Org) {
    const detail = await strikes.propose(org.admin, strikeSpec(org, window(60, 120)));
    return { strikeId: detail.strike.id, motionId: detail.motions[0]!.id };
  }
  async function approve(org: Org, motionId: string) {
    let last;
    for (const v of org.voters) last = await decisions.vote(v, motionId, 'approve');
    return last!;
  }

  it('a proposal waits for its vote; the approval reaches the scheduler once, after the decision', async () => {
    const org = await seedOrganisation(m, { voters: 2 });
    const { strikeId, motionId } = await proposed(org);
    expect((await strikes.get(org.admin, strikeId)).strike.state).toBe('proposed');
    const first = await decisions.vote(org.voters[0]!, motionId, 'approve');
    expect(first.motion.status).toBe('open');
    expect(kicked).not.toContain(strikeId);
    const second = await decisions.vote(org.voters[1]!, motionId, 'approve');
    expect(second).toMatchObject({ motion: { status: 'approved', approvals: 2, eligible: 2 }, eligibleNow: 2 });
    expect(kicked.filter((k) => k === strikeId)).toHaveLength(1);
    expect(await refused(decisions.vote(org.voters[0]!, motionId, 'reject'))).toMatchObject({ status: 409 });
  });

  it('a viewer has no vote; an assembly held in the future is refused, naming the field', async () => {
    const org = await seedOrganisation(m, { voters: 1, rule: { decisionKind: 'assembly' } });
    const { motionId } = await proposed(org);
    const viewer: Caller = { ...org.admin, role: 'viewer' };
    await expect(decisions.vote(viewer, motionId, 'approve')).rejects.toBeInstanceOf(ForbiddenException);
    const future = new Date(m.clock.now().getTime() + MIN).toISOString();
    const vote = { votesFor: 3, votesAgainst: 1, votesAbstain: 0, minutes: 'AG' };
    expect(await refused(decisions.recordAssembly(org.admin, motionId, { heldAt: future, ...vote }))).toMatchObject({ status: 400, body: { errors: [{ field: 'heldAt' }] } });
    const done = await decisions.recordAssembly(org.admin, motionId, { heldAt: m.clock.now().toISOString(), ...vote });
    expect(done.motion.status).toBe('approved');
  });

  it('a secret ballot with a set close is counted by closeDueBallots at its close, on the clock', async () => {
    const org = await seedOrganisation(m, { voters: 2, rule: { ballot: 'secret', ballotClosesAfterMinutes: 15 } });
    const { strikeId, motionId } = await proposed(org);
    await approve(org, motionId);
    expect(await decisions.closeDueBallots()).toBe(0);
    m.clock.advance(15 * MIN);
    expect(await decisions.closeDueBallots()).toBe(1);
    expect((await decisions.motion(org.admin, motionId)).motion).toMatchObject({ status: 'approved', votes: [{ choice: null }, { choice: null }] });
    expect(kicked).toContain(strikeId);
  });

  it('edits a proposal in place (its votes reset), turns an edit of an approved strike into an amend motion, refuses one in force', async () => {
    const org = await seedOrganisation(m, { voters: 2 });
    const { strikeId, motionId } = await proposed(org);
    await decisions.vote(org.voters[0]!, motionId, 'approve');
    const seen: string[] = [];
    const retitled = (title: string) => async (current: { title: string }) => {
      seen.push(current.title);
      return { ...strikeSpec(org, window(60, 120)), title };
    };
    const edited = await strikes.edit(org.admin, strikeId, retitled('Grève des salaires'));
    expect(edited.strike.title).toBe('Grève des salaires');
    expect(edited.motions[0]!.votes).toEqual([]);
    expect(await refused(strikes.edit(org.admin, strikeId, retitled('Grève des salaires')))).toMatchObject({ status: 400, body: { errors: [{ field: 'body' }] } });

    await approve(org, motionId);
    const amended = await strikes.edit(org.admin, strikeId, retitled('Grève amendée'));
    expect(amended.strike.title).toBe('Grève des salaires');
    expect(amended.motions.map((x) => [x.proposal.kind, x.status])).toEqual([['approve', 'approved'], ['amend', 'open']]);
    expect(await refused(strikes.edit(org.admin, strikeId, retitled('Encore')))).toMatchObject({ status: 409 });

    // In force (its effective instant has come): no edit, whether or not the start job has run.
    m.clock.advance(60 * MIN);
    const before = seen.length;
    await expect(strikes.edit(org.admin, strikeId, retitled('Trop tard'))).rejects.toBeInstanceOf(ConflictException);
    expect(seen).toHaveLength(before);
  });

  it('stop and extend open motions on a strike in force only; an extension is later and within the longest strike', async () => {
    const org = await seedOrganisation(m, { voters: 2 });
    const { strikeId, motionId } = await proposed(org);
    expect(await refused(strikes.stop(org.admin, strikeId, undefined))).toMatchObject({ status: 409, body: { message: expect.stringContaining('withdraw its approve motion') } });
    await approve(org, motionId);
    const strike = (await strikes.get(org.admin, strikeId)).strike;
    const earlier = new Date(strike.endsAt.getTime() - MIN).toISOString();
    const tooLong = new Date(strike.startsAt.getTime() + 32 * 24 * 60 * MIN).toISOString();
    await expect(strikes.extend(org.admin, strikeId, earlier)).rejects.toBeInstanceOf(BadRequestException);
    expect(await refused(strikes.extend(org.admin, strikeId, tooLong))).toMatchObject({ status: 400, body: { errors: [{ field: 'endsAt', message: expect.stringContaining('31 days') }] } });
    const extend = await strikes.extend(org.admin, strikeId, new Date(strike.endsAt.getTime() + 30 * MIN).toISOString());
    expect(extend.motion).toMatchObject({ status: 'open', proposal: { kind: 'extend' } });
    const stop = await strikes.stop(org.admin, strikeId, '  accord trouvé  ');
    expect(stop.motion.proposal).toEqual({ kind: 'stop', note: 'accord trouvé' });
    expect(await refused(strikes.stop(org.admin, strikeId, undefined))).toMatchObject({ status: 409, body: { message: expect.stringContaining('already open') } });
  });
});
