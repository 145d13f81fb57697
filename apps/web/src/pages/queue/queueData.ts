import { api, call } from '../../api/client';
import type { Account, DeliveryState, Page, Post, Strike } from '../../api/views';
import { inWindow } from '../../lib/calendar';
import { heldBy } from './DeliveryStatus';

/** Every post scheduled in [from, to), following the API's pages (at most `maxPages` of 200). */
export async function postsBetween(query: { from?: string; to?: string; accountId?: string; state?: DeliveryState }, maxPages = 10): Promise<{ posts: Post[]; complete: boolean }> {
  const posts: Post[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < maxPages; i++) {
    const page = await call<Page<Post>>(api.GET('/v1/posts', { params: { query: { ...query, limit: 200, ...(cursor ? { cursor } : {}) } } }));
    posts.push(...page.items);
    if (!page.nextCursor) return { posts, complete: true };
    cursor = page.nextCursor;
  }
  return { posts, complete: false };
}

export async function allStrikes(): Promise<Strike[]> {
  const strikes: Strike[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 5; i++) {
    const page = await call<Page<Strike>>(api.GET('/v1/strikes', { params: { query: { limit: 200, ...(cursor ? { cursor } : {}) } } }));
    strikes.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return strikes;
}

/** Strikes worth drawing on the queue: the ones that were or may be in effect. */
export const drawnStrikes = (strikes: Strike[]) => strikes.filter((s) => s.state !== 'rejected' && s.state !== 'cancelled');

/** Whether a post concerns a strike: one of its posts, held by it, or scheduled in its window on an account it covers. */
export function postConcernsStrike(post: Post, strike: Strike, accounts: Map<string, Account>): boolean {
  if (post.strikeId === strike.id) return true;
  return post.deliveries.some(
    (d) => heldBy(d, accounts.get(d.accountId), [strike])?.id === strike.id || ((strike.allAccounts || strike.accountIds.includes(d.accountId)) && inWindow(d.scheduledAt, strike)),
  );
}
