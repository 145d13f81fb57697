import { Injectable } from '@nestjs/common';
import type { Prisma } from '#database/generated/client.js';
import { PrismaService } from '#database/prisma.service.js';
import type { Counts } from '#reports/figures.js';
import { StoryRepository, type StoryRows } from './story.repository.js';

export interface ReportStrike {
  id: string;
  organisationId: string;
  title: string;
  state: string;
  startsAt: Date;
  endsAt: Date;
  effectiveFrom: Date | null;
  endedAt: Date | null;
}

export interface StrikePostRow {
  deliveryId: string;
  postId: string;
  accountId: string;
  handle: string;
  network: string;
  role: string;
  text: string;
  url: string | null;
  publishedAt: Date;
  /** When the collector found the post gone from the network (deleted there); null while it is up. */
  goneAt: Date | null;
}

export interface SnapshotRow extends Counts {
  deliveryId: string;
  at: Date;
}

export interface BaselineRow {
  deliveryId: string;
  accountId: string;
  publishedAt: Date;
  /** The latest snapshot; null when the post was never measured. */
  latest: Counts | null;
}

export interface CommentRow {
  id: string;
  deliveryId: string;
  remoteId: string;
  inReplyToRemoteId: string | null;
  authorHandle: string;
  authorName: string;
  authorUrl: string | null;
  text: string;
  language: string | null;
  url: string | null;
  postedAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
}

export interface CommentFilter {
  deliveryId?: string;
  /** A handle, with or without its leading @, case-insensitive. */
  author?: string;
  /** A case-insensitive substring of the text. */
  q?: string;
  includeDeleted: boolean;
  /** Lower-case handles whose comments are left out (the organisation's own replies, out of the public's). */
  excludeAuthors?: string[];
  /** Only these lower-case handles' comments (the organisation's own replies). */
  onlyAuthors?: string[];
}

export interface CommentAggregates {
  count: number;
  uniqueAuthors: number;
  perPost: { deliveryId: string; count: number }[];
  perHour: { at: Date; count: number }[];
}

export interface ReportRows {
  /** Lower-case handles of the organisation's accounts: their replies are its own. */
  ownHandles: string[];
  posts: StrikePostRow[];
  /** Every snapshot of the strike posts, per post in time order. */
  snapshots: SnapshotRow[];
  baseline: BaselineRow[];
  baselineAccountIds: string[];
  /** Public comments: the organisation's own replies left out. */
  comments: CommentAggregates;
  firstComments: CommentRow[];
  own: { count: number; perPost: { deliveryId: string; count: number }[]; first: CommentRow[] };
  story: StoryRows;
}

type Db = Prisma.TransactionClient;

const COMMENT_SELECT = {
  id: true, deliveryId: true, remoteId: true, inReplyToRemoteId: true, authorHandle: true, authorName: true, authorUrl: true,
  text: true, language: true, url: true, postedAt: true, editedAt: true, deletedAt: true,
} as const;

/** Prisma's `contains` and insensitive `equals` are LIKE patterns: % and _ in a search must match themselves. */
const likeLiteral = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** What a strike report is computed from. Reads of one report run in one repeatable-read transaction, so its figures agree with each other while snapshots and comments keep arriving. */
@Injectable()
export class ReportsRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly stories: StoryRepository,
  ) {}

  private get db() {
    return this.prisma.client;
  }

  /** Lower-case handles of the organisation's accounts. */
  ownHandles(organisationId: string): Promise<string[]> {
    return this.stories.ownHandles(this.db, organisationId);
  }

  private consistent<T>(read: (tx: Db) => Promise<T>): Promise<T> {
    return this.db.$transaction(read, { isolationLevel: 'RepeatableRead', maxWait: 10_000, timeout: 120_000 });
  }

  /** Without an organisation: for a signed link, which names its strike. */
  async strike(id: string, organisationId?: string): Promise<ReportStrike | null> {
    return this.db.strike.findFirst({
      where: { id, ...(organisationId ? { organisationId } : {}) },
      select: { id: true, organisationId: true, title: true, state: true, startsAt: true, endsAt: true, effectiveFrom: true, endedAt: true },
    });
  }

  async reportRows(strike: ReportStrike, baseline: { from: Date; until: Date }, firstComments: number): Promise<ReportRows> {
    return this.consistent(async (tx) => {
      const ownHandles = await this.stories.ownHandles(tx, strike.organisationId);
      const posts = await this.strikePosts(tx, strike.id);
      const ids = posts.map((p) => p.deliveryId);
      const baselineAccountIds = [...new Set(posts.map((p) => p.accountId))].sort();
      const own = await this.commentsPerPost(tx, strike.id, ownHandles, 'only');
      return {
        ownHandles,
        posts,
        snapshots: await this.snapshots(tx, ids),
        baseline: await this.baseline(tx, strike.organisationId, baselineAccountIds, baseline),
        baselineAccountIds,
        comments: await this.commentAggregates(tx, strike.id, ownHandles),
        firstComments: await this.commentPage(tx, strike.id, { includeDeleted: false, excludeAuthors: ownHandles }, undefined, firstComments),
        own: {
          count: own.reduce((n, p) => n + p.count, 0),
          perPost: own,
          // No own reply counted: no need to look for the first ones (a case-insensitive scan of every comment).
          first: own.length === 0 ? [] : await this.commentPage(tx, strike.id, { includeDeleted: false, onlyAuthors: ownHandles }, undefined, firstComments),
        },
        story: await this.stories.rows(tx, strike.id, strike.organisationId, firstComments),
      };
    });
  }

  /** The strike posts with their latest counts and comment counts: posts.csv. */
  async postSummaries(
    strikeId: string,
    ownHandles: string[],
  ): Promise<{ posts: StrikePostRow[]; latest: SnapshotRow[]; comments: { deliveryId: string; count: number }[]; own: { deliveryId: string; count: number }[] }> {
    return this.consistent(async (tx) => {
      const posts = await this.strikePosts(tx, strikeId);
      const latest = await tx.$queryRaw<RawSnapshot[]>`
        SELECT DISTINCT ON (delivery_id) delivery_id::text AS delivery_id, taken_at, favourites, boosts, replies, quotes, impressions
        FROM snapshots WHERE delivery_id = ANY(${posts.map((p) => p.deliveryId)}::uuid[])
        ORDER BY delivery_id, taken_at DESC, id DESC`;
      return {
        posts,
        latest: latest.map(toSnapshot),
        comments: await this.commentsPerPost(tx, strikeId, ownHandles, 'exclude'),
        own: await this.commentsPerPost(tx, strikeId, ownHandles, 'only'),
      };
    });
  }

  /** Every snapshot of the strike posts, a few posts at a time, post after post in the given order: snapshots.csv. */
  async *snapshotPages(posts: StrikePostRow[], postsPerPage = 50): AsyncGenerator<SnapshotRow[]> {
    for (let i = 0; i < posts.length; i += postsPerPage) {
      const ids = posts.slice(i, i + postsPerPage).map((p) => p.deliveryId);
      const byPost = Map.groupBy(await this.snapshots(this.db, ids), (s) => s.deliveryId);
      yield ids.flatMap((id) => byPost.get(id) ?? []);
    }
  }

  async strikePostList(strikeId: string): Promise<StrikePostRow[]> {
    return this.strikePosts(this.db, strikeId);
  }

  /** A page of comments in (postedAt, id) order, after the cursor. */
  comments(strikeId: string, filter: CommentFilter, after: { postedAt: Date; id: string } | undefined, limit: number): Promise<CommentRow[]> {
    return this.commentPage(this.db, strikeId, filter, after, limit);
  }

  /** Every matching comment, page by page: comments.csv. */
  async *commentPages(strikeId: string, filter: CommentFilter, pageSize = 2000): AsyncGenerator<CommentRow[]> {
    let after: { postedAt: Date; id: string } | undefined;
    for (;;) {
      const page = await this.commentPage(this.db, strikeId, filter, after, pageSize);
      if (page.length > 0) yield page;
      if (page.length < pageSize) return;
      const last = page[page.length - 1]!;
      after = { postedAt: last.postedAt, id: last.id };
    }
  }

  /** Published strike posts, in publishing order. */
  private async strikePosts(db: Db, strikeId: string): Promise<StrikePostRow[]> {
    const rows = await db.delivery.findMany({
      where: { strikeId, state: 'published', publishedAt: { not: null } },
      orderBy: [{ publishedAt: 'asc' }, { id: 'asc' }],
      select: {
        id: true, postId: true, accountId: true, remoteUrl: true, publishedAt: true,
        post: { select: { text: true, strikeRole: true } },
        account: { select: { handle: true, network: true } },
      },
    });
    const tracked = await db.trackedPost.findMany({ where: { deliveryId: { in: rows.map((d) => d.id) }, goneAt: { not: null } }, select: { deliveryId: true, goneAt: true } });
    const gone = new Map(tracked.map((t) => [t.deliveryId, t.goneAt]));
    return rows.map((d) => ({
      deliveryId: d.id,
      postId: d.postId,
      accountId: d.accountId,
      handle: d.account.handle,
      network: d.account.network,
      role: d.post.strikeRole ?? 'slot',
      text: d.post.text,
      url: d.remoteUrl,
      publishedAt: d.publishedAt!,
      goneAt: gone.get(d.id) ?? null,
    }));
  }

  private async snapshots(db: Db, deliveryIds: string[]): Promise<SnapshotRow[]> {
    if (deliveryIds.length === 0) return [];
    const rows = await db.$queryRaw<RawSnapshot[]>`
      SELECT delivery_id::text AS delivery_id, taken_at, favourites, boosts, replies, quotes, impressions
      FROM snapshots WHERE delivery_id = ANY(${deliveryIds}::uuid[])
      ORDER BY delivery_id, taken_at, id`;
    return rows.map(toSnapshot);
  }

  /** Ordinary published posts of these accounts in the period, each with its latest snapshot (if any). */
  private async baseline(db: Db, organisationId: string, accountIds: string[], period: { from: Date; until: Date }): Promise<BaselineRow[]> {
    if (accountIds.length === 0) return [];
    const rows = await db.$queryRaw<(RawSnapshot & { account_id: string; published_at: Date; taken_at: Date | null })[]>`
      SELECT d.id::text AS delivery_id, d.account_id::text AS account_id, d.published_at,
             s.taken_at, s.favourites, s.boosts, s.replies, s.quotes, s.impressions
      FROM deliveries d
      LEFT JOIN LATERAL (
        SELECT taken_at, favourites, boosts, replies, quotes, impressions FROM snapshots
        WHERE delivery_id = d.id ORDER BY taken_at DESC, id DESC LIMIT 1
      ) s ON true
      WHERE d.organisation_id = ${organisationId}::uuid AND d.account_id = ANY(${accountIds}::uuid[])
        AND d.strike_id IS NULL AND d.state = 'published'
        AND d.published_at >= ${period.from} AND d.published_at < ${period.until}
      ORDER BY d.published_at, d.id`;
    return rows.map((r) => ({
      deliveryId: r.delivery_id,
      accountId: r.account_id,
      publishedAt: r.published_at,
      latest: r.taken_at === null ? null : toSnapshot(r),
    }));
  }

  /** Public comments only: the organisation's own replies are not people commenting. */
  private async commentAggregates(db: Db, strikeId: string, own: string[]): Promise<CommentAggregates> {
    const [totals] = await db.$queryRaw<{ count: number; authors: number }[]>`
      SELECT count(*)::int AS count, count(DISTINCT lower(author_handle))::int AS authors
      FROM comments WHERE strike_id = ${strikeId}::uuid AND deleted_at IS NULL AND NOT (lower(author_handle) = ANY(${own}::text[]))`;
    const perHour = await db.$queryRaw<{ hour: Date; count: number }[]>`
      SELECT date_trunc('hour', posted_at, 'UTC') AS hour, count(*)::int AS count
      FROM comments WHERE strike_id = ${strikeId}::uuid AND deleted_at IS NULL AND NOT (lower(author_handle) = ANY(${own}::text[]))
      GROUP BY 1 ORDER BY 1`;
    return {
      count: totals?.count ?? 0,
      uniqueAuthors: totals?.authors ?? 0,
      perPost: await this.commentsPerPost(db, strikeId, own, 'exclude'),
      perHour: perHour.map((h) => ({ at: h.hour, count: h.count })),
    };
  }

  /** Comments per post, either without these authors or by them only. */
  private async commentsPerPost(db: Db, strikeId: string, handles: string[], which: 'exclude' | 'only'): Promise<{ deliveryId: string; count: number }[]> {
    const only = which === 'only';
    const rows = await db.$queryRaw<{ delivery_id: string; count: number }[]>`
      SELECT delivery_id::text AS delivery_id, count(*)::int AS count
      FROM comments WHERE strike_id = ${strikeId}::uuid AND deleted_at IS NULL AND (lower(author_handle) = ANY(${handles}::text[])) = ${only}
      GROUP BY delivery_id`;
    return rows.map((r) => ({ deliveryId: r.delivery_id, count: r.count }));
  }

  private async commentPage(db: Db, strikeId: string, f: CommentFilter, after: { postedAt: Date; id: string } | undefined, limit: number): Promise<CommentRow[]> {
    const and: Prisma.CommentWhereInput[] = [{ strikeId }];
    if (!f.includeDeleted) and.push({ deletedAt: null });
    if (f.deliveryId) and.push({ deliveryId: f.deliveryId });
    if (f.author) {
      const handle = likeLiteral(f.author.replace(/^@/, ''));
      and.push({ OR: [{ authorHandle: { equals: handle, mode: 'insensitive' } }, { authorHandle: { equals: `@${handle}`, mode: 'insensitive' } }] });
    }
    if (f.excludeAuthors?.length) and.push({ NOT: { OR: f.excludeAuthors.map((h) => ({ authorHandle: { equals: likeLiteral(h), mode: 'insensitive' as const } })) } });
    if (f.onlyAuthors) {
      if (f.onlyAuthors.length === 0) return [];
      and.push({ OR: f.onlyAuthors.map((h) => ({ authorHandle: { equals: likeLiteral(h), mode: 'insensitive' as const } })) });
    }
    if (f.q) and.push({ text: { contains: likeLiteral(f.q), mode: 'insensitive' } });
    if (after) and.push({ OR: [{ postedAt: { gt: after.postedAt } }, { postedAt: after.postedAt, id: { gt: after.id } }] });
    return db.comment.findMany({ where: { AND: and }, orderBy: [{ postedAt: 'asc' }, { id: 'asc' }], take: limit, select: COMMENT_SELECT });
  }
}

interface RawSnapshot {
  delivery_id: string;
  taken_at: Date | null;
  favourites: number | null;
  boosts: number | null;
  replies: number | null;
  quotes: number | null;
  impressions: number | null;
}

const toSnapshot = (r: RawSnapshot): SnapshotRow => ({
  deliveryId: r.delivery_id,
  at: r.taken_at!,
  favourites: r.favourites ?? 0,
  boosts: r.boosts ?? 0,
  replies: r.replies ?? 0,
  quotes: r.quotes,
  impressions: r.impressions,
});
