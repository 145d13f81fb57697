import { describe, expect, it } from '@jest/globals';
import { occupiedDisplayName, planSlots, resumeTimes, rotationIndex, shiftedTime } from './planner.js';

const t = (m: number) => new Date(Date.UTC(2026, 11, 5, 9, m));

describe('planSlots', () => {
  it('keeps the spacing from the opening post and between slots', () => {
    const slots = planSlots([t(0), t(5), t(14), t(15), t(29), t(31), t(50)], [t(0)], 15 * 60_000, t(0), t(60));
    expect(slots).toEqual([t(15), t(31), t(50)]);
  });

  it('ignores held posts at or after the end, and places early ones at the start', () => {
    expect(planSlots([t(-3), t(70)], [], 60_000, t(0), t(60))).toEqual([t(0)]);
  });

  it('leaves room for a closing post already planned', () => {
    expect(planSlots([t(55)], [t(0), t(60)], 10 * 60_000, t(0), t(61))).toEqual([]);
  });
});

describe('resumeTimes', () => {
  it('spaces each account from the end, oldest first, never before the original time', () => {
    const held = [
      { id: 'b', accountId: 'A', at: t(10) },
      { id: 'a', accountId: 'A', at: t(5) },
      { id: 'c', accountId: 'B', at: t(7) },
      { id: 'd', accountId: 'A', at: t(200) },
    ];
    const out = resumeTimes(held, t(60), 5 * 60_000);
    expect(out.get('a')).toEqual(t(60));
    expect(out.get('b')).toEqual(t(65));
    expect(out.get('c')).toEqual(t(60));
    expect(out.get('d')).toEqual(t(200));
  });
});

describe('shiftedTime and the rest', () => {
  it('shifts by the length, not into the past', () => {
    expect(shiftedTime(t(10), 60 * 60_000, t(0))).toEqual(t(70));
    expect(shiftedTime(t(-10), 5 * 60_000, t(0))).toEqual(t(0));
  });

  it('rotates messages and builds display names', () => {
    expect([0, 1, 2, 3].map((n) => rotationIndex(n, 3))).toEqual([0, 1, 2, 0]);
    expect(occupiedDisplayName('Le Média', '✊', 'en grève')).toBe('✊ Le Média en grève');
    expect(occupiedDisplayName('Le Média', null, '(en grève)')).toBe('Le Média (en grève)');
  });
});
