import type { ServerResponse } from 'node:http';
import { escapeHtml } from '#html/escape.js';
import { type FakeAccount, type FakeMastodon, type FakeStatus } from './mastodon-server.js';
import type { RouteContext } from './mastodon-profile-routes.js';

/**
 * What the sandbox keeps of its statuses, shown back: an account's statuses (Mastodon's
 * `GET /api/v1/accounts/:id/statuses`), a public page per account, and Mastodon's own routes for
 * others' activity — favourite, boost (reblog) and, through `POST /api/v1/statuses` with
 * `in_reply_to_id`, replies — so engagement can be made by hand with another account's token.
 */
const DEFAULT_PAGE = 20;
const MAX_PAGE = 40;
const NOT_FOUND = { error: 'Record not found' };

export function routeStatuses(ctx: RouteContext, res: ServerResponse): boolean {
  return accountStatuses(ctx) || activity(ctx) || publicPage(ctx, res);
}

/** Newest first; `pinned=true` lists the pinned ones; `max_id` pages back; `exclude_replies` as Mastodon. */
function accountStatuses(ctx: RouteContext): boolean {
  const match = /^\/api\/v1\/accounts\/([^/]+)\/statuses$/.exec(ctx.url.pathname);
  if (ctx.method !== 'GET' || !match) return false;
  if (ctx.tokenRefused) {
    ctx.send(401, { error: 'The access token is invalid' });
    return true;
  }
  const { fake } = ctx;
  const owner = fake.accountById(match[1]!);
  if (!owner) {
    ctx.send(404, NOT_FOUND);
    return true;
  }
  const q = ctx.url.searchParams;
  const limit = Math.min(Math.max(parseInt(q.get('limit') ?? '', 10) || DEFAULT_PAGE, 1), MAX_PAGE);
  const maxId = q.get('max_id');
  const list = fake
    .statusesOf(owner.id)
    .filter((s) => (q.get('pinned') === 'true' ? s.pinned : true))
    .filter((s) => (q.get('exclude_replies') === 'true' ? s.inReplyToId === null : true))
    .filter((s) => visibleTo(s, ctx.account))
    .filter((s) => maxId === null || Number(s.id) < Number(maxId))
    .sort((a, b) => Number(b.id) - Number(a.id))
    .slice(0, limit);
  ctx.send(200, list.map((s) => fake.statusJson(s, owner, ctx.account)));
  return true;
}

/**
 * `POST /api/v1/statuses/:id/favourite|unfavourite|reblog|unreblog` by the token's account: each
 * account counts once, as on Mastodon; the status's counts follow.
 */
function activity(ctx: RouteContext): boolean {
  const match = /^\/api\/v1\/statuses\/([^/]+)\/(favourite|unfavourite|reblog|unreblog)$/.exec(ctx.url.pathname);
  if (ctx.method !== 'POST' || !match) return false;
  const { fake, account } = ctx;
  if (!account) {
    ctx.send(401, { error: 'The access token is invalid' });
    return true;
  }
  const status = fake.statusById(match[1]!);
  const author = status && fake.accountById(status.accountId);
  if (!status || !author || !visibleTo(status, account)) {
    ctx.send(404, NOT_FOUND);
    return true;
  }
  const [set, count] = match[2]!.includes('favourite') ? [status.favouritedBy, 'favourites' as const] : [status.boostedBy, 'boosts' as const];
  const adding = !match[2]!.startsWith('un');
  if (adding && !set.has(account.id)) {
    set.add(account.id);
    status[count]++;
  } else if (!adding && set.delete(account.id)) {
    status[count] = Math.max(0, status[count] - 1);
  }
  ctx.send(200, fake.statusJson(status, author, account));
  return true;
}

/** `GET /@username` and `/@username/:id`: what a visitor sees, with the counts the API reports. */
function publicPage(ctx: RouteContext, res: ServerResponse): boolean {
  const match = /^\/@([^/]+)(?:\/([^/]+))?$/.exec(ctx.url.pathname);
  if (ctx.method !== 'GET' || !match) return false;
  const { fake } = ctx;
  const owner = [...fake.accounts.values()].find((a) => a.username === decodeURIComponent(match[1]!));
  const one = match[2] ? fake.statusById(match[2]) : undefined;
  if (!owner || (match[2] && (!one || one.accountId !== owner.id))) {
    html(res, 404, '<h1>Not found</h1>');
    return true;
  }
  const statuses = one ? [one] : fake.statusesOf(owner.id).filter((s) => s.visibility === 'public').sort((a, b) => Number(b.id) - Number(a.id));
  html(
    res,
    200,
    `<h1>${escapeHtml(owner.displayName)} <small>@${escapeHtml(owner.username)}</small></h1>` +
      statuses.map((s) => article(fake, owner, s)).join('') +
      (statuses.length === 0 ? '<p>No posts yet.</p>' : ''),
  );
  return true;
}

function article(fake: FakeMastodon, owner: FakeAccount, s: FakeStatus): string {
  const json = fake.statusJson(s, owner, null);
  const replies = fake.statuses.filter((r) => r.inReplyToId === s.id && r.visibility === 'public');
  return (
    `<article id="${s.id}"><p><a href="/@${escapeHtml(owner.username)}/${s.id}">${s.createdAt.toISOString()}</a>${s.pinned ? ' · pinned' : ''}</p>` +
    `${json.content}<p>${json.favourites_count} favourites · ${json.reblogs_count} boosts · ${json.replies_count} replies</p>` +
    replies.map((r) => `<blockquote>@${escapeHtml(fake.accountById(r.accountId)?.username ?? '?')}: ${r.html ?? escapeHtml(r.text)}</blockquote>`).join('') +
    '</article>'
  );
}

function html(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html><head><meta charset="utf-8"><title>Piquet sandbox</title></head><body>${body}</body></html>`);
}

/** Direct and followers-only statuses are shown to their author only (the sandbox has no followers). */
function visibleTo(s: FakeStatus, viewer: FakeAccount | null): boolean {
  return s.visibility === 'public' || s.visibility === 'unlisted' || viewer?.id === s.accountId;
}
