import type { FakeMastodon, FakeStatus } from './mastodon-server.js';
import type { RouteContext } from './mastodon-profile-routes.js';

/**
 * The fake Mastodon's notifications: a mention for each account a new status mentions. Like
 * Mastodon's web client, a reply mentions the author of the post it answers and everyone that post
 * mentioned (a test can say otherwise). Deleting a status takes its notifications away, as Mastodon does.
 */
export interface FakeNotification {
  id: string;
  /** Whose notification it is. */
  accountId: string;
  type: 'mention';
  statusId: string;
  fromAccountId: string;
  createdAt: Date;
}

// Api::V1::NotificationsController: 40 by default, at most 80.
const DEFAULT_LIMIT = 40;
const MAX_LIMIT = 80;

/** Who a new reply mentions: `explicit` when a test names them, else the thread's participants. */
export function mentionedBy(fake: FakeMastodon, reply: FakeStatus, explicit?: string[]): string[] {
  if (explicit) return explicit.filter((id) => id !== reply.accountId);
  const mentioned = new Set<string>();
  for (let up = reply.inReplyToId ? fake.statusById(reply.inReplyToId) : undefined; up; up = up.inReplyToId ? fake.statusById(up.inReplyToId) : undefined) {
    mentioned.add(up.accountId);
  }
  mentioned.delete(reply.accountId);
  return [...mentioned];
}

/**
 * `GET /api/v1/notifications` with `types[]`, `exclude_types[]`, `limit`, `max_id`, `since_id` and
 * `min_id`, newest first, with Mastodon's Link header (`next`: older, `prev`: newer). `min_id` gives
 * the page just after it; `since_id` the newest page after it.
 */
export function routeNotifications(ctx: RouteContext): boolean {
  const { fake, url } = ctx;
  if (ctx.method !== 'GET' || url.pathname !== '/api/v1/notifications') return false;
  if (!ctx.account) {
    ctx.send(401, { error: 'The access token is invalid' });
    return true;
  }
  const q = url.searchParams;
  const types = [...q.getAll('types[]'), ...q.getAll('types')];
  const excluded = [...q.getAll('exclude_types[]'), ...q.getAll('exclude_types')];
  const limit = Math.min(MAX_LIMIT, Math.max(1, Number(q.get('limit') ?? DEFAULT_LIMIT) || DEFAULT_LIMIT));
  const id = (k: string): bigint | null => (q.get(k) ? BigInt(q.get(k)!) : null);
  const [maxId, sinceId, minId] = [id('max_id'), id('since_id'), id('min_id')];
  const own = ctx.account.id;
  let list = fake.notifications
    .filter((n) => n.accountId === own && (types.length === 0 || types.includes(n.type)) && !excluded.includes(n.type))
    .filter((n) => (maxId === null || BigInt(n.id) < maxId) && (sinceId === null || BigInt(n.id) > sinceId) && (minId === null || BigInt(n.id) > minId))
    .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  list = minId !== null ? list.slice(0, limit) : list.slice(-limit);
  const page = list.reverse();
  const headers: Record<string, string> = {};
  if (page.length > 0) {
    const base = `${fake.url}/api/v1/notifications`;
    const keep: [string, string][] = [...types.map((t): [string, string] => ['types[]', t]), ...excluded.map((t): [string, string] => ['exclude_types[]', t]), ['limit', String(limit)]];
    const link = (k: string, id: string) => `<${base}?${new URLSearchParams([...keep, [k, id]]).toString()}>`;
    headers['link'] = `${link('max_id', page[page.length - 1]!.id)}; rel="next", ${link('min_id', page[0]!.id)}; rel="prev"`;
  }
  ctx.send(
    200,
    page.flatMap((n) => {
      const status = fake.statusById(n.statusId);
      const from = fake.accountById(n.fromAccountId);
      if (!status || !from) return [];
      return [{ id: n.id, type: n.type, created_at: n.createdAt.toISOString(), group_key: `ungrouped-${n.id}`, account: fake.accountJson(from), status: fake.statusJson(status, from, ctx.account) }];
    }),
    headers,
  );
  return true;
}
