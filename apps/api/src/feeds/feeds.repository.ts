import { Injectable } from '@nestjs/common';
import type { Prisma } from '#database/generated/client.js';
import { PrismaService } from '#database/prisma.service.js';

const FEED_INCLUDE = {
  accounts: { select: { accountId: true, template: true, lastScheduledAt: true }, orderBy: { accountId: 'asc' } },
  _count: { select: { items: true } },
} as const satisfies Prisma.FeedInclude;

export type FeedRow = Prisma.FeedGetPayload<{ include: typeof FEED_INCLUDE }>;
export type FeedItemRow = Prisma.FeedItemGetPayload<object>;

export interface FeedSettings {
  template?: string;
  strikePolicy?: string;
  delaySeconds?: number;
  spacingSeconds?: number;
  paused?: boolean;
}

@Injectable()
export class FeedsRepository {
  constructor(private readonly prisma: PrismaService) {}

  private get db() {
    return this.prisma.client;
  }

  async create(
    organisationId: string,
    createdById: string,
    data: { url: string; backCatalogue: boolean } & FeedSettings,
    accounts: { accountId: string; template: string | null }[],
  ): Promise<FeedRow | 'exists'> {
    const existing = await this.db.feed.findUnique({ where: { organisationId_url: { organisationId, url: data.url } }, select: { id: true } });
    if (existing) return 'exists';
    return this.db.feed.create({
      data: { organisationId, createdById, ...data, accounts: { create: accounts } },
      include: FEED_INCLUDE,
    });
  }

  list(organisationId: string): Promise<FeedRow[]> {
    return this.db.feed.findMany({ where: { organisationId }, orderBy: { createdAt: 'asc' }, include: FEED_INCLUDE });
  }

  find(organisationId: string, id: string): Promise<FeedRow | null> {
    return this.db.feed.findFirst({ where: { id, organisationId }, include: FEED_INCLUDE });
  }

  /** Changes settings, and the accounts when given (their templates replaced). */
  async update(organisationId: string, id: string, data: FeedSettings, accounts?: { accountId: string; template: string | null }[], templates?: Map<string, string>): Promise<FeedRow | null> {
    return this.db.$transaction(async (tx) => {
      const feed = await tx.feed.findFirst({ where: { id, organisationId }, include: { accounts: true } });
      if (!feed) return null;
      if (accounts) {
        const keep = new Map(feed.accounts.map((a) => [a.accountId, a]));
        await tx.feedAccount.deleteMany({ where: { feedId: id, accountId: { notIn: accounts.map((a) => a.accountId) } } });
        for (const a of accounts) {
          await tx.feedAccount.upsert({
            where: { feedId_accountId: { feedId: id, accountId: a.accountId } },
            create: { feedId: id, accountId: a.accountId, template: a.template },
            update: { template: a.template ?? keep.get(a.accountId)?.template ?? null },
          });
        }
      } else if (templates) {
        for (const [accountId, template] of templates) await tx.feedAccount.updateMany({ where: { feedId: id, accountId }, data: { template } });
      }
      // A feed resumed is read at once.
      await tx.feed.update({ where: { id }, data: { ...data, ...(data.paused === false && feed.paused ? { nextPollAt: new Date() } : {}) } });
      return tx.feed.findUniqueOrThrow({ where: { id }, include: FEED_INCLUDE });
    });
  }

  async pollNow(organisationId: string, id: string, now: Date): Promise<FeedRow | null> {
    const { count } = await this.db.feed.updateMany({ where: { id, organisationId }, data: { nextPollAt: now } });
    return count ? this.find(organisationId, id) : null;
  }

  /** Stops the feed; the posts it made stay (cancel them as posts). */
  async remove(organisationId: string, id: string): Promise<boolean> {
    const { count } = await this.db.feed.deleteMany({ where: { id, organisationId } });
    return count > 0;
  }

  items(feedId: string, limit: number): Promise<FeedItemRow[]> {
    return this.db.feedItem.findMany({ where: { feedId }, orderBy: [{ seenAt: 'desc' }, { id: 'asc' }], take: limit });
  }
}
