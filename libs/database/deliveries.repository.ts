import { Injectable } from '@nestjs/common';
import type { AccountRecord, AccountStatus, DeliveryRecord, DeliveryState, Visibility } from '#domain/models.js';
import { Batcher } from './batcher.js';
import { toAccount, toDelivery } from './mappers.js';
import { PrismaService } from './prisma.service.js';

export interface PublishWork {
  delivery: DeliveryRecord;
  account: AccountRecord;
  post: { text: string; contentWarning: string | null; visibility: Visibility; language: string | null; strikeRole: string | null };
  media: { mediaId: string; altText: string; mimeType: string }[];
}

export type ClaimResult =
  | { claimed: true; work: PublishWork }
  /** Not claimed: the delivery as it stands after the attempt (null when it does not exist), and its holder's lease. */
  | { claimed: false; delivery: DeliveryRecord | null; leaseUntil: Date | null };

interface ClaimRow {
  claimed: boolean;
  d_id: string; d_organisation_id: string; d_post_id: string; d_account_id: string; d_strike_id: string | null; d_state: string;
  d_scheduled_at: Date; d_attempts: number; d_remote_media_ids: string[]; d_remote_id: string | null; d_remote_url: string | null;
  d_published_at: Date | null; d_last_error: string | null; d_failure_reason: string | null; d_cancel_reason: string | null;
  d_created_at: Date; d_updated_at: Date; d_lease_until: Date | null;
  a_network: string; a_instance_url: string; a_remote_id: string; a_handle: string; a_display_name: string; a_profile_url: string | null;
  a_token_ciphertext: string; a_max_characters: number; a_max_media: number; a_characters_per_url: number;
  a_status: string; a_status_reason: string | null; a_rate_limited_until: Date | null; a_created_at: Date; a_disconnected_at: Date | null;
  post_text: string; post_content_warning: string | null; post_visibility: string; post_language: string | null; post_strike_role: string | null;
  media: { mediaId: string; altText: string; mimeType: string }[];
  i: number;
}

const rowDelivery = (r: ClaimRow): DeliveryRecord => ({
  id: r.d_id,
  organisationId: r.d_organisation_id,
  postId: r.d_post_id,
  accountId: r.d_account_id,
  strikeId: r.d_strike_id,
  state: r.d_state as DeliveryState,
  scheduledAt: r.d_scheduled_at,
  attempts: r.d_attempts,
  remoteMediaIds: r.d_remote_media_ids,
  remoteId: r.d_remote_id,
  remoteUrl: r.d_remote_url,
  publishedAt: r.d_published_at,
  lastError: r.d_last_error,
  failureReason: r.d_failure_reason,
  cancelReason: r.d_cancel_reason,
  createdAt: r.d_created_at,
  updatedAt: r.d_updated_at,
});

const rowAccount = (r: ClaimRow): AccountRecord => ({
  id: r.d_account_id,
  organisationId: r.d_organisation_id,
  network: r.a_network as AccountRecord['network'],
  instanceUrl: r.a_instance_url,
  remoteId: r.a_remote_id,
  handle: r.a_handle,
  displayName: r.a_display_name,
  profileUrl: r.a_profile_url,
  tokenCiphertext: r.a_token_ciphertext,
  maxCharacters: r.a_max_characters,
  maxMedia: r.a_max_media,
  charactersPerUrl: r.a_characters_per_url,
  status: r.a_status as AccountStatus,
  statusReason: r.a_status_reason,
  rateLimitedUntil: r.a_rate_limited_until,
  createdAt: r.a_created_at,
  disconnectedAt: r.a_disconnected_at,
});

interface ClaimInput { id: string; token: string; now: Date; leaseMs: number }
interface RecordInput { id: string; token: string; remoteId: string; url: string | null; publishedAt: Date; firstSnapshotAt: Date }

// Statements of the publish path, shared by the deliveries a worker runs side by side (Batcher): one
// out at a time per kind, so a lone call never waits and a busy worker sends fewer, fuller ones
// (two at a time measured slower: smaller batches for the same round trips).
const BATCHING = { maxInFlight: 1, maxBatch: 64 };

function claimResult(r: ClaimRow): ClaimResult {
  if (!r.claimed) return { claimed: false, delivery: rowDelivery(r), leaseUntil: r.d_lease_until };
  return {
    claimed: true,
    work: {
      delivery: rowDelivery(r),
      account: rowAccount(r),
      post: {
        text: r.post_text,
        contentWarning: r.post_content_warning,
        visibility: r.post_visibility as Visibility,
        language: r.post_language,
        strikeRole: r.post_strike_role,
      },
      media: r.media,
    },
  };
}

/** The worker's view of deliveries: claims, outcomes, and the reconciler's scan. */
@Injectable()
export class DeliveriesRepository {
  private readonly claims = new Batcher<ClaimInput, ClaimResult>((inputs) => this.claimBatch(inputs), BATCHING);
  private readonly records = new Batcher<RecordInput, boolean>((inputs) => this.recordBatch(inputs), BATCHING);

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

  /**
   * The publish path's one round trip (SQL function claim_deliveries): takes the publish right as
   * claim() does and, only if it got it, loads the work with a snapshot taken after the claim, so an
   * edit that committed before the claim is seen. Claims made together go in one statement. It does
   * not answer the gate: that is asked right before each network call (GateRepository.answer).
   */
  async claimWork(id: string, token: string, now: Date, leaseMs: number): Promise<ClaimResult> {
    return this.claims.call({ id, token, now, leaseMs });
  }

  private async claimBatch(inputs: ClaimInput[]): Promise<ClaimResult[]> {
    // Sorted, so every worker locks rows in the same order.
    const order = inputs.map((_, k) => k).sort((x, y) => (inputs[x]!.id < inputs[y]!.id ? -1 : 1));
    const now = new Date(Math.max(...inputs.map((c) => c.now.getTime())));
    const leaseUntil = new Date(now.getTime() + Math.max(...inputs.map((c) => c.leaseMs)));
    const { rows } = await this.prisma.hot.query<ClaimRow>('SELECT * FROM claim_deliveries($1::uuid[], $2::text[], $3, $4)', [
      order.map((k) => inputs[k]!.id),
      order.map((k) => inputs[k]!.token),
      now,
      leaseUntil,
    ]);
    const results: ClaimResult[] = inputs.map(() => ({ claimed: false, delivery: null, leaseUntil: null }));
    for (const r of rows) results[order[r.i - 1]!] = claimResult(r);
    return results;
  }

  /**
   * The heartbeat of live holders: extends the lease of every claim still held, in one statement,
   * so a crashed holder's claims lapse within one lease while a live one keeps its own however
   * long its call takes. Returns the ids still held (a missing one was taken over or settled).
   */
  async renewLeases(claims: { id: string; token: string }[], leaseUntil: Date): Promise<Set<string>> {
    if (claims.length === 0) return new Set();
    const { rows } = await this.prisma.hot.query<{ id: string }>(
      `UPDATE deliveries d SET lease_until = $3
       FROM unnest($1::uuid[], $2::text[]) AS c(id, token)
       WHERE d.id = c.id AND d.claim_token = c.token AND d.state = 'publishing'
       RETURNING d.id`,
      [claims.map((c) => c.id), claims.map((c) => c.token), leaseUntil],
    );
    return new Set(rows.map((r) => r.id));
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
    return this.records.call({ id, token, remoteId: r.remoteId, url: r.url, publishedAt: r.publishedAt, firstSnapshotAt });
  }

  private async recordBatch(inputs: RecordInput[]): Promise<boolean[]> {
    const sorted = [...inputs].sort((x, y) => (x.id < y.id ? -1 : 1));
    const { rows } = await this.prisma.hot.query<{ id: string }>('SELECT recorded_id AS id FROM record_publications($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[])', [
      sorted.map((x) => x.id),
      sorted.map((x) => x.token),
      sorted.map((x) => x.remoteId),
      sorted.map((x) => x.url),
      sorted.map((x) => x.publishedAt),
      sorted.map((x) => x.firstSnapshotAt),
    ]);
    const recorded = new Set(rows.map((r) => r.id));
    return inputs.map((x) => recorded.has(x.id));
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
