import { Injectable } from '@nestjs/common';
import type { Caller } from '#domain/models.js';
import { csvChunks, csvDocument, type Cell } from '#reports/csv.js';
import { countsOf, rankByEngagement, ZERO_COUNTS } from '#reports/figures.js';
import { invalidField } from '../common/errors.js';
import { ReportsRepository, type CommentFilter, type CommentRow } from './reports.repository.js';
import { ReportsService } from './reports.service.js';
import { StoryRepository, type StoryHoldRow } from './story.repository.js';

export const DEFAULT_COMMENT_LIMIT = 100;

const POST_COLUMNS = [
  'rank', 'delivery_id', 'post_id', 'account_handle', 'network', 'role', 'published_at', 'url',
  'favourites', 'boosts', 'replies', 'quotes', 'impressions', 'counted_at', 'comments', 'own_replies', 'gone_at', 'text',
];
const SNAPSHOT_COLUMNS = ['delivery_id', 'account_handle', 'role', 'taken_at', 'favourites', 'boosts', 'replies', 'quotes', 'impressions'];
const COMMENT_COLUMNS = [
  'id', 'delivery_id', 'posted_at', 'edited_at', 'deleted_at', 'author_handle', 'author_name', 'author_url',
  'language', 'url', 'remote_id', 'in_reply_to_remote_id', 'from_organisation', 'text',
];
const HELD_COLUMNS = [
  'hold_id', 'delivery_id', 'account_handle', 'network', 'original_scheduled_at', 'held_at', 'fate', 'fate_at', 'new_scheduled_at',
  'state', 'published_at', 'url', 'reason', 'text',
];

/** from_organisation: 1 for a reply by one of the organisation's own accounts (not a person commenting), else 0. */
const commentCells = (c: CommentRow, own: ReadonlySet<string>): Cell[] => [
  c.id, c.deliveryId, c.postedAt, c.editedAt, c.deletedAt, c.authorHandle, c.authorName, c.authorUrl,
  c.language, c.url, c.remoteId, c.inReplyToRemoteId, own.has(c.authorHandle.toLowerCase()) ? 1 : 0, c.text,
];

/** The full comment list and the CSV downloads of a strike's report. */
@Injectable()
export class ReportExportsService {
  constructor(
    private readonly reports: ReportsService,
    private readonly repo: ReportsRepository,
    private readonly stories: StoryRepository,
  ) {}

  async comments(caller: Caller, id: string, filter: CommentFilter, page: { limit?: number; cursor?: string }) {
    const strike = await this.reports.strikeFor(caller, id);
    const limit = page.limit ?? DEFAULT_COMMENT_LIMIT;
    const items = await this.repo.comments(strike.id, filter, page.cursor ? decodeCursor(page.cursor) : undefined, limit + 1);
    const own = new Set(await this.repo.ownHandles(strike.organisationId));
    const shown = items.slice(0, limit);
    const last = shown[shown.length - 1];
    return {
      items: shown.map((c) => ({ ...c, fromOrganisation: own.has(c.authorHandle.toLowerCase()) })),
      nextCursor: items.length > limit && last ? encodeCursor(last) : null,
    };
  }

  /** Small (one line per strike post): built in memory, ranked as in the report. */
  async postsCsv(caller: Caller, id: string): Promise<string> {
    const strike = await this.reports.strikeFor(caller, id);
    const { posts, latest, comments, own } = await this.repo.postSummaries(strike.id, await this.repo.ownHandles(strike.organisationId));
    const latestBy = new Map(latest.map((s) => [s.deliveryId, s]));
    const commentsBy = new Map(comments.map((c) => [c.deliveryId, c.count]));
    const ownBy = new Map(own.map((c) => [c.deliveryId, c.count]));
    const ranked = rankByEngagement(
      posts.map((p) => {
        const s = latestBy.get(p.deliveryId);
        return { id: p.deliveryId, at: p.publishedAt, counts: s ? countsOf(s) : { ...ZERO_COUNTS }, row: p, countedAt: s?.at ?? null };
      }),
    );
    // A post never measured has empty counts and comments (not known), never zeros.
    return csvDocument(
      POST_COLUMNS,
      ranked.map((p, i) => {
        const m = p.countedAt !== null;
        const comments = commentsBy.get(p.row.deliveryId) ?? 0;
        return [
          i + 1, p.row.deliveryId, p.row.postId, p.row.handle, p.row.network, p.row.role, p.row.publishedAt, p.row.url,
          m ? p.counts.favourites : null, m ? p.counts.boosts : null, m ? p.counts.replies : null, m ? p.counts.quotes : null, m ? p.counts.impressions : null,
          p.countedAt, m || comments > 0 ? comments : null, ownBy.get(p.row.deliveryId) ?? 0, p.row.goneAt, p.row.text,
        ];
      }),
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
    const own = new Set(await this.repo.ownHandles(strike.organisationId));
    const repo = this.repo;
    async function* rows() {
      for await (const page of repo.commentPages(strike.id, filter)) yield page.map((c) => commentCells(c, own));
    }
    return csvChunks(COMMENT_COLUMNS, rows());
  }

  /** Every held post with its fate and times, streamed page by page. */
  async heldCsv(caller: Caller, id: string): Promise<AsyncIterable<string>> {
    const strike = await this.reports.strikeFor(caller, id);
    const accounts = new Map((await this.stories.accountsOf(strike.id, strike.organisationId)).map((a) => [a.id, a]));
    const stories = this.stories;
    async function* rows() {
      for await (const page of stories.holdPages(strike.id)) {
        yield page.map((h: StoryHoldRow): Cell[] => {
          const a = accounts.get(h.accountId);
          return [
            h.holdId, h.deliveryId, a?.handle, a?.network, h.originalScheduledAt, h.heldAt, h.fate, h.fateAt, h.newScheduledAt,
            h.state, h.publishedAt, h.url, h.reason, h.text,
          ];
        });
      }
    }
    return csvChunks(HELD_COLUMNS, rows());
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
