import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MIN, newMedium, seedOrganisation, strikeSpec, type Medium, type Org } from './support/medium.js';

/** Votes, tallies and what each decision does to its strike, on the real repositories with a fixed clock. */
describe('decisions and tallies', () => {
  let m: Medium;

  beforeAll(async () => {
    m = await newMedium();
  });
  afterAll(() => m?.close());

  async function proposal(org: Org) {
    const now = m.clock.now().getTime();
    const strike = await m.strikes.propose(org.organisationId, org.admin.memberId, strikeSpec(org, { startsAt: new Date(now + 60 * MIN), endsAt: new Date(now + 120 * MIN) }), {});
    const motion = (await m.decisions.forStrike(org.organisationId, strike.id))[0]!;
    return { strikeId: strike.id, motionId: motion.id };
  }
  const state = async (id: string) => (await m.lifecycle.find(id))!.state;

  it('approves when approvals reach max(count, percent of voters) and outnumber rejections', async () => {
    // 5 voters, max(2, 50 % of 5 → 3) = 3 approvals needed.
    const org = await seedOrganisation(m, { voters: 5 });
    const { strikeId, motionId } = await proposal(org);
    const [a, b, c, d] = org.voters;
    expect(await m.decisions.castVote(org.organisationId, motionId, a!.memberId, 'approve')).toMatchObject({ ok: true, decision: null });
    expect(await m.decisions.castVote(org.organisationId, motionId, b!.memberId, 'reject')).toMatchObject({ ok: true, decision: null });
    expect(await m.decisions.castVote(org.organisationId, motionId, c!.memberId, 'approve')).toMatchObject({ ok: true, decision: null });
    // A vote changed before the decision counts as changed.
    expect(await m.decisions.castVote(org.organisationId, motionId, b!.memberId, 'approve')).toMatchObject({ ok: true, decision: 'approved' });
    expect(await m.decisions.castVote(org.organisationId, motionId, d!.memberId, 'reject')).toMatchObject({ ok: false, refusal: 'closed' });
    const motion = (await m.decisions.find(org.organisationId, motionId))!;
    expect(motion).toMatchObject({ status: 'approved', approvals: 3, rejections: 0, eligible: 5, decidedAt: m.clock.now() });
    expect(await state(strikeId)).toBe('approved');
    // Approved before its start: effective at the start, with its opening and closing posts waiting.
    const strike = (await m.lifecycle.find(strikeId))!;
    expect(strike.effectiveFrom).toEqual(strike.startsAt);
    expect((await m.lifecycle.pendingDeliveries(strikeId)).map((p) => p.scheduledAt.getTime()).sort()).toEqual([strike.startsAt.getTime(), strike.endsAt.getTime()]);
  });

  it('rejects when rejections would carry it the other way; the strike is rejected', async () => {
    const org = await seedOrganisation(m, { voters: 3 });
    const { strikeId, motionId } = await proposal(org);
    await m.decisions.castVote(org.organisationId, motionId, org.voters[0]!.memberId, 'reject');
    expect(await m.decisions.castVote(org.organisationId, motionId, org.voters[1]!.memberId, 'reject')).toMatchObject({ decision: 'rejected' });
    expect(await state(strikeId)).toBe('rejected');
    expect(await m.decisions.castVote(org.organisationId, motionId, org.voters[2]!.memberId, 'approve')).toMatchObject({ ok: false });
  });

  it('a secret ballot with a set close is counted only at the close, on the clock', async () => {
    const org = await seedOrganisation(m, { voters: 3, rule: { ballot: 'secret', ballotClosesAfterMinutes: 30 } });
    const { strikeId, motionId } = await proposal(org);
    const motion = (await m.decisions.find(org.organisationId, motionId))!;
    expect(motion.closesAt).toEqual(new Date(m.clock.now().getTime() + 30 * MIN));
    for (const v of org.voters) expect(await m.decisions.castVote(org.organisationId, motionId, v.memberId, 'approve')).toMatchObject({ decision: null });
    expect(await m.decisions.dueBallots(m.clock.now())).toEqual([]);
    expect(await m.decisions.closeBallot(org.organisationId, motionId, m.clock.now())).toMatchObject({ decision: null });
    m.clock.advance(30 * MIN);
    expect(await m.decisions.castVote(org.organisationId, motionId, org.voters[0]!.memberId, 'reject')).toMatchObject({ ok: false, refusal: 'ballot-closed' });
    expect(await m.decisions.dueBallots(m.clock.now())).toEqual([{ id: motionId, organisationId: org.organisationId }]);
    expect(await m.decisions.closeBallot(org.organisationId, motionId, m.clock.now())).toMatchObject({ decision: 'approved' });
    expect(await state(strikeId)).toBe('approved');
    // No one's choice is kept in clear.
    expect((await m.decisions.find(org.organisationId, motionId))!.votes.every((v) => v.choice === null)).toBe(true);
  });

  it('a secret ballot that does not carry at its close is rejected', async () => {
    const org = await seedOrganisation(m, { voters: 4, rule: { ballot: 'secret', ballotClosesAfterMinutes: 10 } });
    const { strikeId, motionId } = await proposal(org);
    await m.decisions.castVote(org.organisationId, motionId, org.voters[0]!.memberId, 'approve');
    m.clock.advance(10 * MIN);
    expect(await m.decisions.closeBallot(org.organisationId, motionId, m.clock.now())).toMatchObject({ decision: 'rejected' });
    expect(await state(strikeId)).toBe('rejected');
  });

  it("an assembly's vote decides at once: for > against", async () => {
    const org = await seedOrganisation(m, { voters: 1, rule: { decisionKind: 'assembly' } });
    const yes = await proposal(org);
    expect(await m.decisions.castVote(org.organisationId, yes.motionId, org.admin.memberId, 'approve')).toMatchObject({ ok: false, refusal: 'wrong-procedure' });
    const vote = { heldAt: m.clock.now(), votesAbstain: 1, minutes: 'AG du 5 décembre' };
    expect(await m.decisions.recordAssembly(org.organisationId, yes.motionId, org.admin.memberId, { ...vote, votesFor: 12, votesAgainst: 11 })).toMatchObject({ decision: 'approved' });
    expect(await state(yes.strikeId)).toBe('approved');
    const no = await proposal(org);
    expect(await m.decisions.recordAssembly(org.organisationId, no.motionId, org.admin.memberId, { ...vote, votesFor: 11, votesAgainst: 11 })).toMatchObject({ decision: 'rejected' });
    expect(await state(no.strikeId)).toBe('rejected');
  });

  it('withdrawing the approve motion cancels the proposal; a decided strike refuses votes', async () => {
    const org = await seedOrganisation(m, { voters: 2 });
    const { strikeId, motionId } = await proposal(org);
    expect(await m.decisions.withdraw(org.organisationId, motionId, org.admin.memberId)).toMatchObject({ ok: true });
    expect(await state(strikeId)).toBe('cancelled');
    expect((await m.lifecycle.find(strikeId))!.endedAt).toEqual(m.clock.now());
    expect(await m.decisions.castVote(org.organisationId, motionId, org.admin.memberId, 'approve')).toMatchObject({ ok: false, refusal: 'closed' });
  });

  it('approved once its window is over, a strike lapses: cancelled, never effective', async () => {
    const org = await seedOrganisation(m, { voters: 2 });
    const { strikeId, motionId } = await proposal(org);
    m.clock.advance(121 * MIN);
    for (const v of org.voters) await m.decisions.castVote(org.organisationId, motionId, v.memberId, 'approve');
    const strike = (await m.lifecycle.find(strikeId))!;
    expect(strike).toMatchObject({ state: 'cancelled', effectiveFrom: null, endedAt: m.clock.now() });
    const audit = await m.db.auditEntry.findMany({ where: { strikeId }, orderBy: { at: 'asc' } });
    expect(audit.map((a) => a.action)).toContain('strike.cancelled');
  });

  it('a strike decided after its start takes effect the gate margin after the decision', async () => {
    const org = await seedOrganisation(m, { voters: 2 });
    const { strikeId, motionId } = await proposal(org);
    m.clock.advance(70 * MIN);
    for (const v of org.voters) await m.decisions.castVote(org.organisationId, motionId, v.memberId, 'approve');
    expect((await m.lifecycle.find(strikeId))!.effectiveFrom).toEqual(new Date(m.clock.now().getTime() + m.marginMs));
  });
});
