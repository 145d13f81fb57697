import { Injectable } from '@nestjs/common';
import type { Caller } from '../../../../libs/domain/models.js';
import { csvChunks, csvDocument, type Cell } from '../../../../libs/reports/csv.js';
import { countsOf, rankByEngagement, ZERO_COUNTS } from '../../../../libs/reports/figures.js';
import { invalidField } from '../common/errors.js';
import { ReportsRepository, type CommentFilter, type CommentRow } from './reports.repository.js';
import { ReportsService } from './reports.service.js';

export const DEFAULT_COMMENT_LIMIT = 100;

const POST_COLUMNS = [
  'rank', 'delivery_id', 'post_id', 'account_handle', 'network', 'role', 'published_at', 'url',
  'favourites', 'boosts', 'replies', 'quotes', 'impressions', 'counted_at', 'comments', 'gone_at', 'text',
];
const SNAPSHOT_COLUMNS = ['delivery_id', 'account_handle', 'role', 'taken_at', 'favourites', 'boosts', 'replies', 'quotes', 'impressions'];
const COMMENT_COLUMNS = [
  'id', 'delivery_id', 'posted_at', 'edited_at', 'deleted_at', 'author_handle', 'author_name', 'author_url',
  'language', 'url', 'remote_id', 'in_reply_to_remote_id', 'text',
];

const commentCells = (c: CommentRow): Cell[] => [
  c.id, c.deliveryId, c.postedAt, c.editedAt, c.deletedAt, c.authorHandle, c.authorName, c.authorUrl,
  c.language, c.url, c.remoteId, c.inReplyToRemoteId, c.text,
];

/** The full comment list and the CSV downloads of a strike's report. */
@Injectable()
export class ReportExportsService {
  constructor(
    private readonly reports: ReportsService,
    private readonly repo: ReportsRepository,
  ) {}

  async comments(caller: Caller, id: string, filter: CommentFilter, page: { limit?: number; cursor?: string }) {
    const strike = await this.reports.strikeFor(caller, id);
    const limit = page.limit ?? DEFAULT_COMMENT_LIMIT;
    const items = await this.repo.comments(strike.id, filter, page.cursor ? decodeCursor(page.cursor) : undefined, limit + 1);
    const shown = items.slice(0, limit);
    const last = shown[shown.length - 1];
    return { items: shown, nextCursor: items.length > limit && last ? encodeCursor(last) : null };
  }

  /** Small (one line per strike post): built in memory, ranked as in the report. */
  async postsCsv(caller: Caller, id: string): Promise<string> {
    const strike = await this.reports.strikeFor(caller, id);
    const { posts, latest, comments } = await this.repo.postSummaries(strike.id);
    const latestBy = new Map(latest.map((s) => [s.deliveryId, s]));
    const commentsBy = new Map(comments.map((c) => [c.deliveryId, c.count]));
    const ranked = rankByEngagement(
      posts.map((p) => {
        const s = latestBy.get(p.deliveryId);
        return { id: p.deliveryId, at: p.publishedAt, counts: s ? countsOf(s) : { ...ZERO_COUNTS }, row: p, countedAt: s?.at ?? null };
      }),
    );
    return csvDocument(
      POST_COLUMNS,
      ranked.map((p, i) => [
        i + 1, p.row.deliveryId, p.row.postId, p.row.handle, p.row.network, p.row.role, p.row.publishedAt, p.row.url,
        p.counts.favourites, p.counts.boosts, p.counts.replies, p.counts.quotes, p.counts.impressions, p.countedAt,
        commentsBy.get(p.row.deliveryId) ?? 0, p.row.goneAt, p.row.text,
      ]),
    );
  }

  /** Every snapshot of every strike post, streamed a few posts at a time. */
  async snapshotsCsv(caller: Caller, id: string): Promise<AsyncIterable<string>> {
    const strike = await this.reports.strikeFor(caller, id);
    const posts = await this.repo.strikePostList(strike.id);
    const byId = new Map(posts.map((p) => [p.deliveryId, p]));
    const repo = this.repo;
    async function* rows() {
      for await (const page of repo.snapshotPages(posts)) {
        yield page.map((s): Cell[] => {
          const p = byId.get(s.deliveryId);
          return [s.deliveryId, p?.handle, p?.role, s.at, s.favourites, s.boosts, s.replies, s.quotes, s.impressions];
        });
      }
    }
    return csvChunks(SNAPSHOT_COLUMNS, rows());
  }

  /** Every comment matching the filter, streamed page by page: 50,000 of them stay one page in memory. */
  async commentsCsv(caller: Caller, id: string, filter: CommentFilter): Promise<AsyncIterable<string>> {
    const strike = await this.reports.strikeFor(caller, id);
    const repo = this.repo;
    async function* rows() {
      for await (const page of repo.commentPages(strike.id, filter)) yield page.map(commentCells);
    }
    return csvChunks(COMMENT_COLUMNS, rows());
  }
}

function encodeCursor(c: CommentRow): string {
  return Buffer.from(`${c.postedAt.toISOString()}|${c.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { postedAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const postedAt = new Date(at ?? '');
  if (!id || !/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(postedAt.getTime())) throw invalidField('cursor', 'is not a cursor this API gave');
  return { postedAt, id };
}
