import { Injectable } from '@nestjs/common';
import { toAccount } from '#database/mappers.js';
import { PrismaService } from '#database/prisma.service.js';
import { STRIKE_INCLUDE, toStrike } from '#strikes/persistence/strike-mappers.js';
import type { AccountRecord } from '#domain/models.js';
import type { HoldFate, StrikeRecord } from '#strikes/domain/strike.js';

export interface QueuedDelivery {
  deliveryId: string;
  postId: string;
  accountId: string;
  scheduledAt: Date;
  text: string;
}

export interface HoldRecord {
  id: string;
  deliveryId: string;
  postId: string;
  accountId: string;
  originalScheduledAt: Date;
  heldAt: Date;
  fate: HoldFate;
  fateAt: Date | null;
  newScheduledAt: Date | null;
  deliveryState: string;
  text: string;
}

export interface StrikePostRecord {
  deliveryId: string;
  postId: string;
  accountId: string;
  role: string;
  scheduledAt: Date;
  state: string;
  remoteUrl: string | null;
  publishedAt: Date | null;
  failureReason: string | null;
  cancelReason: string | null;
}

export interface OccupationStepView {
  phase: string;
  step: string;
  outcome: string;
  detail: string | null;
  lastError: string | null;
  attempts: number;
  updatedAt: Date;
}

export interface OccupationView {
  accountId: string;
  occupyState: string;
  restoreState: string | null;
  pinnedRemoteId: string | null;
  report: unknown;
  lastError: string | null;
  /** Each step's outcome and last error, kept after the strike ends. */
  steps: OccupationStepView[];
  /** The account's capabilities as checked when the strike started. */
  capabilities: unknown;
}

export interface NativeHoldView {
  id: string;
  accountId: string;
  remoteId: string;
  originalScheduledAt: Date;
  fate: HoldFate;
  newScheduledAt: Date | null;
  text: string;
}

const STEP_ORDER = ['native-scheduled', 'profile', 'pin', 'display-name', 'bio', 'avatar', 'header', 'unpin'];

/** Read side of a strike's effects (preview and live view), and the review of held posts. */
@Injectable()
export class StrikeTimelineRepository {
  constructor(private readonly prisma: PrismaService) {}

  private get db() {
    return this.prisma.client;
  }

  async strike(organisationId: string, id: string): Promise<StrikeRecord | null> {
    const row = await this.db.strike.findFirst({ where: { id, organisationId }, include: STRIKE_INCLUDE });
    return row ? toStrike(row) : null;
  }

  async targets(strike: Pick<StrikeRecord, 'organisationId' | 'allAccounts' | 'accountIds'>): Promise<AccountRecord[]> {
    const rows = await this.db.account.findMany({
      where: strike.allAccounts ? { organisationId: strike.organisationId, disconnectedAt: null } : { id: { in: strike.accountIds } },
      orderBy: { handle: 'asc' },
    });
    return rows.map(toAccount);
  }

  /** Ordinary deliveries still to publish before the end: what the strike would hold. */
  async queuedBefore(accountIds: string[], until: Date, limit: number): Promise<QueuedDelivery[]> {
    const rows = await this.db.delivery.findMany({
      where: { accountId: { in: accountIds }, strikeId: null, state: 'scheduled', scheduledAt: { lt: until } },
      orderBy: [{ scheduledAt: 'asc' }, { id: 'asc' }],
      take: limit,
      select: { id: true, postId: true, accountId: true, scheduledAt: true, post: { select: { text: true } } },
    });
    return rows.map((r) => ({ deliveryId: r.id, postId: r.postId, accountId: r.accountId, scheduledAt: r.scheduledAt, text: r.post.text }));
  }

  /** In time order for the live view; with `page`, in id order so a cursor can walk all of them. */
  async holds(strikeId: string, limit: number, page?: { fate?: HoldFate; afterId?: string }): Promise<HoldRecord[]> {
    const rows = await this.db.hold.findMany({
      where: { strikeId, ...(page?.fate ? { fate: page.fate } : {}), ...(page?.afterId ? { id: { gt: page.afterId } } : {}) },
      orderBy: page ? { id: 'asc' } : [{ originalScheduledAt: 'asc' }, { id: 'asc' }],
      take: limit,
    });
    const deliveries = await this.db.delivery.findMany({
      where: { id: { in: rows.map((r) => r.deliveryId) } },
      select: { id: true, postId: true, state: true, post: { select: { text: true } } },
    });
    const byId = new Map(deliveries.map((d) => [d.id, d]));
    return rows.map((h) => {
      const d = byId.get(h.deliveryId);
      return {
        id: h.id,
        deliveryId: h.deliveryId,
        postId: d?.postId ?? '',
        accountId: h.accountId,
        originalScheduledAt: h.originalScheduledAt,
        heldAt: h.heldAt,
        fate: h.fate,
        fateAt: h.fateAt,
        newScheduledAt: h.newScheduledAt,
        deliveryState: d?.state ?? 'unknown',
        text: d?.post.text ?? '',
      };
    });
  }

  async holdCounts(strikeId: string): Promise<Record<string, number>> {
    const groups = await this.db.hold.groupBy({ by: ['fate'], where: { strikeId }, _count: { _all: true } });
    return Object.fromEntries(groups.map((g) => [g.fate, g._count._all]));
  }

  async strikePosts(strikeId: string): Promise<StrikePostRecord[]> {
    const rows = await this.db.delivery.findMany({
      where: { strikeId },
      orderBy: [{ scheduledAt: 'asc' }, { accountId: 'asc' }],
      include: { post: { select: { strikeRole: true } } },
    });
    return rows.map((d) => ({
      deliveryId: d.id,
      postId: d.postId,
      accountId: d.accountId,
      role: d.post.strikeRole ?? 'slot',
      scheduledAt: d.scheduledAt,
      state: d.state,
      remoteUrl: d.remoteUrl,
      publishedAt: d.publishedAt,
      failureReason: d.failureReason,
      cancelReason: d.cancelReason,
    }));
  }

  async occupations(strikeId: string): Promise<OccupationView[]> {
    const rows = await this.db.accountOccupation.findMany({
      where: { strikeId },
      orderBy: { accountId: 'asc' },
      include: { steps: { orderBy: [{ phase: 'asc' }, { step: 'asc' }] } },
    });
    // occupy before restore, in the order the worker runs them.
    const order = (s: { phase: string; step: string }) => (s.phase === 'occupy' ? 0 : STEP_ORDER.length) + STEP_ORDER.indexOf(s.step);
    return rows.map((o) => ({
      accountId: o.accountId,
      occupyState: o.occupyState,
      restoreState: o.restoreState,
      pinnedRemoteId: o.pinnedRemoteId,
      report: o.report,
      lastError: o.lastError,
      capabilities: o.capabilities,
      steps: [...o.steps]
        .sort((a, b) => order(a) - order(b))
        .map((s) => ({ phase: s.phase, step: s.step, outcome: s.outcome, detail: s.detail, lastError: s.lastError, attempts: s.attempts, updatedAt: s.updatedAt })),
    }));
  }

  async nativeHolds(strikeId: string): Promise<NativeHoldView[]> {
    const rows = await this.db.nativeHold.findMany({ where: { strikeId }, orderBy: { originalScheduledAt: 'asc' } });
    return rows.map((n) => ({
      id: n.id,
      accountId: n.accountId,
      remoteId: n.remoteId,
      originalScheduledAt: n.originalScheduledAt,
      fate: n.fate,
      newScheduledAt: n.newScheduledAt,
      text: n.text,
    }));
  }

  /** A natively scheduled post parked for review, with the account it waits on. */
  async nativeInReview(organisationId: string, id: string): Promise<{ hold: NativeHoldView; strikeId: string; account: AccountRecord } | null> {
    const n = await this.db.nativeHold.findFirst({ where: { id, strike: { organisationId } } });
    if (!n) return null;
    const account = await this.db.account.findUniqueOrThrow({ where: { id: n.accountId } });
    return {
      hold: { id: n.id, accountId: n.accountId, remoteId: n.remoteId, originalScheduledAt: n.originalScheduledAt, fate: n.fate, newScheduledAt: n.newScheduledAt, text: n.text },
      strikeId: n.strikeId,
      account: toAccount(account),
    };
  }

  /** Records a reviewer's decision on a native post, once the network has carried it out. */
  async decideNative(organisationId: string, id: string, memberId: string, fate: 'resumed' | 'dropped', at: Date | null): Promise<boolean> {
    return this.db.$transaction(async (tx) => {
      const { count } = await tx.nativeHold.updateMany({ where: { id, fate: 'review' }, data: { fate, fateAt: new Date(), newScheduledAt: at } });
      if (count === 0) return false;
      const n = await tx.nativeHold.findUniqueOrThrow({ where: { id } });
      await tx.auditEntry.create({
        data: { organisationId, strikeId: n.strikeId, actorId: memberId, action: `native-post.${fate}`, detail: { nativeHoldId: id, remoteId: n.remoteId } },
      });
      return true;
    });
  }

  /**
   * A person gives a held post in review its fate. Conditional on the hold still waiting, so two
   * reviewers cannot both act on it.
   */
  async review(
    organisationId: string,
    holdId: string,
    memberId: string,
    decision: { fate: 'resumed'; at: Date } | { fate: 'dropped'; reason: string },
  ): Promise<{ ok: true; deliveryId: string } | { ok: false; why: 'not-found' | 'not-in-review' }> {
    return this.db.$transaction(async (tx) => {
      const hold = await tx.hold.findFirst({ where: { id: holdId, organisationId } });
      if (!hold) return { ok: false, why: 'not-found' as const };
      const { count } = await tx.hold.updateMany({
        where: { id: holdId, fate: 'review' },
        data: { fate: decision.fate, fateAt: new Date(), decidedById: memberId, newScheduledAt: decision.fate === 'resumed' ? decision.at : null },
      });
      if (count === 0) return { ok: false, why: 'not-in-review' as const };
      await tx.delivery.updateMany({
        where: { id: hold.deliveryId, state: 'held' },
        data:
          decision.fate === 'resumed'
            ? { state: 'scheduled', scheduledAt: decision.at }
            : { state: 'cancelled', cancelReason: decision.reason },
      });
      await tx.auditEntry.create({
        data: {
          organisationId,
          strikeId: hold.strikeId,
          actorId: memberId,
          action: decision.fate === 'resumed' ? 'hold.resumed' : 'hold.dropped',
          detail: { holdId, deliveryId: hold.deliveryId },
        },
      });
      return { ok: true as const, deliveryId: hold.deliveryId };
    });
  }
}
