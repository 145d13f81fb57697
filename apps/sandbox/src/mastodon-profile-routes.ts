import type { FakeAccount, FakeMastodon, FakeScheduledStatus, ProfileImageState } from './mastodon-server.js';

/**
 * The fake Mastodon's endpoints a strike uses on top of publishing: the profile and its images,
 * pinned posts and natively scheduled posts, with Mastodon's limits and answers.
 */
export interface RouteContext {
  fake: FakeMastodon;
  method: string;
  url: URL;
  body: Record<string, unknown>;
  account: FakeAccount | null;
  idempotencyKey: string | null;
  /** A token was sent and matches no account (revoked): endpoints that allow no token still answer 401. */
  tokenRefused: boolean;
  send(status: number, body: unknown, headers?: Record<string, string>): void;
  sendBytes(status: number, bytes: Buffer, contentType: string): void;
}

// Mastodon's own limits (Account, Account::Avatar, StatusPinValidator, ScheduledStatus).
const MAX_DISPLAY_NAME = 30;
const MAX_NOTE = 500;
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
const IMAGE_LIMIT_BYTES = 8 * 1024 * 1024;
const MAX_PINS = 5;
const MIN_SCHEDULE_OFFSET_MS = 5 * 60_000;
const SCHEDULED_TOTAL_LIMIT = 300;
const SCHEDULED_DAILY_LIMIT = 25;
const DEFAULT_PAGE = 20;
const NOT_FOUND = { error: 'Record not found' };

type Route = (ctx: RouteContext) => boolean | Promise<boolean>;

/** Answers the request if it is one of these endpoints; returns false to let the caller route it. */
export async function routeProfileAndScheduling(ctx: RouteContext): Promise<boolean> {
  const routes: Route[] = [serveImage, updateCredentials, removeProfileImage, pinOrUnpin, createScheduled, scheduledStatuses];
  for (const route of routes) if (await route(ctx)) return true;
  return false;
}

/** Sends the 401 itself, so callers only return when it gives null. */
function authorised(ctx: RouteContext): FakeAccount | null {
  if (!ctx.account) ctx.send(401, { error: 'The access token is invalid' });
  return ctx.account;
}

function serveImage({ fake, method, url, send, sendBytes }: RouteContext): boolean {
  const match = /^\/system\/media\/([^/]+)$/.exec(url.pathname);
  if (method !== 'GET' || !match) return false;
  const image = fake.images.get(match[1]!);
  if (image) sendBytes(200, image.bytes, image.mime);
  else send(404, NOT_FOUND);
  return true;
}

async function updateCredentials(ctx: RouteContext): Promise<boolean> {
  if (ctx.method !== 'PATCH' || ctx.url.pathname !== '/api/v1/accounts/update_credentials') return false;
  const account = authorised(ctx);
  if (!account) return true;
  const { body } = ctx;
  const displayName = body.display_name === undefined ? undefined : String(body.display_name);
  const note = body.note === undefined ? undefined : String(body.note);
  const errors: string[] = [];
  if (displayName !== undefined && [...displayName].length > MAX_DISPLAY_NAME) {
    errors.push(`Display name is too long (maximum is ${MAX_DISPLAY_NAME} characters)`);
  }
  if (note !== undefined && [...note].length > MAX_NOTE) errors.push(`Note is too long (maximum is ${MAX_NOTE} characters)`);
  const images: { which: 'avatar' | 'header'; image: ProfileImageState }[] = [];
  for (const which of ['avatar', 'header'] as const) {
    const file = body[which];
    if (file === undefined) continue;
    const label = which === 'avatar' ? 'Avatar' : 'Header';
    if (!(file instanceof Blob) || !IMAGE_TYPES.has(file.type)) errors.push(`${label} content type is invalid`);
    else if (file.size >= IMAGE_LIMIT_BYTES) errors.push(`${label} file size must be less than 8 MB`);
    else images.push({ which, image: { bytes: Buffer.from(await file.arrayBuffer()), mime: file.type } });
  }
  // Mastodon saves the account in one go: one invalid field and nothing changes.
  if (errors.length > 0) {
    ctx.send(422, { error: `Validation failed: ${errors.join(', ')}` });
    return true;
  }
  if (displayName !== undefined) account.displayName = displayName;
  if (note !== undefined) account.note = note;
  for (const { which, image } of images) ctx.fake.setImage(account, which, image);
  ctx.send(200, ctx.fake.credentialAccountJson(account));
  return true;
}

/** Mastodon 4.2+: update_credentials can replace an image but not remove it. */
function removeProfileImage(ctx: RouteContext): boolean {
  const match = /^\/api\/v1\/profile\/(avatar|header)$/.exec(ctx.url.pathname);
  if (ctx.method !== 'DELETE' || !match) return false;
  const account = authorised(ctx);
  if (!account) return true;
  ctx.fake.setImage(account, match[1] as 'avatar' | 'header', null);
  ctx.send(200, ctx.fake.credentialAccountJson(account));
  return true;
}

function pinOrUnpin(ctx: RouteContext): boolean {
  const match = /^\/api\/v1\/statuses\/([^/]+)\/(pin|unpin)$/.exec(ctx.url.pathname);
  if (ctx.method !== 'POST' || !match) return false;
  const account = authorised(ctx);
  if (!account) return true;
  const { fake } = ctx;
  const status = fake.statuses.find((s) => s.id === match[1]);
  const author = status && fake.accountById(status.accountId);
  if (!status || !author) {
    ctx.send(404, NOT_FOUND);
    return true;
  }
  // Mastodon answers 200 to unpinning a post that is not pinned.
  if (match[2] === 'unpin') {
    if (status.accountId === account.id) status.pinned = false;
    ctx.send(200, fake.statusJson(status, author, account));
    return true;
  }
  const pinnedCount = fake.statusesOf(account.id).filter((s) => s.pinned).length;
  const refusal =
    status.accountId !== account.id
      ? "Someone else's post cannot be pinned"
      : status.visibility === 'direct'
        ? 'Posts that are only visible to mentioned users cannot be pinned'
        : pinnedCount >= MAX_PINS
          ? 'You have already pinned the maximum number of posts'
          : null;
  if (refusal) ctx.send(422, { error: `Validation failed: ${refusal}` });
  // The validations pass, then the unique index refuses the second row.
  else if (status.pinned) ctx.send(422, { error: 'Duplicate record' });
  else {
    status.pinned = true;
    ctx.send(200, fake.statusJson(status, author, account));
  }
  return true;
}

/** `POST /api/v1/statuses` with a future `scheduled_at`; anything else is published by the caller. */
function createScheduled(ctx: RouteContext): boolean {
  const { fake, body } = ctx;
  if (ctx.method !== 'POST' || ctx.url.pathname !== '/api/v1/statuses' || body.scheduled_at === undefined) return false;
  // A server without scheduled posts ignores scheduled_at: the post goes out at once.
  if (!fake.scheduledStatuses) return false;
  const account = authorised(ctx);
  if (!account) return true;
  const at = parseDate(body.scheduled_at);
  if (!at) {
    ctx.send(422, { error: 'Record invalid' });
    return true;
  }
  // Mastodon publishes at once a post "scheduled" in the past.
  if (at.getTime() <= Date.now()) return false;
  const key = ctx.idempotencyKey;
  const existing = key ? fake.scheduled.find((s) => s.accountId === account.id && s.idempotencyKey === key) : undefined;
  if (existing) {
    ctx.send(200, scheduledJson(fake, existing));
    return true;
  }
  const text = String(body.status ?? '');
  const spoilerText = String(body.spoiler_text ?? '');
  const mediaIds = ([] as string[]).concat((body.media_ids ?? []) as string[]);
  // Mastodon validates the post as if publishing it before it stores the schedule.
  const refusal =
    !text && mediaIds.length === 0
      ? "Text can't be blank"
      : [...text].length + [...spoilerText].length > fake.limits.maxCharacters
        ? `Text character limit of ${fake.limits.maxCharacters} exceeded`
        : mediaIds.some((m) => fake.media.get(m)?.accountId !== account.id)
          ? 'unknown media'
          : scheduleRefusal(fake, account.id, at);
  if (refusal) {
    ctx.send(422, { error: `Validation failed: ${refusal}` });
    return true;
  }
  const scheduled: FakeScheduledStatus = {
    id: fake.newId(),
    accountId: account.id,
    scheduledAt: at,
    text,
    spoilerText,
    visibility: String(body.visibility ?? 'public'),
    language: body.language ? String(body.language) : null,
    mediaIds,
    idempotencyKey: key,
  };
  fake.scheduled.push(scheduled);
  ctx.send(200, scheduledJson(fake, scheduled));
  return true;
}

function scheduledStatuses(ctx: RouteContext): boolean {
  const { fake, method, url } = ctx;
  if (method === 'GET' && url.pathname === '/api/v1/scheduled_statuses') {
    const account = authorised(ctx);
    if (account) listScheduled(ctx, account);
    return true;
  }
  const match = /^\/api\/v1\/scheduled_statuses\/([^/]+)$/.exec(url.pathname);
  if (!match || !['GET', 'PUT', 'DELETE'].includes(method)) return false;
  const account = authorised(ctx);
  if (!account) return true;
  const index = fake.scheduled.findIndex((s) => s.id === match[1] && s.accountId === account.id);
  const scheduled = fake.scheduled[index];
  if (!scheduled) ctx.send(404, NOT_FOUND);
  else if (method === 'DELETE') {
    fake.scheduled.splice(index, 1);
    ctx.send(200, {});
  } else if (method === 'PUT' && ctx.body.scheduled_at !== undefined) {
    const at = parseDate(ctx.body.scheduled_at);
    const refusal = at ? scheduleRefusal(fake, account.id, at) : 'Scheduled at is invalid';
    if (refusal || !at) ctx.send(422, { error: `Validation failed: ${refusal}` });
    else {
      scheduled.scheduledAt = at;
      ctx.send(200, scheduledJson(fake, scheduled));
    }
  } else ctx.send(200, scheduledJson(fake, scheduled));
  return true;
}

/** Newest first, paged by id with a Link header like Mastodon's (which masto follows). */
function listScheduled(ctx: RouteContext, account: FakeAccount): void {
  const { fake, url } = ctx;
  const q = url.searchParams;
  const rawLimit = q.get('limit');
  const limit = rawLimit === null ? DEFAULT_PAGE : Math.min(Math.max(parseInt(rawLimit, 10) || DEFAULT_PAGE, 1), DEFAULT_PAGE * 2);
  const bound = (name: string) => (q.get(name) === null ? null : Number(q.get(name)));
  const [maxId, sinceId, minId] = [bound('max_id'), bound('since_id'), bound('min_id')];
  const matching = fake
    .scheduledOf(account.id)
    .filter((s) => (maxId === null || Number(s.id) < maxId) && (sinceId === null || Number(s.id) > sinceId) && (minId === null || Number(s.id) > minId))
    .sort((a, b) => Number(b.id) - Number(a.id));
  // min_id pages towards newer posts: the ones just above it, still listed newest first.
  const page = minId === null ? matching.slice(0, limit) : matching.slice(-limit);
  const link = (param: string, id: string) => {
    const target = new URL('/api/v1/scheduled_statuses', fake.url);
    if (rawLimit !== null) target.searchParams.set('limit', String(limit));
    target.searchParams.set(param, id);
    return target.href;
  };
  const links: string[] = [];
  // Mastodon offers a next page whenever this one is full, even if nothing is left.
  if (page.length === limit) links.push(`<${link('max_id', page.at(-1)!.id)}>; rel="next"`);
  if (page.length > 0) links.push(`<${link('min_id', page[0]!.id)}>; rel="prev"`);
  ctx.send(200, page.map((s) => scheduledJson(fake, s)), links.length > 0 ? { link: links.join(', ') } : {});
}

/** Mastodon's checks on a scheduled date, on creation and on every change of date. */
function scheduleRefusal(fake: FakeMastodon, accountId: string, at: Date): string | null {
  if (at.getTime() <= Date.now() + MIN_SCHEDULE_OFFSET_MS) return 'Scheduled at The scheduled date must be in the future';
  const own = fake.scheduledOf(accountId);
  if (own.length >= SCHEDULED_TOTAL_LIMIT) return `You have exceeded the limit of ${SCHEDULED_TOTAL_LIMIT} scheduled posts`;
  // Mastodon counts the stored rows on that UTC day, the one being moved included at its old date.
  const day = at.toISOString().slice(0, 10);
  if (own.filter((s) => s.scheduledAt.toISOString().slice(0, 10) === day).length >= SCHEDULED_DAILY_LIMIT) {
    return `You have exceeded the limit of ${SCHEDULED_DAILY_LIMIT} scheduled posts for today`;
  }
  return null;
}

function scheduledJson(fake: FakeMastodon, s: FakeScheduledStatus) {
  return {
    id: s.id,
    scheduled_at: s.scheduledAt.toISOString(),
    params: {
      text: s.text,
      poll: null,
      media_ids: s.mediaIds.length > 0 ? s.mediaIds : null,
      sensitive: null,
      spoiler_text: s.spoilerText || null,
      visibility: s.visibility,
      scheduled_at: null,
      language: s.language,
      in_reply_to_id: null,
      application_id: null,
      idempotency: s.idempotencyKey,
      with_rate_limit: false,
    },
    media_attachments: s.mediaIds.map((id) => ({
      id,
      type: 'image',
      url: `${fake.url}/media/${id}`,
      description: fake.media.get(id)?.description ?? null,
    })),
  };
}

function parseDate(value: unknown): Date | null {
  const time = typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isNaN(time) ? null : new Date(time);
}
