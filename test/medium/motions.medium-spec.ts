import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { MotionProposal } from '#strikes/domain/motion.js';
import { approvedStrike, MIN, newMedium, seedOrganisation, seedPosts, strikeSpec, type Medium, type Org } from './support/medium.js';

/** Amend, stop and extend through the real decision path: the plan of domain/motion-effects.ts, written. */
describe('what approved motions do to their strike', () => {
  let m: Medium;

  beforeAll(async () => {
    m = await newMedium();
  });
  afterAll(() => m?.close());

  async function decide(org: Org, strikeId: string, proposal: MotionProposal, allowed: ('approved' | 'running')[]) {
    const opened = await m.strikes.openMotion(org.organisationId, strikeId, org.admin.memberId, proposal, allowed, {});
    if (!opened.ok) throw new Error(`motion refused: ${opened.refusal}`);
    for (const v of org.voters) await m.decisions.castVote(org.organisationId, opened.motionId, v.memberId, 'approve');
    return (await m.lifecycle.find(strikeId))!;
  }
  const strikePosts = (strikeId: string) =>
    m.db.delivery.findMany({ where: { strikeId }, include: { post: { select: { strikeRole: true } } }, orderBy: [{ scheduledAt: 'asc' }, { id: 'asc' }] });

  it('an amendment before the start replaces the spec; the old strike posts are cancelled and new ones wait', async () => {
    const org = await seedOrganisation(m);
    const t0 = m.clock.now().getTime();
    const spec = strikeSpec(org, { startsAt: new Date(t0 + 60 * MIN), endsAt: new Date(t0 + 120 * MIN) });
    const id = await approvedStrike(m, org, spec);
    const amended = { ...spec, startsAt: new Date(t0 + 70 * MIN), endsAt: new Date(t0 + 150 * MIN), heldPolicy: 'drop' as const };
    const after = await decide(org, id, { kind: 'amend', spec: amended }, ['approved']);
    expect(after).toMatchObject({ state: 'approved', startsAt: amended.startsAt, endsAt: amended.endsAt, effectiveFrom: amended.startsAt, heldPolicy: 'drop' });
    const posts = (await strikePosts(id)).map((d) => [d.post.strikeRole, d.state, d.scheduledAt.getTime() - t0, d.cancelReason]);
    expect(posts).toEqual([
      ['opening', 'cancelled', 60 * MIN, 'Replaced by an amendment'],
      ['opening', 'scheduled', 70 * MIN, null],
      ['closing', 'cancelled', 120 * MIN, 'Replaced by an amendment'],
      ['closing', 'scheduled', 150 * MIN, null],
    ]);
  });

  it('a stop before the start cancels the strike and its posts', async () => {
    const org = await seedOrganisation(m);
    const t0 = m.clock.now().getTime();
    const id = await approvedStrike(m, org, strikeSpec(org, { startsAt: new Date(t0 + 60 * MIN), endsAt: new Date(t0 + 120 * MIN) }));
    m.clock.advance(10 * MIN);
    expect(await decide(org, id, { kind: 'stop', note: null }, ['approved', 'running'])).toMatchObject({ state: 'cancelled', endedAt: m.clock.now() });
    expect((await strikePosts(id)).every((d) => d.state === 'cancelled' && d.cancelReason === 'The strike was cancelled by decision')).toBe(true);
  });

  it('a stop while running ends it now: the closing post moves to now, later slots are cancelled; an extension moves the end later', async () => {
    const org = await seedOrganisation(m);
    const t0 = m.clock.now().getTime();
    const start = new Date(t0 + 60 * MIN);
    await seedPosts(m, org, [40, 80].map((x) => new Date(start.getTime() + x * MIN)));
    const id = await approvedStrike(m, org, strikeSpec(org, { startsAt: start, endsAt: new Date(t0 + 180 * MIN) }));
    m.clock.set(start);
    await m.lifecycle.start(id, m.clock.now());

    m.clock.advance(20 * MIN);
    const extended = await decide(org, id, { kind: 'extend', endsAt: new Date(t0 + 200 * MIN) }, ['approved', 'running']);
    expect(extended).toMatchObject({ state: 'running', endsAt: new Date(t0 + 200 * MIN) });
    const closing = async () => (await strikePosts(id)).filter((d) => d.post.strikeRole === 'closing').map((d) => d.scheduledAt.getTime() - t0);
    expect(await closing()).toEqual([200 * MIN]);

    m.clock.advance(30 * MIN); // 50 minutes into the strike: the slot at +40 is past, the one at +80 is not
    const stopped = await decide(org, id, { kind: 'stop', note: null }, ['approved', 'running']);
    expect(stopped).toMatchObject({ state: 'running', endsAt: m.clock.now() });
    expect(await closing()).toEqual([110 * MIN]);
    const rows = (await strikePosts(id)).map((d) => [d.post.strikeRole, d.state, d.scheduledAt.getTime() - t0]);
    expect(rows).toEqual([
      ['opening', 'scheduled', 60 * MIN],
      ['slot', 'scheduled', 100 * MIN],
      ['closing', 'scheduled', 110 * MIN],
      ['slot', 'cancelled', 140 * MIN],
    ]);
    // The end comes with the clock, as the end job or the strike clock would run it.
    expect((await m.lifecycle.end(id, m.clock.now())).ended).toBe(true);
  });
});
