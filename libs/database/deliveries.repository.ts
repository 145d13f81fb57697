import { Injectable } from '@nestjs/common';
import type { AccountRecord, AccountStatus, DeliveryRecord, DeliveryState, Visibility } from '#domain/models.js';
import { PrismaService } from './prisma.service.js';
import type { ClaimRow, GateRow } from './publish-round.js';

export interface PublishWork {
  delivery: DeliveryRecord;
  account: AccountRecord;
  post: { text: string; contentWarning: string | null; visibility: Visibility; language: string | null; strikeRole: string | null };
  media: { mediaId: string; altText: string; mimeType: string }[];
  /** The gate's answer read right after the claim, for a network call that follows at once. */
  gate: GateRow;
}

export type ClaimResult =
  | { claimed: true; work: PublishWork }
  /** Not claimed: the delivery as it stands after the attempt (null when it does not exist), and its holder's lease. */
  | { claimed: false; delivery: DeliveryRecord | null; leaseUntil: Date | null };


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

function claimResult(r: ClaimRow): ClaimResult {
  if (!r.claimed) return { claimed: false, delivery: rowDelivery(r), leaseUntil: r.d_lease_until };
  // Without it, an empty answer would read as "no strike" and the call would go out unchecked.
  if (r.gated !== true) throw new Error(`The claim of delivery ${r.d_id} came back without the gate's answer`);
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
      gate: { covering: r.covering, ownState: r.own_state, ownEndsAt: r.own_ends_at },
    },
  };
}

/** The worker's view of deliveries: claims, outcomes, and the reconciler's scan. */
@Injectable()
export class DeliveriesRepository {
  constructor(private readonly prisma: PrismaService) {}

  private get db() {
    return this.prisma.client;
  }

  /**
   * The publish path's one round trip (SQL function publish_round): takes the
   * publish right (one holder at a time; a crashed holder's claim lapses when its lease runs out)
   * and, only if it got it, loads the work and answers the gate (from `now` to `now +
   * gateMarginMs`) with snapshots taken after the claim, so an edit or a strike decision that
   * committed before the claim is seen. It shares its round trip with the other steps of the
   * deliveries running beside it (PublishRound).
   */
  async claimWork(id: string, token: string, now: Date, leaseMs: number, gateMarginMs: number): Promise<ClaimResult> {
    const row = await this.prisma.publishRound.claim({ id, token, now, leaseMs, gateMarginMs });
    return row ? claimResult(row) : { claimed: false, delivery: null, leaseUntil: null };
  }

  /**
   * The heartbeat of live holders: extends the lease of every claim still held, in one statement,
   * so a crashed holder's claims lapse within one lease while a live one keeps its own however
   * long its call takes. Returns the ids still held (a missing one was taken over or settled).
   */
  async renewLeases(claims: { id: string; token: string }[], leaseUntil: Date): Promise<Set<string>> {
    if (claims.length === 0) return new Set();
    // Rows locked in id order, as the publish rounds lock them: unordered, the two deadlocked. Found
    // by key (state compared as text), as publish_round does: not by walking the state index.
    const { rows } = await this.prisma.hot.query<{ id: string }>(
      `WITH held AS (
         SELECT d.id FROM deliveries d JOIN unnest($1::uuid[], $2::text[]) AS c(id, token) ON d.id = c.id
         WHERE d.claim_token = c.token AND d.state::text = 'publishing'
         ORDER BY d.id FOR UPDATE OF d)
       UPDATE deliveries d SET lease_until = $3 FROM held
       WHERE d.id = held.id
       RETURNING d.id`,
      [claims.map((c) => c.id), claims.map((c) => c.token), leaseUntil],
    );
    return new Set(rows.map((r) => r.id));
  }

  async mediaData(mediaId: string): Promise<Uint8Array> {
    const m = await this.db.media.findUniqueOrThrow({ where: { id: mediaId }, select: { data: true } });
    return m.data;
  }

  async saveRemoteMediaIds(id: string, token: string, remoteMediaIds: string[]): Promise<void> {
    await this.db.delivery.updateMany({ where: { id, claimToken: token }, data: { remoteMediaIds } });
  }

  /**
   * Records the publication and starts following the post's engagement together (SQL function
   * publish_round, in a PublishRound): a post is tracked exactly when it is recorded as published.
   */
  async markPublished(
    id: string,
    token: string,
    r: { remoteId: string; url: string | null; publishedAt: Date },
    firstSnapshotAt: Date,
  ): Promise<boolean> {
    return this.prisma.publishRound.record({ id, token, remoteId: r.remoteId, url: r.url, publishedAt: r.publishedAt, firstSnapshotAt });
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
  async pendingPage(afterId: string | null, limit: number): Promise<{ id: string; scheduledAt: Date; strikeId: string | null; updatedAt: Date }[]> {
    return this.db.delivery.findMany({
      where: {
        ...(afterId ? { id: { gt: afterId } } : {}),
        OR: [{ state: 'scheduled' }, { state: 'publishing', leaseUntil: { lt: new Date() } }],
      },
      select: { id: true, scheduledAt: true, strikeId: true, updatedAt: true },
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
