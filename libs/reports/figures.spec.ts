import { describe, expect, it } from '@jest/globals';
import {
  addCounts, carryForwardSum, engagement, hourlyBuckets, MAX_FILLED_HOURS, mean, median, rankByEngagement, ratio, stats, sumCounts, type Point,
} from './figures.js';

const at = (iso: string) => new Date(iso);
const p = (iso: string, favourites: number, boosts: number, replies: number, quotes: number | null = null, impressions: number | null = null): Point => ({
  at: at(iso), favourites, boosts, replies, quotes, impressions,
});

describe('median and mean', () => {
  it('takes the middle value of an odd count, whatever the input order', () => {
    expect(median([9, 1, 5])).toBe(5);
    expect(median([7])).toBe(7);
  });

  it('takes the mean of the two middle values of an even count', () => {
    expect(median([4, 1, 10, 3])).toBe(3.5); // sorted 1 3 4 10 → (3 + 4) / 2
    expect(median([2, 2])).toBe(2);
  });

  it('is null for nothing, and does not reorder its input', () => {
    const xs = [3, 1, 2];
    expect(median([])).toBeNull();
    expect(mean([])).toBeNull();
    median(xs);
    expect(xs).toEqual([3, 1, 2]);
  });

  it('means add up and divide', () => {
    expect(mean([1, 2, 3, 10])).toBe(4);
  });

  it('stats leave unknown values out rather than counting them as 0', () => {
    expect(stats([4, null, 2, null])).toEqual({ n: 2, median: 3, mean: 3 });
    expect(stats([null])).toEqual({ n: 0, median: null, mean: null });
  });
});

describe('ratio', () => {
  it('divides, and is null against an empty or zero baseline', () => {
    expect(ratio(17, 5)).toBeCloseTo(3.4);
    expect(ratio(3, 0)).toBeNull();
    expect(ratio(3, null)).toBeNull();
    expect(ratio(null, 2)).toBeNull();
    expect(ratio(0, 2)).toBe(0);
  });
});

describe('counts', () => {
  it('adds, keeping quotes and impressions null until one post has them', () => {
    const a = { favourites: 1, boosts: 2, replies: 3, quotes: null, impressions: null };
    const b = { favourites: 10, boosts: 20, replies: 30, quotes: 4, impressions: null };
    expect(addCounts(a, b)).toEqual({ favourites: 11, boosts: 22, replies: 33, quotes: 4, impressions: null });
    expect(sumCounts([])).toEqual({ favourites: 0, boosts: 0, replies: 0, quotes: null, impressions: null });
    expect(engagement(b)).toBe(60);
  });

  it('ranks by favourites + boosts + replies, then the earlier post, then the id', () => {
    const c = (f: number) => ({ favourites: f, boosts: 0, replies: 0, quotes: null, impressions: null });
    const ranked = rankByEngagement([
      { id: 'b', at: at('2026-01-01T10:00:00Z'), counts: c(5) },
      { id: 'a', at: at('2026-01-01T10:00:00Z'), counts: c(5) },
      { id: 'c', at: at('2026-01-01T09:00:00Z'), counts: c(5) },
      { id: 'd', at: at('2026-01-01T11:00:00Z'), counts: c(9) },
    ]);
    expect(ranked.map((r) => r.id)).toEqual(['d', 'c', 'a', 'b']);
  });
});

describe('carryForwardSum', () => {
  it('sums each post at its last known value, at every distinct snapshot time', () => {
    const a = [p('2026-01-01T10:00:00Z', 1, 0, 0), p('2026-01-01T10:10:00Z', 4, 1, 0), p('2026-01-01T10:30:00Z', 6, 2, 1)];
    const b = [p('2026-01-01T10:05:00Z', 2, 2, 2), p('2026-01-01T10:10:00Z', 3, 2, 2)];
    expect(carryForwardSum([a, b])).toEqual([
      p('2026-01-01T10:00:00Z', 1, 0, 0), // a only: b has no snapshot yet
      p('2026-01-01T10:05:00Z', 3, 2, 2), // a 1,0,0 carried + b 2,2,2
      p('2026-01-01T10:10:00Z', 7, 3, 2), // both at once: a 4,1,0 + b 3,2,2
      p('2026-01-01T10:30:00Z', 9, 4, 3), // a 6,2,1 + b 3,2,2 carried
    ]);
  });

  it('keeps quotes null until a post reports them, and carries them forward too', () => {
    const a = [p('2026-01-01T10:00:00Z', 0, 0, 0, null), p('2026-01-01T11:00:00Z', 0, 0, 0, 2)];
    const b = [p('2026-01-01T10:30:00Z', 0, 0, 0, 5), p('2026-01-01T12:00:00Z', 0, 0, 0, null)];
    expect(carryForwardSum([a, b]).map((x) => x.quotes)).toEqual([null, 5, 7, 2]);
  });

  it('is empty without snapshots', () => {
    expect(carryForwardSum([])).toEqual([]);
    expect(carryForwardSum([[], []])).toEqual([]);
  });
});

describe('hourlyBuckets', () => {
  it('floors to the hour (UTC), adds up and fills the quiet hours with 0', () => {
    const one = (iso: string) => ({ at: at(iso), count: 1 });
    expect(hourlyBuckets([one('2026-01-01T12:59:59Z'), one('2026-01-01T10:00:00Z'), one('2026-01-01T10:45:00Z'), one('2026-01-01T12:00:00Z')])).toEqual([
      { hour: at('2026-01-01T10:00:00Z'), count: 2 },
      { hour: at('2026-01-01T11:00:00Z'), count: 0 },
      { hour: at('2026-01-01T12:00:00Z'), count: 2 },
    ]);
    expect(hourlyBuckets([])).toEqual([]);
  });

  it('lists only the busy hours over a span too long to fill', () => {
    const far = new Date(Date.parse('2026-01-01T00:00:00Z') + (MAX_FILLED_HOURS + 5) * 3600_000);
    expect(hourlyBuckets([{ at: at('2026-01-01T00:10:00Z'), count: 3 }, { at: far, count: 1 }])).toHaveLength(2);
  });
});
