import { describe, expect, it } from '@jest/globals';
import { firstSnapshotAt, nextSnapshotAt, parseSchedule } from './schedule.js';

const MIN = 60_000;
const H = 60 * MIN;
const D = 24 * H;
const steps = parseSchedule('5m@2h,1h@2d,1d@30d');
const published = new Date('2026-12-05T09:00:00Z');
const after = (ms: number) => new Date(published.getTime() + ms);

describe('snapshot schedule', () => {
  it('parses steps and refuses malformed ones', () => {
    expect(steps).toEqual([
      { everyMs: 5 * MIN, untilMs: 2 * H },
      { everyMs: H, untilMs: 2 * D },
      { everyMs: D, untilMs: 30 * D },
    ]);
    expect(() => parseSchedule('5x@2h')).toThrow(/duration/);
    expect(() => parseSchedule('1h@2h,5m@1h')).toThrow(/greater age/);
    expect(() => parseSchedule('3h@2h')).toThrow(/shorter/);
  });

  it('is every 5 minutes for 2 hours, hourly to 2 days, daily to 30 days, then stops', () => {
    const times: number[] = [];
    let at: Date | null = firstSnapshotAt(published, steps);
    while (at) {
      times.push(at.getTime() - published.getTime());
      at = nextSnapshotAt(published, at, steps);
    }
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(times[0]).toBe(5 * MIN);
    expect(times.filter((t) => t <= 2 * H)).toHaveLength(24);
    expect(times.filter((t) => t > 2 * H && t <= 2 * D)).toHaveLength(46);
    expect(times.filter((t) => t > 2 * D)).toHaveLength(28);
    expect(times[times.length - 1]).toBe(30 * D);
    expect(new Set(gaps)).toEqual(new Set([5 * MIN, H, D]));
  });

  it('keeps the grid when a poll comes late', () => {
    expect(nextSnapshotAt(published, after(7 * MIN), steps)).toEqual(after(10 * MIN));
    expect(nextSnapshotAt(published, after(3 * H + 20 * MIN), steps)).toEqual(after(4 * H));
    expect(nextSnapshotAt(published, after(31 * D), steps)).toBeNull();
  });
});
