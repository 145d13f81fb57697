import { describe, expect, it } from '@jest/globals';
import { STRIKE_STATES } from './strike.js';
import { FINISHED_STATES, movesFrom, nextState, STRIKE_MOVES } from './transitions.js';

describe('the strike transition table', () => {
  it('lists the moves of each state', () => {
    expect(Object.fromEntries(STRIKE_STATES.map((s) => [s, movesFrom(s)]))).toEqual({
      proposed: ['approve', 'reject', 'withdraw', 'lapse'],
      approved: ['amend', 'start', 'cancel', 'end'],
      running: ['end'],
      rejected: [],
      ended: [],
      cancelled: [],
    });
  });

  it('finished states are left by no move', () => {
    for (const s of FINISHED_STATES) expect(movesFrom(s)).toEqual([]);
  });

  it.each(Object.entries(STRIKE_MOVES).flatMap(([move, t]) => STRIKE_STATES.map((s) => [move, s, (t.from as readonly string[]).includes(s) ? t.to : null] as const)))(
    '%s from %s gives %s',
    (move, state, expected) => {
      expect(nextState(state, move as keyof typeof STRIKE_MOVES)).toBe(expected);
    },
  );
});
