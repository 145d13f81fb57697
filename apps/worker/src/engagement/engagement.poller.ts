import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { AccountCapabilities, mayUse } from '#networks/account-capabilities.js';
import { AccountConnections } from '#networks/account-connections.js';
import { DeliveriesRepository } from '#database/deliveries.repository.js';
import { EngagementRepository, type DuePost, type TakenSnapshot } from '#database/engagement.repository.js';
import { ReplyThreadsRepository } from '#database/reply-threads.repository.js';
import { nextSnapshotAt } from '#engagement/schedule.js';
import { threadCheck } from '#engagement/thread-check.js';
import { NetworkError, NetworkRateLimitedError, NetworkUnsupportedError } from '#networks/errors.js';
import type { AccountConnection, NetworkAdapter, PostCounts } from '#networks/network-adapter.js';
import { NetworkRegistry } from '#networks/network-registry.js';
import { keep, kept, OUT_OF_BUDGET, type BudgetedCall } from './budgeted-call.js';
import { IncomingReplies } from './incoming-replies.js';

export interface PollResult {
  snapshots: number;
  gone: number;
  comments: { added: number; updated: number; deleted: number };
  requests: number;
  /** Due posts left for a later round because the budget ran out. */
  deferred: number;
  goneIds: string[];
  stopped?: 'rate-limited' | 'budget' | 'account';
}

/**
 * One round for one account: snapshots of every due post (in batches where the server allows),
 * the replies under due strike posts, each call taken from the account's budget first. New replies
 * come from the account's notifications where the network has them (ENGAGEMENT_REPLIES), and a
 * strike post's whole thread is read only when its reply count moved otherwise or on the slow
 * schedule; else every due strike post's thread is read. `now` is a parameter so tests drive the
 * schedule with a clock of their own.
 */
@Injectable()
export class EngagementPoller {
  /** Instances known to lack the multi-status endpoint (a 404 on it), besides the accounts' stored capabilities. */
  private readonly singleOnly = new Set<string>();
  private readonly incoming: IncomingReplies;

  private readonly logger = new Logger(EngagementPoller.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: EngagementRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly networks: NetworkRegistry,
    private readonly connections: AccountConnections,
    private readonly capabilities: AccountCapabilities,
    private readonly threads: ReplyThreadsRepository,
  ) {
    this.incoming = new IncomingReplies(threads, repo);
  }

  async pollAccount(accountId: string, now: Date): Promise<PollResult> {
    const result: PollResult = { snapshots: 0, gone: 0, comments: { added: 0, updated: 0, deleted: 0 }, requests: 0, deferred: 0, goneIds: [] };
    const account = await this.repo.account(accountId);
    if (!account || account.status !== 'active' || account.disconnectedAt) return { ...result, stopped: 'account' };
    if (account.rateLimitedUntil && account.rateLimitedUntil > now) return { ...result, stopped: 'rate-limited' };
    const { budget, windowMs } = this.config.engagement;
    await this.repo.pruneCalls(accountId, now, windowMs);
    const due = await this.repo.claimDue(accountId, now, budget * 20, new Date(now.getTime() + LEASE_MS));
    if (due.length === 0) return result;

    const adapter = this.networks.get(account.network);
    let conn: AccountConnection;
    try {
      conn = await this.connections.open(account, new Date());
    } catch (err) {
      await this.repo.release(due);
      if (!(err instanceof NetworkError && err.kind === 'auth')) throw err;
      await this.deliveries.markAccountNeedsReconnection(accountId, err.message);
      return { ...result, stopped: 'account' };
    }
    const call: BudgetedCall = async <T>(fn: () => Promise<T>): Promise<T | typeof OUT_OF_BUDGET> => {
      // Stamped when the call is made (a test's clock may run ahead of the real one: then its time).
      const at = new Date(Math.max(now.getTime(), Date.now()));
      if (!(await this.repo.reserveCall(accountId, at, budget, windowMs))) return OUT_OF_BUDGET;
      result.requests++;
      return fn();
    };
    const polled: DuePost[] = [];
    const counted = new Map<string, PostCounts>();
    try {
      const capabilities = await this.capabilities.get(accountId);
      // A server known to lack the notifications route (learned on an earlier round, or at connect)
      // is not asked again each round: its threads are read, until the next check says otherwise.
      let feed = this.config.engagement.replies === 'notifications' && adapter.fetchIncomingReplies !== undefined && mayUse(capabilities, 'replyNotifications');
      // Notifications before counts: a reply arriving in between then shows in the count as unexplained
      // (the thread is read) rather than counted twice.
      if (feed && due.some((p) => p.strikeId)) {
        const got = await this.incoming.collect(adapter, conn, accountId, call, now).catch(async (err: unknown) => {
          // A server without the notifications route (or refusing it): every thread is read instead,
          // and the account's capabilities say so (shown with the account; asked again at the next check).
          if (!(err instanceof NetworkError) || err.kind !== 'permanent') throw err;
          this.logger.warn({ accountId, err: err.message }, 'notifications unavailable: reading whole threads');
          await this.capabilities.learn(accountId, 'replyNotifications', { support: 'no', detail: `${err.message}: every strike post's thread is read instead` });
          feed = false;
          return { added: 0, updated: 0 };
        });
        if (got === OUT_OF_BUDGET) return { ...result, stopped: 'budget' };
        result.comments.added += got.added;
        result.comments.updated += got.updated;
      }
      // Known at connect (or learned on an earlier round): no multi-status route, one request per post.
      if (capabilities.multiStatus?.support === 'no') this.singleOnly.add(account.instanceUrl);
      await this.snapshots(adapter, conn, { id: accountId, instance: account.instanceUrl }, due, now, call, result, polled, counted);
      if (result.deferred > 0) result.stopped = 'budget';
      const strikePosts = polled.filter((p) => p.strikeId);
      const records = feed ? await this.threads.threads(strikePosts.map((p) => p.deliveryId)) : null;
      for (const post of strikePosts) {
        const replyCount = counted.get(post.deliveryId)!.replies;
        const record = records?.get(post.deliveryId);
        if (record && threadCheck({ replies: replyCount, ...record, publishedAt: post.publishedAt }, now, this.config.engagement.threadEveryMs) === null) continue;
        const replies = await call(() => adapter.fetchReplies(conn, post.remoteId));
        if (replies === OUT_OF_BUDGET) return { ...result, stopped: 'budget' };
        if (replies === null) continue;
        const counts = await this.repo.syncComments({ ...post, strikeId: post.strikeId! }, replies.filter(kept).map(keep), now);
        await this.threads.threadRead(post.deliveryId, replyCount, now);
        result.comments.added += counts.added;
        result.comments.updated += counts.updated;
        result.comments.deleted += counts.deleted;
      }
      return result;
    } catch (err) {
      if (err instanceof NetworkRateLimitedError) {
        // Only this account waits; the people using it get the rest of the window.
        await this.deliveries.setAccountRateLimitedUntil(accountId, err.resetAt);
        return { ...result, stopped: 'rate-limited' };
      }
      if (err instanceof NetworkError && err.kind === 'auth') {
        await this.deliveries.markAccountNeedsReconnection(accountId, err.message);
        return { ...result, stopped: 'account' };
      }
      throw err;
    } finally {
      // What this round did not reach is due again at once, not at the lease's end.
      const reached = new Set([...polled.map((p) => p.deliveryId), ...result.goneIds]);
      await this.repo.release(due.filter((p) => !reached.has(p.deliveryId)));
    }
  }

  /** Adds to `polled` the due posts it took a snapshot of (those still on the network). */
  private async snapshots(
    adapter: NetworkAdapter,
    conn: AccountConnection,
    { id: accountId, instance }: { id: string; instance: string },
    due: DuePost[],
    now: Date,
    call: BudgetedCall,
    result: PollResult,
    polled: DuePost[],
    counted: Map<string, PostCounts>,
  ): Promise<void> {
    const record = async (batch: DuePost[], counts: (PostCounts | null)[]) => {
      const byRemote = new Map(counts.filter((c): c is PostCounts => c !== null).map((c) => [c.remoteId, c]));
      const taken: TakenSnapshot[] = [];
      const gone: string[] = [];
      for (const p of batch) {
        const c = byRemote.get(p.remoteId);
        if (!c) gone.push(p.deliveryId);
        else {
          taken.push({ deliveryId: p.deliveryId, counts: c, nextAt: nextSnapshotAt(p.publishedAt, now, this.config.engagement.schedule) });
          polled.push(p);
          counted.set(p.deliveryId, c);
        }
      }
      await this.repo.saveSnapshots(taken, now);
      await this.repo.markGone(gone, now);
      result.goneIds.push(...gone);
      result.snapshots += taken.length;
      result.gone += gone.length;
    };
    for (let i = 0; i < due.length; ) {
      if (!this.singleOnly.has(instance)) {
        const batch = due.slice(i, i + adapter.countsBatchSize);
        try {
          const counts = await call(() => adapter.fetchCountsBatch(conn, batch.map((p) => p.remoteId)));
          if (counts === OUT_OF_BUDGET) break;
          // Some servers answer an endpoint they lack with an empty list, not a 404: ask for one post to tell.
          if (counts.length === 0 && batch.length > 1) {
            const probe = await call(() => adapter.fetchCounts(conn, batch[0]!.remoteId));
            if (probe === OUT_OF_BUDGET) break;
            if (probe) throw new NetworkUnsupportedError('The multi-status endpoint answered nothing for posts that exist');
          }
          await record(batch, counts);
          i += batch.length;
          continue;
        } catch (err) {
          if (!(err instanceof NetworkUnsupportedError)) throw err;
          this.logger.log({ instance }, 'no multi-status endpoint here: one request per post');
          this.singleOnly.add(instance);
          await this.capabilities.learn(accountId, 'multiStatus', { support: 'no', detail: `${err.message}: counts are asked one post at a time` });
        }
      }
      const post = due[i]!;
      const counts = await call(() => adapter.fetchCounts(conn, post.remoteId));
      if (counts === OUT_OF_BUDGET) break;
      await record([post], [counts]);
      i++;
    }
    result.deferred = due.length - result.snapshots - result.gone;
  }
}

// Longer than any round takes; a crashed round's posts are due again after it.
const LEASE_MS = 10 * 60_000;
