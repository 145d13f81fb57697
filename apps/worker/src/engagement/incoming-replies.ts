import type { EngagementRepository } from '#database/engagement.repository.js';
import type { ReplyThreadsRepository, ThreadPost } from '#database/reply-threads.repository.js';
import type { AccountConnection, IncomingRepliesPage, IncomingReply, NetworkAdapter, RemoteReply } from '#networks/network-adapter.js';
import { keep, kept, OUT_OF_BUDGET, type BudgetedCall } from './budgeted-call.js';

/**
 * New replies under an account's strike posts, from what the network already gathers for the
 * account (its mentions and reply notifications): a few requests per round for the whole account
 * instead of one per post. Each reply is attached to the strike post whose thread it is in: through
 * the root the network names, else through its parent (a strike post or a reply already collected),
 * else by asking for the posts above it. Edits and deletions are not in notifications: the whole
 * thread read (when a count moves, and on a slow schedule) brings those.
 */
export class IncomingReplies {
  constructor(
    private readonly threads: ReplyThreadsRepository,
    private readonly repo: EngagementRepository,
  ) {}

  /** OUT_OF_BUDGET: nothing was stored and the cursor did not move; the next round reads the same again. */
  async collect(
    adapter: NetworkAdapter,
    conn: AccountConnection,
    accountId: string,
    call: BudgetedCall,
    now: Date,
  ): Promise<{ added: number; updated: number } | typeof OUT_OF_BUDGET> {
    const fetchPage = adapter.fetchIncomingReplies?.bind(adapter);
    if (!fetchPage) return { added: 0, updated: 0 };
    const cursor = await this.threads.cursor(accountId);
    const incoming = new Map<string, IncomingReply>();
    let next = cursor;
    let page: string | null = null;
    do {
      const at: string | null = page;
      const res: IncomingRepliesPage | typeof OUT_OF_BUDGET = await call(() => fetchPage(conn, cursor, at));
      if (res === OUT_OF_BUDGET) return OUT_OF_BUDGET;
      for (const r of res.replies) incoming.set(r.remoteId, r);
      page = res.nextPage;
      next = res.cursor ?? next;
    } while (page !== null);
    // Parents before their replies, so a reply to a reply finds its thread through the first.
    const ordered = [...incoming.values()].sort((a, b) => a.postedAt.getTime() - b.postedAt.getTime() || (a.remoteId < b.remoteId ? -1 : 1));
    const placed = await this.place(adapter, conn, accountId, ordered, call);
    if (placed === OUT_OF_BUDGET) return OUT_OF_BUDGET;

    let added = 0;
    let updated = 0;
    for (const { post, replies } of placed.values()) {
      const stored = replies.filter(kept);
      const r = await this.repo.syncComments(post, stored.map(keep), now, { partial: true });
      added += r.added;
      updated += r.updated;
      // The post's own count grows with its new direct replies: those are explained, not a reason to read the thread.
      const direct = new Set(stored.filter((s) => s.inReplyToRemoteId === post.remoteId).map((s) => s.remoteId));
      await this.threads.addSeen(post.deliveryId, r.addedIds.filter((id) => direct.has(id)).length);
    }
    if (next !== null && next !== cursor) await this.threads.saveCursor(accountId, next);
    return { added, updated };
  }

  /** The replies grouped by the strike post whose thread they are in; others (unrelated mentions) left out. */
  private async place(
    adapter: NetworkAdapter,
    conn: AccountConnection,
    accountId: string,
    ordered: IncomingReply[],
    call: BudgetedCall,
  ): Promise<Map<string, { post: ThreadPost; replies: RemoteReply[] }> | typeof OUT_OF_BUDGET> {
    const refs = ordered.flatMap((r) => [r.rootRemoteId, r.inReplyToRemoteId]).filter((id): id is string => id !== null);
    const where = await this.threads.locate(accountId, [...new Set(refs)]);
    const unrelated = new Set<string>();
    const placed = new Map<string, { post: ThreadPost; replies: RemoteReply[] }>();
    const attach = (post: ThreadPost, r: RemoteReply) => {
      where.set(r.remoteId, post);
      const group = placed.get(post.deliveryId) ?? { post, replies: [] };
      if (!group.replies.some((x) => x.remoteId === r.remoteId)) group.replies.push(r);
      placed.set(post.deliveryId, group);
    };
    for (const r of ordered) {
      const parent = r.inReplyToRemoteId;
      const post = (r.rootRemoteId !== null ? where.get(r.rootRemoteId) : undefined) ?? (parent !== null ? where.get(parent) : undefined);
      if (post) {
        attach(post, r);
        continue;
      }
      // Not a reply, a thread the network placed elsewhere, or one already found to be elsewhere.
      if (parent === null || r.rootRemoteId !== null || unrelated.has(parent) || !adapter.fetchAncestors) {
        unrelated.add(r.remoteId);
        continue;
      }
      // A parent never seen (a reply that mentioned nobody, or a private one): the posts above tell the thread.
      const above = await call(() => adapter.fetchAncestors!(conn, r.remoteId));
      if (above === OUT_OF_BUDGET) return OUT_OF_BUDGET;
      const known = above ? await this.threads.locate(accountId, above.map((a) => a.remoteId)) : new Map<string, ThreadPost>();
      const top = above?.findIndex((a) => known.has(a.remoteId)) ?? -1;
      if (!above || top < 0) {
        unrelated.add(r.remoteId);
        continue;
      }
      const root = known.get(above[top]!.remoteId)!;
      for (const a of above.slice(top + 1)) attach(root, a);
      attach(root, r);
    }
    return placed;
  }
}
