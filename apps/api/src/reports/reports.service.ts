import { Injectable, NotFoundException } from '@nestjs/common';
import type { Caller } from '#domain/models.js';
import {
  carryForwardSum, countsOf, NETWORK_METRIC_NAMES, hourlyBuckets, metricsOf, rankByEngagement, ratio, stats, sumCounts, ZERO_COUNTS, type Counts, type Metric, type Point, type Stats,
} from '#reports/figures.js';
import { downsample } from '#reports/charts.js';
import { ratioSentence, type Lang } from '#reports/i18n.js';
import type { MaybeCounts, ReportPost, StrikeReport, Totals } from './report.types.js';
import { buildStory } from './story.js';
import { ReportsRepository, type ReportRows, type ReportStrike, type SnapshotRow } from './reports.repository.js';

export const DEFAULT_BASELINE_DAYS = 30;
/** How many comments, own replies, held and natively scheduled posts the report lists; the rest are in the CSVs. */
export const FIRST_COMMENTS = 100;
const DAY_MS = 86_400_000;
const OVER: ReadonlySet<string> = new Set(['ended', 'cancelled', 'rejected']);

/** The most points the summed series has unless the full series are asked for (`series: 'post'`). */
export const TOTAL_SERIES_POINTS = 1000;

export interface ReportOptions {
  baselineDays?: number;
  lang?: Lang;
  /**
   * 'total' (the default): the summed series only, at most TOTAL_SERIES_POINTS points (the last of
   * each equal slice of time; values carry forward, so each point is exact at its time). 'post': also
   * each post's own series, and the summed one in full: megabytes for a large strike.
   */
  series?: 'total' | 'post';
}

/** The start and end of a strike's window, as the report counts them. */
export const strikeWindow = (s: ReportStrike) => ({ from: s.effectiveFrom ?? s.startsAt, until: s.endedAt ?? s.endsAt });

/** A strike's engagement report: the figures are computed here, from repository rows, with libs/reports/figures. */
@Injectable()
export class ReportsService {
  constructor(private readonly repo: ReportsRepository) {}

  /** The caller's organisation's strike, or 404 (a strike of another organisation does not exist for them). */
  async strikeFor(caller: Caller, id: string): Promise<ReportStrike> {
    const strike = await this.repo.strike(id, caller.organisationId);
    if (!strike) throw new NotFoundException(`No strike ${id} in your organisation`);
    return strike;
  }

  async report(caller: Caller, id: string, opts: ReportOptions): Promise<StrikeReport> {
    return this.build(await this.strikeFor(caller, id), opts);
  }

  async build(strike: ReportStrike, opts: ReportOptions, now = new Date()): Promise<StrikeReport> {
    const days = opts.baselineDays ?? DEFAULT_BASELINE_DAYS;
    const window = strikeWindow(strike);
    const period = { from: new Date(window.from.getTime() - days * DAY_MS), until: window.from };
    const rows = await this.repo.reportRows(strike, period, FIRST_COMMENTS);
    return compute(strike, rows, { days, period, lang: opts.lang ?? 'en', now, series: opts.series ?? 'total' });
  }
}

/** Everything the report says, from the rows of one consistent read. */
export function compute(
  strike: ReportStrike,
  rows: ReportRows,
  o: { days: number; period: { from: Date; until: Date }; lang: Lang; now: Date; series?: 'total' | 'post' },
): StrikeReport {
  const perPostSeries = o.series === 'post';
  const seriesByPost = groupSnapshots(rows.snapshots);
  const commentsByPost = new Map(rows.comments.perPost.map((c) => [c.deliveryId, c.count]));
  const ownByPost = new Map(rows.own.perPost.map((c) => [c.deliveryId, c.count]));
  const unranked = rows.posts.map((p) => {
    const series = seriesByPost.get(p.deliveryId) ?? [];
    const last = series[series.length - 1];
    // Ranked with 0 for a post not measured yet, but reported as not measured.
    return { id: p.deliveryId, at: p.publishedAt, counts: last ? countsOf(last) : { ...ZERO_COUNTS }, row: p, snapshotAt: last?.at ?? null };
  });
  const posts: ReportPost[] = rankByEngagement(unranked).map((p, i) => {
    const comments = commentsByPost.get(p.row.deliveryId) ?? 0;
    return {
      rank: i + 1,
      deliveryId: p.row.deliveryId,
      postId: p.row.postId,
      account: { id: p.row.accountId, handle: p.row.handle, network: p.row.network },
      role: p.row.role,
      text: p.row.text,
      url: p.row.url,
      publishedAt: p.row.publishedAt,
      goneAt: p.row.goneAt,
      counts: p.snapshotAt ? p.counts : { ...UNMEASURED },
      snapshotAt: p.snapshotAt,
      // Comments are read in the same rounds as the counts: none before the first round is "not known".
      comments: p.snapshotAt || comments > 0 ? comments : null,
      ownReplies: ownByPost.get(p.row.deliveryId) ?? 0,
    };
  });
  const metrics = metricsOf(new Set(posts.map((p) => p.account.network)));

  const measuredPosts = unranked.filter((p) => p.snapshotAt !== null);
  const measured = measuredPosts.map((p) => p.counts);
  const baselineMeasured = rows.baseline.flatMap((b) => (b.latest ? [b.latest] : []));
  const strikeMetrics = statsOf(metrics, measured);
  const baselineMetrics = statsOf(metrics, baselineMeasured);
  const ratios: StrikeReport['ratios'] = {};
  for (const m of metrics) {
    const s = strikeMetrics[m]!;
    const b = baselineMetrics[m]!;
    const r = { median: ratio(s.median, b.median), mean: ratio(s.mean, b.mean) };
    ratios[m] = { ...r, sentence: ratioSentence(o.lang, m, { strike: s, baseline: b, ratio: r }) };
  }
  const known = measured.length > 0 || rows.comments.count > 0;
  const total = carryForwardSum(posts.map((p) => seriesByPost.get(p.deliveryId) ?? []));

  return {
    strike: { id: strike.id, title: strike.title, state: strike.state, live: !OVER.has(strike.state), window: strikeWindow(strike) },
    story: buildStory(rows.story),
    generatedAt: o.now,
    lang: o.lang,
    metrics,
    posts,
    totals: totalsOf(posts, metrics),
    strikeStats: { posts: measured.length, metrics: strikeMetrics },
    baseline: {
      days: o.days,
      from: o.period.from,
      until: o.period.until,
      accountIds: rows.baselineAccountIds,
      posts: baselineMeasured.length,
      unmeasured: rows.baseline.length - baselineMeasured.length,
      metrics: baselineMetrics,
    },
    ratios,
    series: {
      total: perPostSeries ? total : thinned(total),
      perPost: perPostSeries ? posts.map((p) => ({ deliveryId: p.deliveryId, points: seriesByPost.get(p.deliveryId) ?? [] })) : [],
    },
    comments: {
      count: known ? rows.comments.count : null,
      uniqueAuthors: known ? rows.comments.uniqueAuthors : null,
      perPost: posts.map((p) => ({ deliveryId: p.deliveryId, count: p.comments })),
      perHour: hourlyBuckets(rows.comments.perHour),
      first: rows.firstComments,
      more: rows.comments.count > rows.firstComments.length,
    },
    ownReplies: { count: rows.own.count, first: rows.own.first, more: rows.own.count > rows.own.first.length },
  };
}

const UNMEASURED: Readonly<MaybeCounts> = Object.freeze({ favourites: null, boosts: null, replies: null, quotes: null, impressions: null });

function groupSnapshots(snapshots: SnapshotRow[]): Map<string, Point[]> {
  const byPost = new Map<string, Point[]>();
  for (const s of snapshots) {
    let list = byPost.get(s.deliveryId);
    if (!list) byPost.set(s.deliveryId, (list = []));
    list.push({ at: s.at, favourites: s.favourites, boosts: s.boosts, replies: s.replies, quotes: s.quotes, impressions: s.impressions });
  }
  return byPost;
}

function statsOf(metrics: Metric[], counts: Counts[]): Partial<Record<Metric, Stats>> {
  return Object.fromEntries(metrics.map((m) => [m, stats(counts.map((c) => c[m]))]));
}

/** A sum over the measured posts only: null when none of them was measured, so "–" never reads as 0. */
function sumMeasured(list: ReportPost[]): MaybeCounts {
  const measured = list.filter((p) => p.snapshotAt !== null);
  if (measured.length === 0) return { ...UNMEASURED };
  return sumCounts(measured.map((p) => ({ ...p.counts, favourites: p.counts.favourites ?? 0, boosts: p.counts.boosts ?? 0, replies: p.counts.replies ?? 0 })));
}

const sumKnown = (values: (number | null)[]): number | null => (values.some((v) => v !== null) ? values.reduce<number>((n, v) => n + (v ?? 0), 0) : null);

function totalsOf(posts: ReportPost[], metrics: Metric[]): StrikeReport['totals'] {
  const total = (list: ReportPost[]): Totals => ({
    posts: list.length,
    measured: list.filter((p) => p.snapshotAt !== null).length,
    ...sumMeasured(list),
    comments: sumKnown(list.map((p) => p.comments)),
  });
  const by = (key: (p: ReportPost) => string) => {
    const groups = new Map<string, ReportPost[]>();
    for (const p of posts) {
      const list = groups.get(key(p));
      if (list) list.push(p);
      else groups.set(key(p), [p]);
    }
    return [...groups.values()];
  };
  return {
    overall: total(posts),
    perNetwork: by((p) => p.account.network)
      .map((list) => {
        const t = total(list);
        const network = list[0]!.account.network;
        const named = metrics.filter((m) => metricsOf([network]).includes(m));
        const names = NETWORK_METRIC_NAMES[network] ?? {};
        return {
          network,
          posts: t.posts,
          measured: t.measured,
          comments: t.comments,
          metrics: Object.fromEntries(named.map((m) => [m, t[m]])),
          // The same figures under the network's own words (likes and reposts on X and Bluesky).
          named: Object.fromEntries(named.map((m) => [names[m] ?? m, t[m]])),
        };
      })
      .sort((a, b) => a.network.localeCompare(b.network)),
    perAccount: by((p) => p.account.id)
      .map((list) => ({ account: list[0]!.account, ...total(list) }))
      .sort((a, b) => a.account.handle.localeCompare(b.account.handle)),
  };
}

/** The summed series at most TOTAL_SERIES_POINTS long: the last point of each equal slice of time. */
function thinned(points: Point[]): Point[] {
  if (points.length <= TOTAL_SERIES_POINTS) return points;
  return downsample(points.map((p) => ({ t: p.at.getTime(), p })), TOTAL_SERIES_POINTS).map((x) => x.p);
}
