import { describe, expect, it } from '@jest/globals';
import { addDays, addMonths, daysToInstants, isDayKey, monthWeeks, overlapsDay, weekDays } from './calendar';

describe('calendar', () => {
  it('weeks start on Monday', () => {
    expect(weekDays('2026-12-05')).toEqual(['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06']);
    expect(weekDays('2026-11-30')[0]).toBe('2026-11-30');
    expect(weekDays('2026-12-06')[0]).toBe('2026-11-30');
  });

  it('a month shows whole weeks around it', () => {
    const weeks = monthWeeks('2026-12-17');
    expect(weeks[0]![0]).toBe('2026-11-30');
    expect(weeks.at(-1)!.at(-1)).toBe('2027-01-03');
    expect(weeks.every((w) => w.length === 7)).toBe(true);
    expect(monthWeeks('2026-02-10')).toHaveLength(5); // 1 February 2026 is a Sunday
    expect(monthWeeks('2027-02-10')).toHaveLength(4); // 1 February 2027 is a Monday, 28 days
  });

  it('adds days and months across year ends', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addMonths('2026-12-17', 1)).toBe('2027-01-01');
    expect(addMonths('2026-01-31', -1)).toBe('2025-12-01');
  });

  it('turns days into instants of the zone, DST included', () => {
    expect(daysToInstants('2026-10-25', '2026-10-25', 'Europe/Paris')).toEqual({ from: '2026-10-25T00:00:00+02:00', to: '2026-10-26T00:00:00+01:00' });
  });

  it('says which days a strike window overlaps, in the zone', () => {
    const w = { startsAt: '2026-12-05T22:30:00Z', endsAt: '2026-12-06T10:00:00Z' }; // 23:30 to 11:00 in Paris
    expect(overlapsDay(w, '2026-12-05', 'Europe/Paris')).toBe(true);
    expect(overlapsDay(w, '2026-12-06', 'Europe/Paris')).toBe(true);
    expect(overlapsDay(w, '2026-12-07', 'Europe/Paris')).toBe(false);
    expect(overlapsDay(w, '2026-12-06', 'America/New_York')).toBe(true);
    expect(overlapsDay(w, '2026-12-05', 'Asia/Tokyo')).toBe(false);
  });

  it('checks day keys', () => {
    expect(isDayKey('2026-12-05')).toBe(true);
    expect(isDayKey('2026-13-45x')).toBe(false);
    expect(isDayKey(null)).toBe(false);
  });
});
