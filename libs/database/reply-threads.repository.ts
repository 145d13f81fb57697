import { Injectable } from '@nestjs/common';
import { PrismaService } from './prisma.service.js';

/** A strike post still on its snapshot schedule, whose thread replies are collected under. */
export interface ThreadPost {
  deliveryId: string;
  organisationId: string;
  strikeId: string;
  remoteId: string;
}

export interface ThreadRecord {
  repliesSeen: number;
  threadReadAt: Date | null;
  hasComments: boolean;
}

/**
 * The poller's record of where replies come from: each account's notification cursor, the reply
 * count each strike post's comments account for, and when its whole thread was last read.
 */
@Injectable()
export class ReplyThreadsRepository {
  constructor(private readonly prisma: PrismaService) {}

  private get db() {
    return this.prisma.client;
  }

  async cursor(accountId: string): Promise<string | null> {
    return (await this.db.replyCursor.findUnique({ where: { accountId } }))?.cursor ?? null;
  }

  async saveCursor(accountId: string, cursor: string): Promise<void> {
    await this.db.replyCursor.upsert({ where: { accountId }, create: { accountId, cursor }, update: { cursor } });
  }

  /**
   * For each remote id: the account's tracked strike post it is, or the one whose thread holds a
   * comment with that id. Posts gone or past their schedule collect nothing more, as before.
   */
  async locate(accountId: string, remoteIds: string[]): Promise<Map<string, ThreadPost>> {
    const found = new Map<string, ThreadPost>();
    if (remoteIds.length === 0) return found;
    const tracked = { accountId, strikeId: { not: null }, goneAt: null, nextAt: { not: null } };
    const select = { deliveryId: true, organisationId: true, strikeId: true, remoteId: true } as const;
    const posts = await this.db.trackedPost.findMany({ where: { ...tracked, remoteId: { in: remoteIds } }, select });
    for (const p of posts) found.set(p.remoteId, { ...p, strikeId: p.strikeId! });
    const comments = await this.db.comment.findMany({ where: { remoteId: { in: remoteIds } }, select: { remoteId: true, deliveryId: true } });
    if (comments.length === 0) return found;
    const holders = await this.db.trackedPost.findMany({ where: { ...tracked, deliveryId: { in: [...new Set(comments.map((c) => c.deliveryId))] } }, select });
    const byDelivery = new Map(holders.map((p) => [p.deliveryId, { ...p, strikeId: p.strikeId! }]));
    for (const c of comments) {
      const post = byDelivery.get(c.deliveryId);
      if (post && !found.has(c.remoteId)) found.set(c.remoteId, post);
    }
    return found;
  }

  async threads(deliveryIds: string[]): Promise<Map<string, ThreadRecord>> {
    if (deliveryIds.length === 0) return new Map();
    const posts = await this.db.trackedPost.findMany({ where: { deliveryId: { in: deliveryIds } }, select: { deliveryId: true, repliesSeen: true, threadReadAt: true } });
    const live = await this.db.comment.groupBy({ by: ['deliveryId'], where: { deliveryId: { in: deliveryIds }, deletedAt: null }, _count: { _all: true } });
    const answered = new Set(live.map((c) => c.deliveryId));
    return new Map(posts.map((p) => [p.deliveryId, { repliesSeen: p.repliesSeen, threadReadAt: p.threadReadAt, hasComments: answered.has(p.deliveryId) }]));
  }

  /** New direct replies arrived through notifications: the count they explain. */
  async addSeen(deliveryId: string, replies: number): Promise<void> {
    if (replies === 0) return;
    await this.db.trackedPost.update({ where: { deliveryId }, data: { repliesSeen: { increment: replies } } });
  }

  /** The whole thread was read with the count at `replies`: its comments account for that count. */
  async threadRead(deliveryId: string, replies: number, at: Date): Promise<void> {
    await this.db.trackedPost.update({ where: { deliveryId }, data: { repliesSeen: replies, threadReadAt: at } });
  }
}
