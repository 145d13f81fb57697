import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { STRIKE_STATES, type StrikeState } from '#strikes/domain/strike.js';
import { STRIKE_MOVES, type StrikeMove } from '#strikes/domain/transitions.js';
import { moveStrike } from '#strikes/persistence/strike-state.js';
import { MIN, newMedium, seedOrganisation, strikeSpec, type Medium, type Org } from './support/medium.js';

/** Every move of the table from every state, written through the one writer: allowed ones move, the others change nothing. */
describe('strike transitions', () => {
  let m: Medium;
  let org: Org;

  beforeAll(async () => {
    m = await newMedium();
    org = await seedOrganisation(m);
  });
  afterAll(() => m?.close());

  async function strikeIn(state: StrikeState): Promise<string> {
    const now = m.clock.now().getTime();
    const created = await m.strikes.propose(org.organisationId, org.admin.memberId, strikeSpec(org, { startsAt: new Date(now + 60 * MIN), endsAt: new Date(now + 120 * MIN) }), {});
    // Test setup only: the strike is put in the state under test directly.
    await m.db.strike.update({ where: { id: created.id }, data: { state } });
    return created.id;
  }

  const cases = (Object.keys(STRIKE_MOVES) as StrikeMove[]).flatMap((move) =>
    STRIKE_STATES.map((from) => {
      const allowed = (STRIKE_MOVES[move].from as readonly StrikeState[]).includes(from);
      return { move, from, allowed, to: allowed ? STRIKE_MOVES[move].to : from };
    }),
  );

  it.each(cases)('$move from $from: allowed $allowed, ends $to', async ({ move, from, allowed, to }) => {
    const id = await strikeIn(from);
    const moved = await m.db.$transaction((tx) => moveStrike(tx, id, move));
    expect(moved).toBe(allowed);
    expect((await m.lifecycle.find(id))!.state).toBe(to);
  });

  it('start and end are refused outside their time, whatever the state allows', async () => {
    const id = await strikeIn('approved');
    const now = m.clock.now();
    await m.db.strike.update({ where: { id }, data: { effectiveFrom: new Date(now.getTime() + MIN) } });
    expect((await m.lifecycle.start(id, now)).started).toBe(false);
    expect((await m.lifecycle.end(id, now)).ended).toBe(false);
    expect((await m.lifecycle.start(id, new Date(now.getTime() + MIN))).started).toBe(true);
    expect((await m.lifecycle.start(id, new Date(now.getTime() + MIN))).started).toBe(false);
    expect((await m.lifecycle.find(id))!.state).toBe('running');
  });
});
