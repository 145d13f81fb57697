// Calendar arithmetic on day keys ("2026-12-05"): days are calendar days of the organisation's zone.
import { dayKey, fromZonedInput } from './time';

const parse = (key: string) => {
  const [y, m, d] = key.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d));
};
const format = (d: Date) => d.toISOString().slice(0, 10);

export function addDays(key: string, n: number): string {
  const d = parse(key);
  d.setUTCDate(d.getUTCDate() + n);
  return format(d);
}

export function addMonths(key: string, n: number): string {
  const d = parse(key);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));
  return format(target);
}

/** Monday of the week holding the day (weeks start on Monday, as in France). */
export function weekStart(key: string): string {
  const dow = (parse(key).getUTCDay() + 6) % 7;
  return addDays(key, -dow);
}

export function weekDays(key: string): string[] {
  const start = weekStart(key);
  return Array.from({ length: 7 }, (_, i) => addDays(start, i));
}

/** The weeks shown for a month: from the Monday on or before the 1st to the Sunday on or after its last day. */
export function monthWeeks(key: string): string[][] {
  const first = `${key.slice(0, 7)}-01`;
  const last = addDays(addMonths(first, 1), -1);
  const weeks: string[][] = [];
  for (let start = weekStart(first); start <= last; start = addDays(start, 7)) weeks.push(weekDays(start));
  return weeks;
}

/** The instants a range of days covers in the zone: [start of first day, start of the day after the last). */
export function daysToInstants(firstDay: string, lastDay: string, timeZone: string): { from: string; to: string } {
  return { from: fromZonedInput(`${firstDay}T00:00`, timeZone)!, to: fromZonedInput(`${addDays(lastDay, 1)}T00:00`, timeZone)! };
}

export interface Window {
  startsAt: string;
  endsAt: string;
}

/** Whether a window overlaps a day of the zone. */
export function overlapsDay(w: Window, key: string, timeZone: string): boolean {
  const { from, to } = daysToInstants(key, key, timeZone);
  return new Date(w.startsAt).getTime() < new Date(to).getTime() && new Date(w.endsAt).getTime() > new Date(from).getTime();
}

export function inWindow(at: string, w: Window): boolean {
  const t = new Date(at).getTime();
  return new Date(w.startsAt).getTime() <= t && t < new Date(w.endsAt).getTime();
}

export function today(timeZone: string, now: Date = new Date()): string {
  return dayKey(now, timeZone);
}

export function isDayKey(value: string | null): value is string {
  return Boolean(value && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(parse(value).getTime()));
}
