import { Injectable } from '@nestjs/common';
import { POST_INCLUDE, toPost } from '#database/mappers.js';
import type { Prisma } from '#database/generated/client.js';
import { PrismaService } from '#database/prisma.service.js';
import type { DeliveryState, PostRecord, Visibility } from '#domain/models.js';

export interface PostContent {
  text: string;
  contentWarning: string | null;
  visibility: Visibility;
  language: string | null;
  scheduledAt: Date;
  media: { mediaId: string; altText: string }[];
}

export interface PostFilter {
  state?: DeliveryState;
  accountId?: string;
  from?: Date;
  to?: Date;
  after?: { scheduledAt: Date; id: string };
  limit: number;
}

/** Why a change to a post's deliveries was refused. */
export type ChangeRefusal = 'publishing' | 'nothing-scheduled';
export type ChangeResult = { ok: true; post: PostRecord; deliveryIds: string[] } | { ok: false; refusal: ChangeRefusal };

@Injectable()
export class PostsRepository {
  constructor(private readonly prisma: PrismaService) {}

  private get db() {
    return this.prisma.client;
  }

  async create(organisationId: string, createdById: string, content: PostContent, accountIds: string[]): Promise<PostRecord> {
    const post = await this.db.post.create({
      data: {
        organisationId,
        createdById,
        text: content.text,
        contentWarning: content.contentWarning,
        visibility: content.visibility,
        language: content.language,
        scheduledAt: content.scheduledAt,
        media: { create: content.media.map((m, position) => ({ mediaId: m.mediaId, altText: m.altText, position })) },
        deliveries: { create: accountIds.map((accountId) => ({ organisationId, accountId, scheduledAt: content.scheduledAt })) },
      },
      include: POST_INCLUDE,
    });
    return toPost(post);
  }

  async find(organisationId: string, id: string): Promise<PostRecord | null> {
    const post = await this.db.post.findFirst({ where: { id, organisationId }, include: POST_INCLUDE });
    return post ? toPost(post) : null;
  }

  async list(organisationId: string, f: PostFilter): Promise<PostRecord[]> {
    const deliveryFilter = {
      ...(f.state ? { state: f.state } : {}),
      ...(f.accountId ? { accountId: f.accountId } : {}),
    };
    const rows = await this.db.post.findMany({
      where: {
        organisationId,
        ...(f.state || f.accountId ? { deliveries: { some: deliveryFilter } } : {}),
        scheduledAt: { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lt: f.to } : {}) },
        ...(f.after
          ? { OR: [{ scheduledAt: { gt: f.after.scheduledAt } }, { scheduledAt: f.after.scheduledAt, id: { gt: f.after.id } }] }
          : {}),
      },
      orderBy: [{ scheduledAt: 'asc' }, { id: 'asc' }],
      take: f.limit,
      include: POST_INCLUDE,
    });
    return rows.map(toPost);
  }

  /**
   * Changes a post and its still-scheduled deliveries in one transaction, holding their rows so a
   * worker cannot claim one halfway: it either claimed before (refused here) or sees the new content.
   */
  async change(organisationId: string, id: string, content: Partial<PostContent>): Promise<ChangeResult> {
    return this.db.$transaction(async (tx) => {
      const deliveries = await this.lockDeliveries(tx, organisationId, id);
      if (deliveries.some((d) => d.state === 'publishing')) return { ok: false, refusal: 'publishing' as const };
      const scheduled = deliveries.filter((d) => d.state === 'scheduled').map((d) => d.id);
      if (scheduled.length === 0) return { ok: false, refusal: 'nothing-scheduled' as const };
      const { media, ...fields } = content;
      if (media) {
        await tx.postMedia.deleteMany({ where: { postId: id } });
        await tx.postMedia.createMany({ data: media.map((m, position) => ({ postId: id, mediaId: m.mediaId, altText: m.altText, position })) });
      }
      await tx.post.update({ where: { id }, data: fields });
      if (content.scheduledAt) {
        await tx.delivery.updateMany({ where: { id: { in: scheduled } }, data: { scheduledAt: content.scheduledAt } });
      }
      if (media) {
        // Images changed: uploads made for an earlier version must not be reused.
        await tx.delivery.updateMany({ where: { id: { in: scheduled } }, data: { remoteMediaIds: [] } });
      }
      const post = await tx.post.findUniqueOrThrow({ where: { id }, include: POST_INCLUDE });
      return { ok: true as const, post: toPost(post), deliveryIds: scheduled };
    });
  }

  async cancel(organisationId: string, id: string, reason: string): Promise<ChangeResult> {
    return this.db.$transaction(async (tx) => {
      const deliveries = await this.lockDeliveries(tx, organisationId, id);
      // A post held by a strike can be cancelled too: its hold then ends as dropped, with this reason.
      const scheduled = deliveries.filter((d) => d.state === 'scheduled' || d.state === 'held').map((d) => d.id);
      if (scheduled.length === 0) {
        return { ok: false, refusal: deliveries.some((d) => d.state === 'publishing') ? ('publishing' as const) : ('nothing-scheduled' as const) };
      }
      await tx.delivery.updateMany({ where: { id: { in: scheduled } }, data: { state: 'cancelled', cancelReason: reason } });
      await tx.hold.updateMany({
        where: { deliveryId: { in: scheduled }, fate: { in: ['pending', 'review'] } },
        data: { fate: 'dropped', fateAt: new Date() },
      });
      const post = await tx.post.findUniqueOrThrow({ where: { id }, include: POST_INCLUDE });
      return { ok: true as const, post: toPost(post), deliveryIds: scheduled };
    });
  }

  private lockDeliveries(
    tx: Prisma.TransactionClient,
    organisationId: string,
    postId: string,
  ): Promise<{ id: string; state: DeliveryState }[]> {
    return tx.$queryRaw<{ id: string; state: DeliveryState }[]>`
      SELECT id::text AS id, state::text AS state FROM deliveries
      WHERE post_id = ${postId}::uuid AND organisation_id = ${organisationId}::uuid
      FOR UPDATE`;
  }
}
