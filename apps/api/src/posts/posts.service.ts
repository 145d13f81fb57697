import { ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import type { AccountRecord, Caller, PostRecord } from '#domain/models.js';
import { NetworkRegistry } from '#networks/network-registry.js';
import { DeliveryQueue } from '#queue/delivery-queue.js';
import { AccountsRepository } from '../accounts/accounts.repository.js';
import { invalid, invalidField, type FieldError } from '../common/errors.js';
import { MediaRepository } from '../media/media.repository.js';
import type { CreatePostDto, ListPostsQuery, UpdatePostDto } from './dto/post.dto.js';
import { PostsRepository, type ChangeResult, type PostContent } from './posts.repository.js';

@Injectable()
export class PostsService {
  private readonly logger = new Logger(PostsService.name);

  constructor(
    private readonly posts: PostsRepository,
    private readonly accounts: AccountsRepository,
    private readonly media: MediaRepository,
    private readonly networks: NetworkRegistry,
    private readonly queue: DeliveryQueue,
  ) {}

  async create(caller: Caller, dto: CreatePostDto): Promise<PostRecord> {
    const content: PostContent = {
      text: dto.text,
      contentWarning: dto.contentWarning || null,
      visibility: dto.visibility ?? 'public',
      language: dto.language ?? null,
      scheduledAt: this.futureInstant(dto.scheduledAt, 'scheduledAt'),
      media: dto.media ?? [],
    };
    const found = await this.accounts.findMany(caller.organisationId, dto.accountIds);
    const byId = new Map(found.map((a) => [a.id, a]));
    const errors: FieldError[] = dto.accountIds.flatMap((id, i) =>
      byId.has(id) ? [] : [{ field: `accountIds.${i}`, message: `is not an account of your organisation (${id})` }],
    );
    errors.push(...(await this.mediaErrors(caller, content.media)));
    if (errors.length) throw invalid(errors);
    this.checkFits(content, dto.accountIds.map((id) => byId.get(id)!));
    const post = await this.posts.create(caller.organisationId, caller.memberId, content, dto.accountIds);
    await this.enqueue(post.deliveries.map((d) => ({ deliveryId: d.id, scheduledAt: d.scheduledAt })));
    return post;
  }

  async get(caller: Caller, id: string): Promise<PostRecord> {
    const post = await this.posts.find(caller.organisationId, id);
    if (!post) throw new NotFoundException(`No post ${id} in your organisation`);
    return post;
  }

  async list(caller: Caller, q: ListPostsQuery): Promise<{ items: PostRecord[]; nextCursor: string | null }> {
    const limit = q.limit ?? 50;
    const from = q.from ? new Date(q.from) : undefined;
    const to = q.to ? new Date(q.to) : undefined;
    if (from && to && to <= from) throw invalidField('to', 'must be after from');
    const items = await this.posts.list(caller.organisationId, {
      state: q.state,
      accountId: q.accountId,
      from,
      to,
      after: q.cursor ? decodeCursor(q.cursor) : undefined,
      limit: limit + 1,
    });
    const page = items.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page, nextCursor: items.length > limit && last ? encodeCursor(last) : null };
  }

  /** Strike posts belong to the collective's decision: changing them takes a new decision, not an edit. */
  private async ordinary(caller: Caller, id: string): Promise<PostRecord> {
    const post = await this.get(caller, id);
    if (post.strikeId) {
      throw new ConflictException(`This is a strike post of strike ${post.strikeId}: change the strike's messages by decision (PATCH /v1/strikes/${post.strikeId})`);
    }
    return post;
  }

  async update(caller: Caller, id: string, dto: UpdatePostDto): Promise<PostRecord> {
    const current = await this.ordinary(caller, id);
    const changes: Partial<PostContent> = {
      ...(dto.text !== undefined ? { text: dto.text } : {}),
      ...(dto.contentWarning !== undefined ? { contentWarning: dto.contentWarning || null } : {}),
      ...(dto.visibility !== undefined ? { visibility: dto.visibility } : {}),
      ...(dto.language !== undefined ? { language: dto.language } : {}),
      ...(dto.media !== undefined ? { media: dto.media } : {}),
      ...(dto.scheduledAt !== undefined ? { scheduledAt: this.futureInstant(dto.scheduledAt, 'scheduledAt') } : {}),
    };
    if (changes.media) {
      const errors = await this.mediaErrors(caller, changes.media);
      if (errors.length) throw invalid(errors);
    }
    const merged: PostContent = {
      text: current.text,
      contentWarning: current.contentWarning,
      visibility: current.visibility,
      language: current.language,
      scheduledAt: current.scheduledAt,
      media: current.media,
      ...changes,
    };
    const targets = await this.accounts.findMany(caller.organisationId, current.deliveries.map((d) => d.accountId));
    this.checkFits(merged, targets);
    const result = await this.posts.change(caller.organisationId, id, changes);
    const post = this.accepted(result, 'edited');
    if (changes.scheduledAt) {
      await this.enqueue(result.ok ? result.deliveryIds.map((d) => ({ deliveryId: d, scheduledAt: changes.scheduledAt! })) : [], true);
    }
    return post;
  }

  reschedule(caller: Caller, id: string, scheduledAt: string): Promise<PostRecord> {
    return this.update(caller, id, { scheduledAt });
  }

  async cancel(caller: Caller, id: string, reason: string | undefined): Promise<PostRecord> {
    await this.ordinary(caller, id);
    const result = await this.posts.cancel(caller.organisationId, id, reason?.trim() || 'Cancelled by a member');
    const post = this.accepted(result, 'cancelled');
    if (result.ok) await this.queue.unschedule(result.deliveryIds);
    return post;
  }

  private accepted(result: ChangeResult, verb: string): PostRecord {
    if (result.ok) return result.post;
    throw new ConflictException(
      result.refusal === 'publishing'
        ? `This post is being published right now and cannot be ${verb}; try again in a moment`
        : `None of this post's deliveries is still scheduled: it cannot be ${verb}`,
    );
  }

  /** The queue is rebuilt from Postgres by the reconciler, so a Redis hiccup here loses nothing. */
  private async enqueue(jobs: { deliveryId: string; scheduledAt: Date }[], replace = false): Promise<void> {
    try {
      await (replace ? this.queue.reschedule(jobs) : this.queue.schedule(jobs));
    } catch (err) {
      this.logger.warn(`Queue unavailable, the reconciler will enqueue ${jobs.length} deliveries: ${(err as Error).message}`);
    }
  }

  private futureInstant(value: string, field: string): Date {
    const at = new Date(value);
    if (at.getTime() <= Date.now()) throw invalidField(field, `is in the past (${value}); give a future time`);
    return at;
  }

  private async mediaErrors(caller: Caller, media: { mediaId: string }[]): Promise<FieldError[]> {
    if (media.length === 0) return [];
    const known = await this.media.existing(caller.organisationId, media.map((m) => m.mediaId));
    return media.flatMap((m, i) =>
      known.has(m.mediaId) ? [] : [{ field: `media.${i}.mediaId`, message: `is not an image uploaded by your organisation (${m.mediaId})` }],
    );
  }

  /** Text and images must fit every target account, as that account's network counts them. */
  private checkFits(content: PostContent, targets: AccountRecord[]): void {
    const errors: FieldError[] = [];
    for (const account of targets) {
      const length = this.networks.get(account.network).postLength(content.text, content.contentWarning, account);
      if (length > account.maxCharacters) {
        errors.push({
          field: 'text',
          message: `is ${length} characters long (content warning included) but ${account.handle} allows at most ${account.maxCharacters}`,
        });
      }
      if (content.media.length > account.maxMedia) {
        errors.push({ field: 'media', message: `holds ${content.media.length} images but ${account.handle} allows at most ${account.maxMedia}` });
      }
    }
    if (errors.length) throw invalid(errors);
  }
}

function encodeCursor(p: PostRecord): string {
  return Buffer.from(`${p.scheduledAt.toISOString()}|${p.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { scheduledAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const scheduledAt = new Date(at ?? '');
  if (!id || Number.isNaN(scheduledAt.getTime())) throw invalidField('cursor', 'is not a cursor this API gave');
  return { scheduledAt, id };
}
