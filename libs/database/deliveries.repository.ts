import { Injectable } from '@nestjs/common';
import type { AccountRecord, DeliveryRecord, Visibility } from '#domain/models.js';
import { toAccount, toDelivery } from './mappers.js';
import { PrismaService } from './prisma.service.js';

export interface PublishWork {
  delivery: DeliveryRecord;
  account: AccountRecord;
  post: { text: string; contentWarning: string | null; visibility: Visibility; language: string | null; strikeRole: string | null };
  media: { mediaId: string; altText: string; mimeType: string }[];
}

/** The worker's view of deliveries: claims, outcomes, and the reconciler's scan. */
@Injectable()
export class DeliveriesRepository {
  constructor(private readonly prisma: PrismaService) {}

  private get db() {
    return this.prisma.client;
  }

  async find(id: string): Promise<DeliveryRecord | null> {
    const d = await this.db.delivery.findUnique({ where: { id } });
    return d ? toDelivery(d) : null;
  }

  /**
   * Takes the publish right: only one holder at a time, and a crashed holder's claim lapses
   * when its lease runs out. Returns false when someone else holds it or it is no longer due.
   */
  async claim(id: string, token: string, leaseMs: number): Promise<boolean> {
    const now = new Date();
    const { count } = await this.db.delivery.updateMany({
      where: {
        id,
        scheduledAt: { lte: now },
        OR: [{ state: 'scheduled' }, { state: 'publishing', leaseUntil: { lt: now } }],
      },
      data: {
        state: 'publishing',
        claimToken: token,
        leaseUntil: new Date(now.getTime() + leaseMs),
        attempts: { increment: 1 },
      },
    });
    return count === 1;
  }

  async loadWork(id: string): Promise<PublishWork | null> {
    const d = await this.db.delivery.findUnique({
      where: { id },
      include: {
        account: true,
        post: { include: { media: { include: { media: { select: { mimeType: true } } }, orderBy: { position: 'asc' } } } },
      },
    });
    if (!d) return null;
    return {
      delivery: toDelivery(d),
      account: toAccount(d.account),
      post: {
        text: d.post.text,
        contentWarning: d.post.contentWarning,
        visibility: d.post.visibility,
        language: d.post.language,
        strikeRole: d.post.strikeRole,
      },
      media: d.post.media.map((m) => ({ mediaId: m.mediaId, altText: m.altText, mimeType: m.media.mimeType })),
    };
  }

  async mediaData(mediaId: string): Promise<Uint8Array> {
    const m = await this.db.media.findUniqueOrThrow({ where: { id: mediaId }, select: { data: true } });
    return m.data;
  }

  async saveRemoteMediaIds(id: string, token: string, remoteMediaIds: string[]): Promise<void> {
    await this.db.delivery.updateMany({ where: { id, claimToken: token }, data: { remoteMediaIds } });
  }

  /**
   * Records the publication and starts following the post's engagement, in one statement: a post
   * is tracked exactly when it is recorded as published.
   */
  async markPublished(
    id: string,
    token: string,
    r: { remoteId: string; url: string | null; publishedAt: Date },
    firstSnapshotAt: Date,
  ): Promise<boolean> {
    const rows = await this.db.$queryRaw<{ id: string }[]>`
      WITH published AS (
        UPDATE deliveries SET state = 'published', remote_id = ${r.remoteId}, remote_url = ${r.url},
          published_at = ${r.publishedAt}, claim_token = NULL, lease_until = NULL, last_error = NULL, updated_at = now()
        WHERE id = ${id}::uuid AND claim_token = ${token} AND state = 'publishing'
        RETURNING id, organisation_id, account_id, strike_id)
      INSERT INTO tracked_posts (delivery_id, organisation_id, account_id, strike_id, remote_id, published_at, next_at)
      SELECT id, organisation_id, account_id, strike_id, ${r.remoteId}, ${r.publishedAt}, ${firstSnapshotAt} FROM published
      ON CONFLICT (delivery_id) DO NOTHING
      RETURNING delivery_id::text AS id`;
    return rows.length === 1;
  }

  /** Gives the publish right back after a transient failure: the next attempt may claim it again. */
  async release(id: string, token: string, lastError: string | null): Promise<void> {
    await this.db.delivery.updateMany({
      where: { id, claimToken: token, state: 'publishing' },
      data: { state: 'scheduled', claimToken: null, leaseUntil: null, lastError },
    });
  }

  async markFailed(id: string, token: string, reason: string): Promise<void> {
    await this.db.delivery.updateMany({
      where: { id, claimToken: token, state: 'publishing' },
      data: { state: 'failed', failureReason: reason, lastError: reason, claimToken: null, leaseUntil: null },
    });
  }

  /** Deliveries that should have a job: scheduled ones, and publishes whose holder's lease ran out. */
  async pendingPage(afterId: string | null, limit: number): Promise<{ id: string; scheduledAt: Date; strikeId: string | null }[]> {
    return this.db.delivery.findMany({
      where: {
        ...(afterId ? { id: { gt: afterId } } : {}),
        OR: [{ state: 'scheduled' }, { state: 'publishing', leaseUntil: { lt: new Date() } }],
      },
      select: { id: true, scheduledAt: true, strikeId: true },
      orderBy: { id: 'asc' },
      take: limit,
    });
  }

  async markAccountNeedsReconnection(accountId: string, reason: string): Promise<void> {
    await this.db.account.update({ where: { id: accountId }, data: { status: 'needs_reconnection', statusReason: reason } });
  }

  async setAccountRateLimitedUntil(accountId: string, until: Date): Promise<void> {
    await this.db.account.update({ where: { id: accountId }, data: { rateLimitedUntil: until } });
  }
}
