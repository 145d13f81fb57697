/**
 * The arithmetic of a strike report, as pure functions: medians, means, ratios, totals, the summed
 * time series (each post's last known value carried forward) and hourly buckets. No I/O here, so
 * the unit spec can check every figure against numbers worked out by hand.
 */

export const METRICS = ['favourites', 'boosts', 'replies', 'quotes', 'impressions'] as const;
export type Metric = (typeof METRICS)[number];

/** Engagement counts of one post at one moment; quotes and impressions only where the network gives them. */
export interface Counts {
  favourites: number;
  boosts: number;
  replies: number;
  quotes: number | null;
  impressions: number | null;
}

export const ZERO_COUNTS: Readonly<Counts> = Object.freeze({ favourites: 0, boosts: 0, replies: 0, quotes: null, impressions: null });

export interface Point extends Counts {
  at: Date;
}

export interface Stats {
  /** Posts with a value for this metric. */
  n: number;
  median: number | null;
  mean: number | null;
}

/** Median of the values; the mean of the two middle ones for an even count; null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Per-post statistics of one metric; posts without a value (null) are left out, not counted as 0. */
export function stats(values: readonly (number | null)[]): Stats {
  const known = values.filter((v): v is number => v !== null);
  return { n: known.length, median: median(known), mean: mean(known) };
}

/** a ÷ b, or null when either is unknown or the baseline is 0 (no ratio to a nothing). */
export function ratio(a: number | null, b: number | null): number | null {
  if (a === null || b === null || b === 0) return null;
  return a / b;
}

/** Favourites + boosts + replies: what strike posts are ranked by. */
export const engagement = (c: Counts): number => c.favourites + c.boosts + c.replies;

/** Adds counts; quotes and impressions stay null until some post has a value for them. */
export function addCounts(a: Counts, b: Counts): Counts {
  return {
    favourites: a.favourites + b.favourites,
    boosts: a.boosts + b.boosts,
    replies: a.replies + b.replies,
    quotes: addNullable(a.quotes, b.quotes),
    impressions: addNullable(a.impressions, b.impressions),
  };
}

const addNullable = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : a + b);

export const sumCounts = (list: Iterable<Counts>): Counts => {
  let total: Counts = { ...ZERO_COUNTS };
  for (const c of list) total = addCounts(total, c);
  return total;
};

export const countsOf = (c: Counts): Counts => ({
  favourites: c.favourites,
  boosts: c.boosts,
  replies: c.replies,
  quotes: c.quotes,
  impressions: c.impressions,
});

/**
 * The series summed over posts. At every distinct snapshot time, each post counts with its last
 * known value (carried forward), and not at all before its first snapshot. Each input series must
 * be in time order; the result is too. O(n log n) in the number of points.
 */
export function carryForwardSum(series: readonly (readonly Point[])[]): Point[] {
  const events: { t: number; post: number; point: Point }[] = [];
  series.forEach((points, post) => {
    for (const point of points) events.push({ t: point.at.getTime(), post, point });
  });
  // Stable sort: two snapshots of one post at the same instant keep their order, the later one wins.
  events.sort((a, b) => a.t - b.t);
  const current: (Counts | undefined)[] = new Array(series.length);
  const sum = { favourites: 0, boosts: 0, replies: 0, quotes: 0, impressions: 0 };
  // How many posts currently contribute a value to quotes and impressions: none means null.
  const known = { quotes: 0, impressions: 0 };
  const out: Point[] = [];
  for (let i = 0; i < events.length; i++) {
    const { t, post, point } = events[i]!;
    const before = current[post];
    for (const m of ['favourites', 'boosts', 'replies'] as const) sum[m] += point[m] - (before?.[m] ?? 0);
    for (const m of ['quotes', 'impressions'] as const) {
      const old = before?.[m] ?? null;
      const now = point[m];
      sum[m] += (now ?? 0) - (old ?? 0);
      known[m] += (now === null ? 0 : 1) - (old === null ? 0 : 1);
    }
    current[post] = point;
    if (i + 1 === events.length || events[i + 1]!.t !== t) {
      out.push({
        at: new Date(t),
        favourites: sum.favourites,
        boosts: sum.boosts,
        replies: sum.replies,
        quotes: known.quotes > 0 ? sum.quotes : null,
        impressions: known.impressions > 0 ? sum.impressions : null,
      });
    }
  }
  return out;
}

const HOUR_MS = 3600_000;
/** Beyond this many hours (a year), empty hours are left out rather than listed one by one. */
export const MAX_FILLED_HOURS = 24 * 366;

/**
 * Counts per hour (UTC), every hour from the first to the last one present, empty hours included
 * as 0 so a chart shows the quiet ones. Entries may be single events (count 1) or counts already
 * grouped by hour; they are floored to their hour and added up.
 */
export function hourlyBuckets(entries: Iterable<{ at: Date; count: number }>): { hour: Date; count: number }[] {
  const byHour = new Map<number, number>();
  for (const e of entries) {
    const hour = Math.floor(e.at.getTime() / HOUR_MS) * HOUR_MS;
    byHour.set(hour, (byHour.get(hour) ?? 0) + e.count);
  }
  if (byHour.size === 0) return [];
  const hours = [...byHour.keys()].sort((a, b) => a - b);
  const first = hours[0]!;
  const last = hours[hours.length - 1]!;
  if ((last - first) / HOUR_MS + 1 > MAX_FILLED_HOURS) return hours.map((h) => ({ hour: new Date(h), count: byHour.get(h)! }));
  const out: { hour: Date; count: number }[] = [];
  for (let h = first; h <= last; h += HOUR_MS) out.push({ hour: new Date(h), count: byHour.get(h) ?? 0 });
  return out;
}

/** Ranks items by engagement (desc), then earlier first, then by id: the same order every time. */
export function rankByEngagement<T extends { id: string; at: Date | null; counts: Counts }>(items: readonly T[]): T[] {
  return [...items].sort(
    (a, b) =>
      engagement(b.counts) - engagement(a.counts) ||
      (a.at?.getTime() ?? 0) - (b.at?.getTime() ?? 0) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** The counts each network gives, by the name Piquet stores them under: what its reports show. */
export const NETWORK_METRICS: Record<string, readonly Metric[]> = {
  mastodon: ['favourites', 'boosts', 'replies', 'quotes'],
  x: ['favourites', 'boosts', 'replies', 'quotes', 'impressions'],
  bluesky: ['favourites', 'boosts', 'replies', 'quotes'],
};

/** What each network calls a metric: the report names them as the people on that network know them. */
export const NETWORK_METRIC_NAMES: Record<string, Partial<Record<Metric, string>>> = {
  mastodon: { favourites: 'favourites', boosts: 'boosts', replies: 'replies', quotes: 'quotes' },
  x: { favourites: 'likes', boosts: 'reposts', replies: 'replies', quotes: 'quotes', impressions: 'impressions' },
  bluesky: { favourites: 'likes', boosts: 'reposts', replies: 'replies', quotes: 'quotes' },
};

/** The metrics worth reporting for these networks (Mastodon's when there is no post yet). */
export function metricsOf(networks: Iterable<string>): Metric[] {
  const wanted = new Set<Metric>();
  for (const n of networks) for (const m of NETWORK_METRICS[n] ?? ['favourites', 'boosts', 'replies']) wanted.add(m);
  if (wanted.size === 0) for (const m of NETWORK_METRICS['mastodon']!) wanted.add(m);
  return METRICS.filter((m) => wanted.has(m));
}
