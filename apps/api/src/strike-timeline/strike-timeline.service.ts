import { BadGatewayException, ConflictException, Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { CLOCK, type Clock } from '#clock/clock.js';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { NetworkError } from '#networks/errors.js';
import type { AccountCapabilitiesRecord, Caller } from '#domain/models.js';
import { messageText, type HoldFate, type StrikeRecord, type StrikeSpec } from '#strikes/domain/strike.js';
import { AccountCapabilities } from '#networks/account-capabilities.js';
import { AccountConnections } from '#networks/account-connections.js';
import { NetworkRegistry } from '#networks/network-registry.js';
import { DeliveryQueue } from '#queue/delivery-queue.js';
import {
  heldByWindow,
  NATIVE_MIN_LEAD_MS,
  occupiedDisplayName,
  heldFates,
  planSlots,
  rotationIndex,
  rotationOf,
} from '#strikes/domain/planner.js';
import { invalidField } from '../common/errors.js';
import type { UpdateStrikeDto } from '../strikes/dto/strike.dto.js';
import { StrikeSpecBuilder } from '../strikes/strike-spec.service.js';
import { TIMELINE_KINDS, type StrikePreviewView } from './strike-preview.view.js';
import { StrikeTimelineRepository } from './strike-timeline.repository.js';

const PREVIEW_LIMIT = 5000;
const LIVE_LIMIT = 1000;

// At one instant on one account: the profile changes, the strike post takes the slot, then the held post.
const KIND_ORDER: Record<TimelineEvent['kind'], number> = {
  profile: 0,
  'strike-post': 1,
  'published-before': 2,
  hold: 2,
  'held-post-returns': 3,
  'held-post-dropped': 3,
  'held-post-review': 3,
};

/** A strike as the planner needs it: saved (proposed or approved) or a draft not saved yet (id null). */
export type PlannedStrike = StrikeSpec & Pick<StrikeRecord, 'organisationId' | 'effectiveFrom'> & { id: string | null; state: StrikeRecord['state'] | 'draft' };

export interface TimelineEvent {
  at: Date;
  accountId: string;
  handle: string;
  kind: (typeof TIMELINE_KINDS)[number];
  detail: Record<string, unknown>;
}

/** What a strike will do (preview) and what it is doing (live view), built from the same rules the worker applies. */
@Injectable()
export class StrikeTimelineService {
  private readonly logger = new Logger(StrikeTimelineService.name);

  constructor(
    private readonly repo: StrikeTimelineRepository,
    private readonly queue: DeliveryQueue,
    private readonly networks: NetworkRegistry,
    private readonly connections: AccountConnections,
    private readonly capabilities: AccountCapabilities,
    private readonly specs: StrikeSpecBuilder,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private async strike(caller: Caller, id: string): Promise<StrikeRecord> {
    const strike = await this.repo.strike(caller.organisationId, id);
    if (!strike) throw new NotFoundException(`No strike ${id} in your organisation`);
    return strike;
  }

  async preview(caller: Caller, id: string): Promise<StrikePreviewView> {
    const strike = await this.strike(caller, id);
    if (!['proposed', 'approved'].includes(strike.state)) {
      throw new ConflictException(`This strike is ${strike.state}: the live view (GET /v1/strikes/${id}/live) shows what it did`);
    }
    return this.plan(strike);
  }

  /**
   * The timeline of a strike not saved yet (a new proposal as it is being written), or of a saved
   * proposal as an edit would change it: the body goes through the same checks as POST /v1/strikes
   * (or PATCH), so field errors come back as they would there. Nothing is written.
   */
  async previewDraft(caller: Caller, body: UpdateStrikeDto, strikeId?: string): Promise<StrikePreviewView> {
    const now = this.clock.now();
    const current = strikeId ? await this.strike(caller, strikeId) : null;
    if (current && !['proposed', 'approved'].includes(current.state)) {
      throw new ConflictException(`This strike is ${current.state}: it can no longer be changed`);
    }
    const spec = await this.specs.build(caller, body, current, now);
    return this.plan({ ...spec, id: current?.id ?? null, organisationId: caller.organisationId, state: current?.state ?? 'draft', effectiveFrom: null });
  }

  /**
   * The timeline from the planner's rules, the ones the lifecycle and the gate apply: what the gate
   * would hold (posts due from its margin before the window on; earlier ones are published before
   * it), the slots, the fates, the profile.
   */
  private async plan(strike: PlannedStrike): Promise<StrikePreviewView> {
    const now = this.clock.now();
    const from = strike.effectiveFrom ?? new Date(Math.max(strike.startsAt.getTime(), now.getTime()));
    const accounts = await this.repo.targets(strike);
    const capabilities = await this.capabilities.forAccounts(accounts.map((a) => a.id));
    const queued = await this.repo.queuedBefore(accounts.map((a) => a.id), strike.endsAt, PREVIEW_LIMIT + 1);
    const margin = this.config.networks.timeoutMs;
    const before = queued.filter((q) => !heldByWindow(q.scheduledAt, from, strike.endsAt, margin));
    const willHold = queued.filter((q) => heldByWindow(q.scheduledAt, from, strike.endsAt, margin));
    const events: TimelineEvent[] = [];
    const spacing = strike.occupationSpacingSeconds * 1000;
    const rotation = rotationOf(strike.messages);
    const profiles: StrikePreviewView['profiles'] = [];
    for (const account of accounts) {
      const push = (at: Date, kind: TimelineEvent['kind'], detail: Record<string, unknown>) =>
        events.push({ at, accountId: account.id, handle: account.handle, kind, detail });
      for (const b of before.filter((q) => q.accountId === account.id)) {
        push(b.scheduledAt, 'published-before', { deliveryId: b.deliveryId, postId: b.postId, text: b.text });
      }
      const held = willHold.filter((q) => q.accountId === account.id).slice(0, PREVIEW_LIMIT);
      for (const h of held) push(h.scheduledAt, 'hold', { deliveryId: h.deliveryId, postId: h.postId, text: h.text });
      if (strike.mode === 'occupation') {
        const occupied: Date[] = [];
        if (strike.messages.opening) {
          occupied.push(from);
          push(from, 'strike-post', { role: 'opening', text: messageText(strike.messages.opening, account.network) });
        }
        if (strike.messages.closing) occupied.push(strike.endsAt);
        planSlots(held.map((h) => h.scheduledAt), occupied, spacing, from, strike.endsAt).forEach((at, i) =>
          push(at, 'strike-post', { role: 'slot', text: messageText(rotation[rotationIndex(i, rotation.length)]!, account.network) }),
        );
        if (strike.messages.closing) push(strike.endsAt, 'strike-post', { role: 'closing', text: messageText(strike.messages.closing, account.network) });
      }
      this.fates(strike, held, push);
      const p = strike.mode === 'occupation' ? strike.profile : null;
      if (p) {
        const changes = {
          displayName:
            p.displayNamePrefix || p.displayNameSuffix
              ? { from: account.displayName, to: occupiedDisplayName(account.displayName, p.displayNamePrefix, p.displayNameSuffix) }
              : null,
          bio: p.bio != null ? { to: p.bio } : null,
          avatar: p.avatarMediaId ? { to: p.avatarMediaId } : null,
          header: p.headerMediaId ? { to: p.headerMediaId } : null,
          pinOpening: p.pinOpening,
        };
        profiles.push({ accountId: account.id, handle: account.handle, changes });
        push(from, 'profile', { action: 'occupy', changes });
        push(strike.endsAt, 'profile', { action: 'restore', fields: Object.keys(changes).filter((k) => changes[k as keyof typeof changes]) });
      }
    }
    events.sort((a, b) => a.at.getTime() - b.at.getTime() || a.handle.localeCompare(b.handle) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
    const count = (kind: TimelineEvent['kind']) => events.filter((e) => e.kind === kind).length;
    return {
      strikeId: strike.id,
      state: strike.state,
      window: { from, until: strike.endsAt },
      heldPolicy: strike.heldPolicy,
      accounts: accounts.map((a) => ({ id: a.id, handle: a.handle, network: a.network, featureGaps: featureGaps(capabilities.get(a.id)) })),
      counts: {
        held: queued.length > PREVIEW_LIMIT ? `${PREVIEW_LIMIT}+` : willHold.length,
        strikePosts: count('strike-post'),
        returns: count('held-post-returns'),
        dropped: count('held-post-dropped'),
        review: count('held-post-review'),
        profileChanges: count('profile'),
      },
      profiles,
      nativeScheduled: 'Posts scheduled on the instances themselves are read at the start and moved out of the window then.',
      timeline: events,
    };
  }

  /** Each held post's fate at the end, as the lifecycle gives it (planner heldFates). */
  private fates(
    strike: PlannedStrike,
    held: { deliveryId: string; accountId: string; scheduledAt: Date }[],
    push: (at: Date, kind: TimelineEvent['kind'], detail: Record<string, unknown>) => void,
  ): void {
    const policy = strike.heldPolicy;
    const { times } = heldFates(strike, held.map((h) => ({ id: h.deliveryId, accountId: h.accountId, at: h.scheduledAt })), strike.endsAt);
    if (times) {
      for (const h of held) push(times.get(h.deliveryId)!, 'held-post-returns', { deliveryId: h.deliveryId, fate: policy });
    } else {
      const kind = policy === 'drop' ? 'held-post-dropped' : 'held-post-review';
      for (const h of held) push(strike.endsAt, kind, { deliveryId: h.deliveryId, fate: policy });
    }
  }

  /** Every held post of a strike with its fate, page by page (the live view shows the first ones). */
  async holds(caller: Caller, id: string, q: { fate?: HoldFate; limit?: number; cursor?: string }) {
    const strike = await this.strike(caller, id);
    const limit = q.limit ?? 200;
    const items = await this.repo.holds(strike.id, limit + 1, { fate: q.fate, afterId: q.cursor });
    const page = items.slice(0, limit);
    return { items: page, nextCursor: items.length > limit ? (page[page.length - 1]?.id ?? null) : null };
  }

  async live(caller: Caller, id: string) {
    const strike = await this.strike(caller, id);
    const [counts, holds, strikePosts, occupations, nativeHolds] = await Promise.all([
      this.repo.holdCounts(strike.id),
      this.repo.holds(strike.id, LIVE_LIMIT),
      this.repo.strikePosts(strike.id),
      this.repo.occupations(strike.id),
      this.repo.nativeHolds(strike.id),
    ]);
    const postCounts: Record<string, number> = {};
    for (const p of strikePosts) postCounts[p.state] = (postCounts[p.state] ?? 0) + 1;
    return {
      strikeId: strike.id,
      title: strike.title,
      state: strike.state,
      effectiveFrom: strike.effectiveFrom,
      endsAt: strike.endsAt,
      startedAt: strike.startedAt,
      endedAt: strike.endedAt,
      heldPolicy: strike.heldPolicy,
      holds: { counts, total: Object.values(counts).reduce((a, b) => a + b, 0), items: holds },
      strikePosts: { counts: postCounts, items: strikePosts },
      occupations,
      nativeScheduled: nativeHolds,
    };
  }

  /**
   * A person decides a natively scheduled post parked for review: scheduled again on its instance
   * (at least Mastodon's five minutes ahead), or deleted there. Network errors come back as 502.
   */
  async reviewNative(caller: Caller, id: string, decision: { action: 'resume'; scheduledAt?: string } | { action: 'drop' }) {
    const found = await this.repo.nativeInReview(caller.organisationId, id);
    if (!found) throw new NotFoundException(`No natively scheduled post ${id} held by a strike of your organisation`);
    if (found.hold.fate !== 'review') throw new ConflictException('This natively scheduled post is not waiting for review: it already has its fate');
    const adapter = this.networks.get(found.account.network);
    const conn = await onInstance(this.connections.open(found.account));
    let at: Date | null = null;
    if (decision.action === 'resume') {
      const now = this.clock.now().getTime();
      at = decision.scheduledAt ? new Date(decision.scheduledAt) : new Date(now + NATIVE_MIN_LEAD_MS);
      if (at.getTime() < now + 5 * 60_000) {
        throw invalidField('scheduledAt', 'must be at least 5 minutes ahead: the instance refuses to schedule a post sooner');
      }
      await onInstance(adapter.rescheduleNative(conn, found.hold.remoteId, at));
    } else {
      await onInstance(adapter.deleteNative(conn, found.hold.remoteId));
    }
    const fate = decision.action === 'resume' ? 'resumed' : 'dropped';
    if (!(await this.repo.decideNative(caller.organisationId, id, caller.memberId, fate, at))) {
      throw new ConflictException('Someone else decided this post meanwhile');
    }
    return { id, remoteId: found.hold.remoteId, fate, scheduledAt: at };
  }

  async reviewHold(caller: Caller, holdId: string, decision: { action: 'resume'; scheduledAt?: string } | { action: 'drop'; reason?: string }) {
    const now = this.clock.now();
    let at = now;
    if (decision.action === 'resume' && decision.scheduledAt) {
      at = new Date(decision.scheduledAt);
      if (at.getTime() < now.getTime()) throw invalidField('scheduledAt', `is in the past (${decision.scheduledAt}); give a future time or leave it out to publish now`);
    }
    const result = await this.repo.review(
      caller.organisationId,
      holdId,
      caller.memberId,
      decision.action === 'resume' ? { fate: 'resumed', at } : { fate: 'dropped', reason: decision.reason?.trim() || 'Dropped on review after the strike' },
    );
    if (!result.ok) {
      if (result.why === 'not-found') throw new NotFoundException(`No held post ${holdId} in your organisation`);
      throw new ConflictException('This held post is not waiting for review: it already has its fate');
    }
    if (decision.action === 'resume') {
      // Best effort: the decision is in Postgres and the reconciler enqueues the post if this fails; say so.
      await this.queue.reschedule([{ deliveryId: result.deliveryId, scheduledAt: at }]).catch((err: unknown) =>
        this.logger.warn(`Could not queue resumed post ${result.deliveryId} now; the reconciler will: ${(err as Error).message}`),
      );
    }
    return { holdId, deliveryId: result.deliveryId, fate: decision.action === 'resume' ? 'resumed' : 'dropped', scheduledAt: decision.action === 'resume' ? at : null };
  }
}

/** The instance's refusal or absence is not the caller's fault: a 502 that says what it answered. */
async function onInstance<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof NetworkError) throw new BadGatewayException(`The instance did not carry it out: ${err.message}`);
    throw err;
  }
}

/** The features a server is known to lack (`no`), in the order they are listed; null when never checked. */
function featureGaps(capabilities: AccountCapabilitiesRecord | undefined): { feature: string; detail: string }[] | null {
  if (!capabilities || Object.keys(capabilities).length === 0) return null;
  return Object.entries(capabilities)
    .filter(([, c]) => c?.support === 'no')
    .map(([feature, c]) => ({ feature, detail: c!.detail }));
}
