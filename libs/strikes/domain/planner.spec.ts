import { describe, expect, it } from '@jest/globals';
import {
  effectiveFrom,
  heldByWindow,
  heldFates,
  nativeFates,
  nativeParkTime,
  occupiedDisplayName,
  parksNative,
  planSlots,
  resumeTimes,
  returnTimes,
  rotationIndex,
  rotationOf,
  shiftedTime,
  slotsFrom,
  strikeLengthMs,
} from './planner.js';

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

describe('the rules the lifecycle, the natively scheduled posts and the preview share', () => {
  it('measures the length from the effective instant', () => {
    expect(strikeLengthMs({ startsAt: t(0), effectiveFrom: t(5), endsAt: t(60) })).toBe(55 * 60_000);
    expect(strikeLengthMs({ startsAt: t(0), effectiveFrom: null, endsAt: t(60) })).toBe(60 * 60_000);
  });

  it('takes effect at the start, or the gate margin after a late decision', () => {
    expect(effectiveFrom(t(10), t(0), 60_000)).toEqual(t(10));
    expect(effectiveFrom(t(10), t(20), 60_000)).toEqual(t(21));
  });

  it('holds what is due from the gate margin before the window to its end', () => {
    const held = (m: number) => heldByWindow(t(m), t(0), t(60), 60_000);
    expect([-5, -2, -1, 0, 59, 60].map(held)).toEqual([false, false, true, true, true, false]);
  });

  it('brings posts back by resume or shift, and rotates through the opening when no rotation is given', () => {
    const held = [{ id: 'a', accountId: 'A', at: t(5) }, { id: 'b', accountId: 'A', at: t(6) }];
    const o = { at: t(60), lengthMs: 60 * 60_000, resumeSpacingMs: 5 * 60_000 };
    expect([...returnTimes('resume', held, o).values()]).toEqual([t(60), t(65)]);
    expect([...returnTimes('shift', held, o).values()]).toEqual([t(65), t(66)]);
    const m = (text: string) => ({ text, contentWarning: null, media: [] });
    expect(rotationOf({ opening: m('o'), rotation: [], closing: null })).toEqual([m('o')]);
    expect(rotationOf({ opening: m('o'), rotation: [m('r')], closing: null })).toEqual([m('r')]);
    expect(rotationOf({ opening: null, rotation: [], closing: m('c') })).toEqual([]);
  });
});

describe("fates, for the strike's own queue and for natively scheduled posts", () => {
  const strike = (heldPolicy: 'resume' | 'shift' | 'drop' | 'review') => ({
    heldPolicy,
    startsAt: t(0),
    effectiveFrom: t(0),
    endsAt: t(60),
    resumeSpacingSeconds: 300,
  });
  const held = [{ id: 'a', accountId: 'A', at: t(5) }, { id: 'b', accountId: 'A', at: t(6) }];

  it('gives each policy its fate, with times only for those that bring posts back', () => {
    expect(heldFates(strike('resume'), held, t(60))).toEqual({ fate: 'resumed', times: new Map([['a', t(60)], ['b', t(65)]]) });
    expect(heldFates(strike('shift'), held, t(60))).toEqual({ fate: 'shifted', times: new Map([['a', t(65)], ['b', t(66)]]) });
    expect(heldFates(strike('drop'), held, t(60))).toEqual({ fate: 'dropped', times: null });
    expect(heldFates(strike('review'), held, t(60))).toEqual({ fate: 'review', times: null });
  });

  it('parks natively scheduled posts due before the end a year past it, and brings them back from the first instant the instance accepts', () => {
    expect([t(-10), t(59), t(60)].map((at) => parksNative(at, { endsAt: t(60) }))).toEqual([true, true, false]);
    expect(nativeParkTime({ endsAt: t(60) }).getTime()).toBe(t(60).getTime() + 365 * 24 * 3600_000);
    expect(nativeFates(strike('resume'), held, t(60))).toEqual({ fate: 'resumed', times: new Map([['a', t(66)], ['b', t(71)]]) });
    expect(nativeFates(strike('shift'), held, t(62))).toEqual({ fate: 'shifted', times: new Map([['a', t(68)], ['b', t(68)]]) });
  });

  it('places slots from the effective instant, never in the past', () => {
    expect(slotsFrom({ effectiveFrom: t(10) }, t(0))).toEqual(t(10));
    expect(slotsFrom({ effectiveFrom: t(10) }, t(20))).toEqual(t(20));
    expect(slotsFrom({ effectiveFrom: null }, t(20))).toEqual(t(20));
  });
});
