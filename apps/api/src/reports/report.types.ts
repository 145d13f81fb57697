import type { Metric, Point, Stats } from '#reports/figures.js';
import type { Lang } from '#reports/i18n.js';
import type { CommentRow } from './reports.repository.js';
import type { StrikeStory } from './story.types.js';

/** Counts that may not be measured yet: null (shown `–`) is "no count taken", never 0. */
export type MaybeCounts = { [M in Metric]: number | null };

export interface AccountRef {
  id: string;
  handle: string;
  network: string;
}

export interface ReportPost {
  /** 1 = most favourites + boosts + replies. */
  rank: number;
  deliveryId: string;
  postId: string;
  account: AccountRef;
  role: string;
  text: string;
  url: string | null;
  publishedAt: Date;
  /** When the post was found deleted on the network; its last counts still count. */
  goneAt: Date | null;
  /** The latest snapshot's counts; all null before the first one (never measured is not 0). */
  counts: MaybeCounts;
  /** When those counts were taken; null before the first snapshot. */
  snapshotAt: Date | null;
  /** Public comments not deleted (the organisation's own replies left out); null while nothing was collected. */
  comments: number | null;
  /** The organisation's own replies under this post. */
  ownReplies: number;
}

/** Sums over the measured posts only; null when none of them was measured. */
export interface Totals extends MaybeCounts {
  posts: number;
  /** Posts with at least one snapshot: the counts above are over these. */
  measured: number;
  comments: number | null;
}

/** What GET /v1/strikes/:id/report returns (dates as ISO 8601 strings in JSON). */
export interface StrikeReport {
  strike: {
    id: string;
    title: string;
    state: string;
    /** True until the strike has ended: the figures are still coming in. */
    live: boolean;
    /** effectiveFrom (or startsAt) → endedAt (or the planned endsAt). */
    window: { from: Date; until: Date };
  };
  /** What the strike did: decision, accounts, held posts and their fates, profiles, failures. */
  story: StrikeStory;
  generatedAt: Date;
  lang: Lang;
  /** The metrics the strike's networks give, in this order everywhere below. */
  metrics: Metric[];
  posts: ReportPost[];
  totals: {
    overall: Totals;
    perNetwork: {
      network: string;
      posts: number;
      measured: number;
      comments: number | null;
      metrics: Partial<Record<Metric, number | null>>;
      named: Record<string, number | null>;
    }[];
    perAccount: (Totals & { account: AccountRef })[];
  };
  /** Per-post statistics of the strike posts with at least one snapshot. */
  strikeStats: { posts: number; metrics: Partial<Record<Metric, Stats>> };
  /** Ordinary posts of the same accounts published in [from, until): their latest snapshot. */
  baseline: {
    days: number;
    from: Date;
    until: Date;
    accountIds: string[];
    /** Ordinary posts with a snapshot: the ones the statistics are over. */
    posts: number;
    /** Ordinary posts published in the period but never measured: left out. */
    unmeasured: number;
    metrics: Partial<Record<Metric, Stats>>;
  };
  /** Strike ÷ baseline, per metric; null when the baseline is empty or 0. */
  ratios: Partial<Record<Metric, { median: number | null; mean: number | null; sentence: string }>>;
  series: {
    /** Summed over strike posts at each snapshot time, each post carried forward at its last value. */
    total: Point[];
    perPost: { deliveryId: string; points: Point[] }[];
  };
  /**
   * Public comments: replies by people outside the organisation. A server's reply count (the
   * `replies` metric) also counts replies Piquet cannot read (private, followers-only, direct)
   * and the organisation's own, so it is usually higher than `count`.
   */
  comments: {
    /** null while no strike post was measured and none was collected: not known, not 0. */
    count: number | null;
    uniqueAuthors: number | null;
    perPost: { deliveryId: string; count: number | null }[];
    /** UTC hours from the first comment's to the last one's, quiet hours included. */
    perHour: { hour: Date; count: number }[];
    /** The first comments (oldest first, deleted ones left out); the rest via /comments or comments.csv. */
    first: CommentRow[];
    more: boolean;
  };
  /** Replies by the organisation's own accounts: shown apart, never counted among people commenting. */
  ownReplies: { count: number; first: CommentRow[]; more: boolean };
}
