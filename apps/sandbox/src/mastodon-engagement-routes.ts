import type { FakeMastodon, FakeStatus } from './mastodon-server.js';
import type { RouteContext } from './mastodon-profile-routes.js';

/**
 * The fake Mastodon's endpoints engagement polling reads: several statuses at once (Mastodon
 * 4.3+) and a status's context, the whole thread around it.
 */

// Mastodon's limit on `GET /api/v1/statuses?id[]=` (Api::V1::StatusesController).
const MULTI_STATUS_LIMIT = 20;
const NOT_FOUND = { error: 'Record not found' };

/** Answers the request if it is one of these endpoints; returns false to let the caller route it. */
export function routeEngagement(ctx: RouteContext): boolean {
  return multiStatus(ctx) || context(ctx);
}

/**
 * `GET /api/v1/statuses?id[]=a&id[]=b`: the statuses that exist, in the order asked, each once;
 * ids that do not exist are left out. A token is optional, as on Mastodon.
 */
function multiStatus(ctx: RouteContext): boolean {
  const { fake, url } = ctx;
  if (ctx.method !== 'GET' || url.pathname !== '/api/v1/statuses') return false;
  if (refused(ctx)) return true;
  // Before 4.3 Mastodon had no such route.
  if (!fake.multiStatus) {
    ctx.send(404, NOT_FOUND);
    return true;
  }
  const ids = [...new Set([...url.searchParams.getAll('id[]'), ...url.searchParams.getAll('id')])];
  if (ids.length > MULTI_STATUS_LIMIT) {
    ctx.send(422, { error: `Too many statuses requested: at most ${MULTI_STATUS_LIMIT}` });
    return true;
  }
  const found = ids.map((id) => fake.statusById(id)).filter((s): s is FakeStatus => s !== undefined);
  ctx.send(200, found.flatMap((s) => json(fake, s, ctx)));
  return true;
}

/**
 * `GET /api/v1/statuses/:id/context`: ancestors from the thread's start, and descendants — every
 * reply below the status, replies of replies included, by creation time. Direct and private
 * replies are included (Mastodon shows the author those that mention it): callers filter them.
 */
function context(ctx: RouteContext): boolean {
  const { fake } = ctx;
  const match = /^\/api\/v1\/statuses\/([^/]+)\/context$/.exec(ctx.url.pathname);
  if (ctx.method !== 'GET' || !match) return false;
  if (refused(ctx)) return true;
  const root = fake.statusById(match[1]!);
  if (!root) {
    ctx.send(404, NOT_FOUND);
    return true;
  }
  const ancestors: FakeStatus[] = [];
  for (let up = root.inReplyToId ? fake.statusById(root.inReplyToId) : undefined; up; up = up.inReplyToId ? fake.statusById(up.inReplyToId) : undefined) {
    ancestors.unshift(up);
  }
  const inThread = new Set([root.id]);
  const descendants: FakeStatus[] = [];
  // Replies are stored after their parent, but a test may set creation times: repeat until stable.
  for (let grew = true; grew; ) {
    grew = false;
    for (const s of fake.statuses) {
      if (!inThread.has(s.id) && s.inReplyToId && inThread.has(s.inReplyToId)) {
        inThread.add(s.id);
        descendants.push(s);
        grew = true;
      }
    }
  }
  const order = new Map(fake.statuses.map((s, i) => [s.id, i]));
  descendants.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || order.get(a.id)! - order.get(b.id)!);
  ctx.send(200, { ancestors: ancestors.flatMap((s) => json(fake, s, ctx)), descendants: descendants.flatMap((s) => json(fake, s, ctx)) });
  return true;
}

/** Reading needs no token, but one that is sent must be valid (Doorkeeper answers 401). */
function refused(ctx: RouteContext): boolean {
  if (ctx.tokenRefused) ctx.send(401, { error: 'The access token is invalid' });
  return ctx.tokenRefused;
}

function json(fake: FakeMastodon, s: FakeStatus, ctx: RouteContext) {
  const author = fake.accountById(s.accountId);
  return author ? [fake.statusJson(s, author, ctx.account)] : [];
}
