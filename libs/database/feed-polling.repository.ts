import { Injectable } from '@nestjs/common';
import type { NetworkName } from '#networks/network-adapter.js';
import { isBackCatalogue, itemSchedule, oldestFirst } from '#feeds/rules.js';
import type { FeedItemInput } from '#feeds/parse.js';
import type { ScheduledJob } from '#queue/delivery-queue.js';
import type { Prisma } from './generated/client.js';
import { PrismaService } from './prisma.service.js';

/** What a poll needs before it knows whether anything is new: one row, no join. */
export interface FeedToPoll {
  id: string;
  url: string;
  paused: boolean;
  etag: string | null;
  lastModified: string | null;
  consecutiveFailures: number;
  strikePolicy: string;
}

export interface FeedTarget {
  accountId: string;
  network: NetworkName;
  handle: string;
  maxCharacters: number;
  maxMedia: number;
  charactersPerUrl: number;
  template: string;
}

/** The text of an item on an account, or null when it cannot fit. */
export type Render = (target: FeedTarget, item: FeedItemInput, feedTitle: string) => string | null;

export interface IngestResult {
  jobs: ScheduledJob[];
  posted: number;
  backCatalogue: number;
  dropped: number;
  unfit: string[];
}

export interface PollSuccess {
  status: number;
  etag: string | null;
  lastModified: string | null;
  title: string | null;
  nextPollAt: Date;
}

/**
 * The worker's side of feeds: which are due, what a poll found. New items become ordinary posts
 * and deliveries, the same rows the API writes (apps/api/src/posts), so the gate holds them
 * during a strike and the strike's end gives them its fate like any other.
 */
@Injectable()
export class FeedPollingRepository {
  constructor(private readonly prisma: PrismaService) {}

  private get db() {
    return this.prisma.client;
  }

  /**
   * Feeds due, each leased until `leaseUntil` in the same statement: the next ticks do not add
   * them again while their poll is queued, and a poll lost with Redis comes back when the lease ends.
   */
  async claimDue(now: Date, leaseUntil: Date, limit: number): Promise<string[]> {
    const rows = await this.db.$queryRaw<{ id: string }[]>`
      UPDATE feeds SET next_poll_at = ${leaseUntil}
      WHERE id IN (
        SELECT id FROM feeds WHERE NOT paused AND next_poll_at <= ${now}
        ORDER BY next_poll_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING id::text AS id`;
    return rows.map((r) => r.id);
  }

  find(id: string): Promise<FeedToPoll | null> {
    return this.db.feed.findUnique({
      where: { id },
      select: { id: true, url: true, paused: true, etag: true, lastModified: true, consecutiveFailures: true, strikePolicy: true },
    });
  }

  /** 304: nothing changed. One UPDATE. */
  async notModified(id: string, now: Date, nextPollAt: Date): Promise<void> {
    await this.db.feed.update({
      where: { id },
      data: { lastPolledAt: now, lastSuccessAt: now, lastStatus: 304, consecutiveFailures: 0, nextPollAt },
    });
  }

  async failed(id: string, now: Date, error: string, status: number | null, nextPollAt: Date): Promise<void> {
    await this.db.feed.update({
      where: { id },
      data: {
        lastPolledAt: now,
        lastStatus: status,
        lastError: error.slice(0, 500),
        lastErrorAt: now,
        consecutiveFailures: { increment: 1 },
        nextPollAt,
      },
    });
  }

  /**
   * Records what a successful read found, in one transaction holding the feed's row: new items
   * (by dedupe key; an edited item keeps its key) become posts, the back catalogue is recorded
   * and never posted, and with `drop` an item due inside a strike on an account skips that account.
   */
  async ingest(id: string, items: FeedItemInput[], now: Date, success: PollSuccess, render: Render): Promise<IngestResult> {
    return this.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM feeds WHERE id = ${id}::uuid FOR UPDATE`;
      const feed = await tx.feed.findUnique({ where: { id }, include: { accounts: { include: { account: true } } } });
      const result: IngestResult = { jobs: [], posted: 0, backCatalogue: 0, dropped: 0, unfit: [] };
      if (!feed) return result;
      const known = new Set(
        (await tx.feedItem.findMany({ where: { feedId: id, dedupeKey: { in: items.map((i) => i.dedupeKey) } }, select: { dedupeKey: true } })).map((k) => k.dedupeKey),
      );
      const fresh = oldestFirst(items.filter((i) => !known.has(i.dedupeKey)));
      const back = fresh.filter((i) => isBackCatalogue(feed.primed, feed.backCatalogue, i.publishedAt, feed.createdAt));
      const toPost = fresh.filter((i) => !back.includes(i));
      if (back.length > 0) {
        await tx.feedItem.createMany({
          data: back.map((i) => ({ feedId: id, dedupeKey: i.dedupeKey, title: i.title, url: i.url, publishedAt: i.publishedAt, outcome: 'back_catalogue' })),
          skipDuplicates: true,
        });
        result.backCatalogue = back.length;
      }
      const feedTitle = success.title || feed.title || '';
      const targets = feed.accounts
        .filter((fa) => fa.account.disconnectedAt === null)
        .map((fa) => ({
          link: fa,
          target: {
            accountId: fa.accountId,
            network: fa.account.network as NetworkName,
            handle: fa.account.handle,
            maxCharacters: fa.account.maxCharacters,
            maxMedia: fa.account.maxMedia,
            charactersPerUrl: fa.account.charactersPerUrl,
            template: fa.template ?? feed.template,
          },
          times: itemSchedule(toPost.length, now, feed.delaySeconds, feed.spacingSeconds, fa.lastScheduledAt),
        }));
      for (const [k, item] of toPost.entries()) {
        // One post per distinct text: accounts whose networks give the same text share it.
        const byText = new Map<string, { accountId: string; at: Date }[]>();
        let dropped = 0;
        for (const t of targets) {
          const at = t.times[k]!;
          if (feed.strikePolicy === 'drop' && (await coveringStrike(tx, feed.organisationId, t.target.accountId, at))) {
            dropped++;
            continue;
          }
          const text = render(t.target, item, feedTitle);
          if (text === null) {
            result.unfit.push(`"${item.title.slice(0, 80)}" cannot fit ${t.target.handle}`);
            continue;
          }
          byText.set(text, [...(byText.get(text) ?? []), { accountId: t.target.accountId, at }]);
        }
        const postIds: string[] = [];
        for (const [text, deliveries] of byText) {
          const scheduledAt = new Date(Math.min(...deliveries.map((d) => d.at.getTime())));
          const post = await tx.post.create({
            data: {
              organisationId: feed.organisationId,
              createdById: feed.createdById,
              text,
              scheduledAt,
              deliveries: { create: deliveries.map((d) => ({ organisationId: feed.organisationId, accountId: d.accountId, scheduledAt: d.at })) },
            },
            include: { deliveries: { select: { id: true, scheduledAt: true } } },
          });
          postIds.push(post.id);
          result.jobs.push(...post.deliveries.map((d) => ({ deliveryId: d.id, scheduledAt: d.scheduledAt })));
        }
        const outcome = postIds.length > 0 ? 'posted' : dropped > 0 ? 'dropped' : 'unfit';
        if (outcome === 'posted') result.posted++;
        if (outcome === 'dropped') result.dropped++;
        await tx.feedItem.create({
          data: { feedId: id, dedupeKey: item.dedupeKey, title: item.title, url: item.url, publishedAt: item.publishedAt, outcome, postIds },
        });
      }
      if (toPost.length > 0) {
        for (const t of targets) {
          await tx.feedAccount.update({
            where: { feedId_accountId: { feedId: id, accountId: t.target.accountId } },
            data: { lastScheduledAt: t.times[t.times.length - 1]! },
          });
        }
      }
      await tx.feed.update({
        where: { id },
        data: {
          primed: true,
          etag: success.etag,
          lastModified: success.lastModified,
          ...(success.title ? { title: success.title } : {}),
          lastPolledAt: now,
          lastSuccessAt: now,
          lastStatus: success.status,
          consecutiveFailures: 0,
          nextPollAt: success.nextPollAt,
          ...(result.unfit.length ? { lastError: result.unfit.join('; ').slice(0, 500), lastErrorAt: now } : {}),
        },
      });
      return result;
    });
  }

  /**
   * A feed set to drop: its posts already held by a strike are cancelled, their holds dropped, as
   * a member cancelling them would (apps/api/src/posts). Returns how many.
   */
  async dropHeld(id: string, now: Date): Promise<number> {
    return this.db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ id: string }[]>`
        UPDATE deliveries d SET state = 'cancelled', cancel_reason = 'Posted from a feed set to drop what appears during a strike', updated_at = ${now}
        FROM feed_items fi
        WHERE fi.feed_id = ${id}::uuid AND d.post_id = ANY (fi.post_ids) AND d.state = 'held'
        RETURNING d.id::text AS id`;
      if (rows.length === 0) return 0;
      await tx.hold.updateMany({
        where: { deliveryId: { in: rows.map((r) => r.id) }, fate: { in: ['pending', 'review'] } },
        data: { fate: 'dropped', fateAt: now },
      });
      return rows.length;
    });
  }
}

/** An approved or running strike covering this account at this instant (as the gate reads it). */
async function coveringStrike(tx: Prisma.TransactionClient, organisationId: string, accountId: string, at: Date): Promise<boolean> {
  // The gate's rule, written once in SQL (covering_strike).
  const rows = await tx.$queryRaw<{ id: string | null }[]>`
    SELECT covering_strike(${organisationId}::uuid, ${accountId}::uuid, ${at}::timestamptz, ${at}::timestamptz)::text AS id`;
  return rows[0]?.id != null;
}
