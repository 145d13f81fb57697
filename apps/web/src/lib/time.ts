// Dates and times are shown in the organisation's time zone, with the zone named (Intl only).

/** "5 Dec 2026, 09:00 CET" in the given zone and language. */
export function formatDateTime(at: string | Date, timeZone: string, locale: string, opts: { withZone?: boolean } = {}): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    ...(opts.withZone === false ? {} : { timeZoneName: 'short' }),
  } as Intl.DateTimeFormatOptions).format(new Date(at));
}

export function formatTime(at: string | Date, timeZone: string, locale: string, opts: { seconds?: boolean } = {}): string {
  const seconds = opts.seconds ? { second: '2-digit' as const } : {};
  return new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit', ...seconds }).format(new Date(at));
}

/** The zone as people read it: "Europe/Paris (CET)" — the abbreviation of the given instant. */
export function zoneLabel(timeZone: string, locale: string, at: Date = new Date()): string {
  const part = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'short' }).formatToParts(at).find((p) => p.type === 'timeZoneName');
  return part && part.value !== timeZone ? `${timeZone} (${part.value})` : timeZone;
}

/** Wall-clock fields of an instant in a zone. */
export function wallClock(at: Date, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute') };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The value of an `<input type="datetime-local">` showing this instant in the zone. */
export function toZonedInput(at: string | Date, timeZone: string): string {
  const w = wallClock(new Date(at), timeZone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
}

/** Offset of the zone at an instant, in minutes east of UTC. */
export function zoneOffsetMinutes(at: Date, timeZone: string): number {
  const w = wallClock(at, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  return Math.round((asUtc - Math.floor(at.getTime() / 60_000) * 60_000) / 60_000);
}

/**
 * The instant a wall-clock time in the zone names, as ISO 8601 with its offset (what the API wants).
 * A time skipped by a DST change moves forward; an ambiguous one takes the first occurrence.
 */
export function fromZonedInput(value: string, timeZone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  const naive = Date.UTC(y, mo - 1, d, h, mi);
  // Two passes settle the offset, including around a DST change.
  let offset = zoneOffsetMinutes(new Date(naive), timeZone);
  offset = zoneOffsetMinutes(new Date(naive - offset * 60_000), timeZone);
  const instant = new Date(naive - offset * 60_000);
  // Written with the offset in force at that instant (a skipped time reads as the time after the gap).
  offset = zoneOffsetMinutes(instant, timeZone);
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  const local = new Date(instant.getTime() + offset * 60_000);
  return `${local.toISOString().slice(0, 19)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Calendar day key (YYYY-MM-DD) of an instant in the zone. */
export function dayKey(at: string | Date, timeZone: string): string {
  const w = wallClock(new Date(at), timeZone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}`;
}
