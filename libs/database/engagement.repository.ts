import { Injectable } from '@nestjs/common';
import type { AccountRecord } from '#domain/models.js';
import type { PostCounts } from '#networks/network-adapter.js';
import { toAccount } from './mappers.js';
import { PrismaService } from './prisma.service.js';

export interface DuePost {
  deliveryId: string;
  organisationId: string;
  strikeId: string | null;
  remoteId: string;
  publishedAt: Date;
  dueAt: Date;
}

export interface TakenSnapshot {
  deliveryId: string;
  counts: PostCounts;
  nextAt: Date | null;
}

/** A reply as Piquet keeps it: only what the public reply shows, its HTML already reduced to text. */
export interface KeptReply {
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
}

/** The poller's side of engagement: due posts, snapshots, comments, and the rate budget's log. */
@Injectable()
export class EngagementRepository {
  constructor(private readonly prisma: PrismaService) {}

  private get db() {
    return this.prisma.client;
  }

  async account(accountId: string): Promise<AccountRecord | null> {
    const a = await this.db.account.findUnique({ where: { id: accountId } });
    return a ? toAccount(a) : null;
  }

  /** Accounts with posts still on a snapshot schedule: each gets a poller. */
  async trackedAccounts(): Promise<string[]> {
    const rows = await this.db.trackedPost.findMany({ where: { nextAt: { not: null } }, distinct: ['accountId'], select: { accountId: true } });
    return rows.map((r) => r.accountId);
  }

  /**
   * Takes the account's due posts for one round: their next time moves to the lease's end, so a
   * second poll running at once takes others, and a crashed one's posts come back after the lease.
   */
  async claimDue(accountId: string, now: Date, limit: number, leaseUntil: Date): Promise<DuePost[]> {
    const rows = await this.db.$queryRaw<
      { delivery_id: string; organisation_id: string; strike_id: string | null; remote_id: string; published_at: Date; due_at: Date }[]
    >`
      UPDATE tracked_posts t SET next_at = ${leaseUntil}
      FROM (
        SELECT delivery_id, next_at FROM tracked_posts
        WHERE account_id = ${accountId}::uuid AND next_at <= ${now} AND gone_at IS NULL
        ORDER BY next_at, delivery_id LIMIT ${limit}
        FOR UPDATE SKIP LOCKED) d
      WHERE t.delivery_id = d.delivery_id
      RETURNING t.delivery_id::text, t.organisation_id::text, t.strike_id::text, t.remote_id, t.published_at, d.next_at AS due_at`;
    return rows
      .sort((a, b) => a.due_at.getTime() - b.due_at.getTime() || (a.delivery_id < b.delivery_id ? -1 : 1))
      .map((r) => ({
        deliveryId: r.delivery_id,
        organisationId: r.organisation_id,
        strikeId: r.strike_id,
        remoteId: r.remote_id,
        publishedAt: r.published_at,
        dueAt: r.due_at,
      }));
  }

  /** Gives back posts a round could not poll (out of budget): due again at once. */
  async release(posts: DuePost[]): Promise<void> {
    await this.db.$transaction(posts.map((p) => this.db.trackedPost.update({ where: { deliveryId: p.deliveryId }, data: { nextAt: p.dueAt } })));
  }

  /**
   * Takes one call from the account's budget if the sliding window has room: serialised per
   * account, so two workers cannot both take the last one.
   */
  async reserveCall(accountId: string, now: Date, budget: number, windowMs: number): Promise<boolean> {
    // A little wider than the window: the server stamps a call when it arrives, a moment later.
    const since = new Date(now.getTime() - windowMs - Math.min(1000, windowMs / 20));
    return this.db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`budget:${accountId}`}))`;
      const used = await tx.apiCall.count({ where: { accountId, at: { gt: since } } });
      if (used >= budget) return false;
      await tx.apiCall.create({ data: { accountId, at: now } });
      return true;
    });
  }

  /** Forgets calls older than the window: they no longer count. */
  async pruneCalls(accountId: string, now: Date, windowMs: number): Promise<void> {
    await this.db.apiCall.deleteMany({ where: { accountId, at: { lte: new Date(now.getTime() - 2 * windowMs) } } });
  }

  async saveSnapshots(taken: TakenSnapshot[], at: Date): Promise<void> {
    if (taken.length === 0) return;
    await this.db.$transaction([
      this.db.snapshot.createMany({
        data: taken.map((t) => ({
          deliveryId: t.deliveryId,
          takenAt: at,
          favourites: t.counts.favourites,
          boosts: t.counts.boosts,
          replies: t.counts.replies,
          quotes: t.counts.quotes,
          impressions: t.counts.impressions,
        })),
      }),
      ...taken.map((t) => this.db.trackedPost.update({ where: { deliveryId: t.deliveryId }, data: { nextAt: t.nextAt, lastPolledAt: at } })),
    ]);
  }

  /** Deleted on the network: no more snapshots; what was collected stays. */
  async markGone(deliveryIds: string[], at: Date): Promise<void> {
    if (deliveryIds.length === 0) return;
    await this.db.trackedPost.updateMany({ where: { deliveryId: { in: deliveryIds } }, data: { goneAt: at, nextAt: null, lastPolledAt: at } });
  }

  /**
   * Brings the stored comments of one strike post in line with the network: new replies added,
   * edited ones updated, ones no longer there marked deleted (kept, so the record shows they existed).
   * `partial`: only some of the thread's replies (from notifications), so none is taken as deleted.
   */
  async syncComments(
    post: Pick<DuePost, 'deliveryId' | 'organisationId'> & { strikeId: string },
    replies: KeptReply[],
    at: Date,
    { partial = false }: { partial?: boolean } = {},
  ): Promise<{ added: number; updated: number; deleted: number; addedIds: string[] }> {
    return this.db.$transaction(async (tx) => {
      const existing = await tx.comment.findMany({
        where: { deliveryId: post.deliveryId },
        select: { remoteId: true, text: true, editedAt: true, deletedAt: true },
      });
      const known = new Map(existing.map((c) => [c.remoteId, c]));
      const addedIds: string[] = [];
      let updated = 0;
      for (const r of replies) {
        const before = known.get(r.remoteId);
        const fields = {
          inReplyToRemoteId: r.inReplyToRemoteId,
          authorHandle: r.authorHandle,
          authorName: r.authorName,
          authorUrl: r.authorUrl,
          text: r.text,
          language: r.language,
          url: r.url,
          postedAt: r.postedAt,
          editedAt: r.editedAt,
        };
        if (!before) {
          await tx.comment.create({
            data: { organisationId: post.organisationId, strikeId: post.strikeId, deliveryId: post.deliveryId, remoteId: r.remoteId, firstSeenAt: at, ...fields },
          });
          addedIds.push(r.remoteId);
          known.set(r.remoteId, { remoteId: r.remoteId, text: r.text, editedAt: r.editedAt, deletedAt: null });
        } else if (before.text !== r.text || before.editedAt?.getTime() !== r.editedAt?.getTime() || before.deletedAt) {
          await tx.comment.update({
            where: { deliveryId_remoteId: { deliveryId: post.deliveryId, remoteId: r.remoteId } },
            data: { ...fields, deletedAt: null },
          });
          updated++;
        }
      }
      if (partial) return { added: addedIds.length, updated, deleted: 0, addedIds };
      const present = new Set(replies.map((r) => r.remoteId));
      const gone = existing.filter((c) => !c.deletedAt && !present.has(c.remoteId)).map((c) => c.remoteId);
      if (gone.length > 0) {
        // A reply its author took down is no longer public: only the fact that it existed is kept.
        await tx.comment.updateMany({
          where: { deliveryId: post.deliveryId, remoteId: { in: gone } },
          data: { deletedAt: at, text: '', authorName: '', authorUrl: null, url: null, language: null },
        });
      }
      return { added: addedIds.length, updated, deleted: gone.length, addedIds };
    });
  }
}
