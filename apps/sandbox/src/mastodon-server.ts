import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml } from '#html/escape.js';
import { LocalHttpServer, readBody } from './local-server.js';
import { routeEngagement } from './mastodon-engagement-routes.js';
import { mentionedBy, routeNotifications, type FakeNotification } from './mastodon-notification-routes.js';
import { routeProfileAndScheduling, type RouteContext } from './mastodon-profile-routes.js';
import { routeStatuses } from './mastodon-status-routes.js';

/**
 * A Mastodon-compatible HTTP server for tests, benchmarks and the sandbox: the endpoints Piquet
 * uses, with Mastodon's idempotency, limits and error shapes, plus knobs to inject failures.
 */
export interface FakeAccount {
  id: string;
  username: string;
  token: string;
  displayName: string;
  /** Plain text as received (Mastodon's `source.note`): multipart forms send line breaks as CRLF. */
  note: string;
  /** null: Mastodon's placeholder image. */
  avatar: FakeImage | null;
  header: FakeImage | null;
  /** Set for an account of another instance (a remote replier): its acct is `username@instance`. */
  instance?: string;
}

/** An uploaded profile image, served back at `url` like Mastodon's /system files. */
export interface FakeImage {
  file: string;
  bytes: Buffer;
  mime: string;
}

export interface ProfileImageState {
  bytes: Buffer;
  mime: string;
}

export interface FakeScheduledStatus {
  id: string;
  accountId: string;
  scheduledAt: Date;
  text: string;
  spoilerText: string;
  visibility: string;
  language: string | null;
  mediaIds: string[];
  idempotencyKey: string | null;
}

export interface FakeStatus {
  id: string;
  accountId: string;
  text: string;
  spoilerText: string;
  visibility: string;
  language: string | null;
  mediaIds: string[];
  idempotencyKey: string | null;
  createdAt: Date;
  pinned: boolean;
  /** Counts a test sets over time (`setCounts`), or that accounts add (`POST …/favourite`, `…/reblog`). */
  favourites: number;
  boosts: number;
  /** Accounts that favourited or boosted it through the API: each counts once, as on Mastodon. */
  favouritedBy: Set<string>;
  boostedBy: Set<string>;
  /** null: counted from the stored replies (public and unlisted direct replies, as Mastodon counts). */
  replies: number | null;
  /** null: not reported (servers before Mastodon 4.5 send no quotes_count). */
  quotes: number | null;
  editedAt: Date | null;
  inReplyToId: string | null;
  inReplyToAccountId: string | null;
  /** Content as HTML as given by a test (replies, edits); null: rendered from `text`. */
  html: string | null;
}

export interface ReplyAuthor {
  username: string;
  displayName?: string;
  /** Another instance's host: a remote account. Left out: another account of this instance. */
  instance?: string;
}

export type FakeVisibility = 'public' | 'unlisted' | 'private' | 'direct';

export interface RequestRecord {
  method: string;
  path: string;
  accountId: string | null;
  at: number;
  status: number;
}

type Fault = { status: number; body?: string; retryAfterS?: number; when: (r: { method: string; path: string; accountId: string | null }) => boolean };

export class FakeMastodon {
  readonly accounts = new Map<string, FakeAccount>();
  /** Accounts of other instances (authors of replies), by id: they have no token here. */
  readonly remoteAccounts = new Map<string, FakeAccount>();
  readonly statuses: FakeStatus[] = [];
  readonly requests: RequestRecord[] = [];
  /** Mentions, newest last (`GET /api/v1/notifications`). */
  readonly notifications: FakeNotification[] = [];
  readonly media = new Map<string, { accountId: string; description: string; bytes: number }>();
  /** Posts scheduled natively on the instance (`POST /api/v1/statuses` with `scheduled_at`). */
  readonly scheduled: FakeScheduledStatus[] = [];
  /** Profile images by file name, served under /system/media/. */
  readonly images = new Map<string, FakeImage>();
  limits = { maxCharacters: 500, maxMedia: 4, charactersPerUrl: 23 };
  /** Delay before answering a status creation that has been recorded (to kill a worker mid-call). */
  statusResponseDelayMs = 0;
  latencyMs = 0;
  /** Awaited before the next matching request is answered, once (to change the world mid-call). */
  private readonly pauses: { when: (r: { method: string; path: string }) => boolean; until: () => Promise<void> }[] = [];
  /** How long an idle keep-alive connection stays open (real instances behind nginx: about a minute). */
  keepAliveMs = 1000;
  /**
   * Switches that play servers which speak Mastodon's API only in part (all on: Mastodon 4.3).
   * multiStatus false: no `GET /api/v1/statuses?id[]=` (Mastodon before 4.3, many compatible servers).
   */
  multiStatus = true;
  /** false: unknown routes answer `404 Not Found` in text/plain instead of Mastodon's JSON. */
  jsonNotFound = true;
  /** false: no `/api/v1/scheduled_statuses`; a `scheduled_at` is accepted and ignored (published at once). */
  scheduledStatuses = true;
  /** false: no `POST /api/v1/statuses/:id/pin` or `/unpin`. */
  pin = true;
  /** false: no `GET /api/v1/notifications` (a server that does not speak that part of the API). */
  notificationsApi = true;
  /** true: each account's avatar and header live at one fixed URL, the image overwritten in place. */
  fixedImageUrls = false;
  /** false: no x-ratelimit-* headers on answers. */
  rateLimitHeaders = true;
  /** What `GET /api/v2/instance` says the server is. */
  version = '4.3.0';
  /**
   * Mastodon's per-account budget: a fixed window counted per account, reported in x-ratelimit-*
   * headers on every authenticated answer. `enforce`: answer 429 once it is spent, as Mastodon does.
   */
  rateLimit = { limit: 300, windowMs: 5 * 60_000, enforce: false };
  private readonly rateWindows = new Map<string, { start: number; count: number }>();
  private readonly idempotency = new Map<string, FakeStatus>();
  // Kept by addStatus and deleteStatus, so that answering a status scans none of them: at 10,000
  // statuses the scans for replies_count and statuses_count took a fifth of the publish bench's CPU.
  private readonly byId = new Map<string, FakeStatus>();
  private readonly repliesCounted = new Map<string, number>();
  private readonly statusesCounted = new Map<string, number>();
  private readonly faults: Fault[] = [];
  private readonly codes = new Map<string, string>();
  private readonly apps = new Map<string, { secret: string; redirectUris: string[] }>();
  private readonly server = new LocalHttpServer((req, res) => void this.handle(req, res));
  private nextId = 100000;
  url = '';

  addAccount(username: string, token = randomBytes(16).toString('hex')): FakeAccount {
    const account: FakeAccount = { id: this.newId(), username, token, displayName: username, note: '', avatar: null, header: null };
    this.accounts.set(token, account);
    return account;
  }

  newId(): string {
    return String(this.nextId++);
  }

  accountById(accountId: string): FakeAccount | undefined {
    return [...this.accounts.values()].find((a) => a.id === accountId) ?? this.remoteAccounts.get(accountId);
  }

  statusById(id: string): FakeStatus | undefined {
    return this.byId.get(id);
  }

  private addStatus(s: FakeStatus): void {
    this.statuses.push(s);
    this.byId.set(s.id, s);
    this.statusesCounted.set(s.accountId, (this.statusesCounted.get(s.accountId) ?? 0) + 1);
    if (s.inReplyToId && countsAsReply(s)) this.repliesCounted.set(s.inReplyToId, (this.repliesCounted.get(s.inReplyToId) ?? 0) + 1);
  }

  /**
   * Someone replies to a status (a reply to a reply too), from another account of this instance or
   * from a remote one. The parent's replies count follows unless a test has set it.
   */
  addReply(
    parentStatusId: string,
    author: ReplyAuthor,
    html: string,
    opts: { visibility?: FakeVisibility; language?: string | null; /** Account ids it mentions; left out: the thread's participants. */ mentions?: string[] } = {},
  ): FakeStatus {
    const parent = this.statusById(parentStatusId);
    if (!parent) throw new Error(`No fake status ${parentStatusId}`);
    const account = this.replyAuthor(author);
    const visibility = opts.visibility ?? 'public';
    const reply = this.newStatus(account.id, '', { visibility, language: opts.language ?? null, html });
    reply.inReplyToId = parent.id;
    reply.inReplyToAccountId = parent.accountId;
    this.addStatus(reply);
    if (parent.replies !== null && countsAsReply(reply)) parent.replies++;
    this.notifyMentions(reply, opts.mentions);
    return reply;
  }

  /** The author edits a status: new content and an edit time, as Mastodon reports them. */
  editStatus(id: string, html: string): FakeStatus {
    const s = this.statusById(id);
    if (!s) throw new Error(`No fake status ${id}`);
    s.html = html;
    // Strictly after creation, even within the same millisecond.
    s.editedAt = new Date(Math.max(Date.now(), s.createdAt.getTime() + 1, (s.editedAt?.getTime() ?? 0) + 1));
    return s;
  }

  /** Deletes a status. Its replies stay, orphaned, as on Mastodon: they leave the thread's context. */
  deleteStatus(id: string): void {
    const index = this.statuses.findIndex((s) => s.id === id);
    if (index < 0) throw new Error(`No fake status ${id}`);
    const [s] = this.statuses.splice(index, 1);
    this.byId.delete(id);
    if (s) this.statusesCounted.set(s.accountId, (this.statusesCounted.get(s.accountId) ?? 1) - 1);
    if (s?.inReplyToId && countsAsReply(s)) this.repliesCounted.set(s.inReplyToId, Math.max(0, (this.repliesCounted.get(s.inReplyToId) ?? 0) - 1));
    for (let i = this.notifications.length - 1; i >= 0; i--) if (this.notifications[i]!.statusId === id) this.notifications.splice(i, 1);
    const parent = s?.inReplyToId ? this.statusById(s.inReplyToId) : undefined;
    if (s && parent && parent.replies !== null && countsAsReply(s)) parent.replies = Math.max(0, parent.replies - 1);
  }

  /** Favourites, boosts, replies and quotes as others' activity left them. `replies: null` counts again. */
  setCounts(id: string, counts: { favourites?: number; boosts?: number; replies?: number | null; quotes?: number | null }): FakeStatus {
    const s = this.statusById(id);
    if (!s) throw new Error(`No fake status ${id}`);
    if (counts.favourites !== undefined) s.favourites = counts.favourites;
    if (counts.boosts !== undefined) s.boosts = counts.boosts;
    if (counts.replies !== undefined) s.replies = counts.replies;
    if (counts.quotes !== undefined) s.quotes = counts.quotes;
    return s;
  }

  /** A mention notification for each account the new status mentions. */
  notifyMentions(status: FakeStatus, explicit?: string[]): void {
    for (const accountId of mentionedBy(this, status, explicit)) {
      this.notifications.push({ id: this.newId(), accountId, type: 'mention', statusId: status.id, fromAccountId: status.accountId, createdAt: new Date() });
    }
  }

  repliesCount(s: FakeStatus): number {
    return s.replies ?? this.repliesCounted.get(s.id) ?? 0;
  }

  /** Requests the account made in the current rate-limit window (what x-ratelimit-remaining is based on). */
  requestsInWindow(accountId: string, at = Date.now()): number {
    const w = this.rateWindows.get(accountId);
    return w && w.start === this.windowStart(at) ? w.count : 0;
  }

  private windowStart(at: number): number {
    return Math.floor(at / this.rateLimit.windowMs) * this.rateLimit.windowMs;
  }

  /** Counts one request against the account's fixed window; returns its x-ratelimit-* headers. */
  private countRequest(accountId: string, at: number): { headers: Record<string, string>; exceeded: boolean } {
    const start = this.windowStart(at);
    let w = this.rateWindows.get(accountId);
    if (!w || w.start !== start) {
      w = { start, count: 0 };
      this.rateWindows.set(accountId, w);
    }
    w.count++;
    const { limit, windowMs, enforce } = this.rateLimit;
    return {
      headers: {
        'x-ratelimit-limit': String(limit),
        'x-ratelimit-remaining': String(Math.max(0, limit - w.count)),
        'x-ratelimit-reset': new Date(start + windowMs).toISOString(),
      },
      exceeded: enforce && w.count > limit,
    };
  }

  private replyAuthor(author: ReplyAuthor): FakeAccount {
    const existing = author.instance
      ? [...this.remoteAccounts.values()].find((a) => a.username === author.username && a.instance === author.instance)
      : [...this.accounts.values()].find((a) => a.username === author.username);
    let account = existing;
    if (!account && author.instance) {
      account = { id: this.newId(), username: author.username, token: '', displayName: author.username, note: '', avatar: null, header: null, instance: author.instance };
      this.remoteAccounts.set(account.id, account);
    }
    account ??= this.addAccount(author.username);
    if (author.displayName !== undefined) account.displayName = author.displayName;
    return account;
  }

  private newStatus(accountId: string, text: string, fields: Partial<FakeStatus> = {}): FakeStatus {
    return {
      id: this.newId(),
      accountId,
      text,
      spoilerText: '',
      visibility: 'public',
      language: null,
      mediaIds: [],
      idempotencyKey: null,
      createdAt: new Date(),
      pinned: false,
      favourites: 0,
      boosts: 0,
      favouritedBy: new Set<string>(),
      boostedBy: new Set<string>(),
      replies: null,
      quotes: null,
      editedAt: null,
      inReplyToId: null,
      inReplyToAccountId: null,
      html: null,
      ...fields,
    };
  }

  profileOf(accountId: string): {
    displayName: string;
    note: string;
    avatar: ProfileImageState | null;
    header: ProfileImageState | null;
    pinnedIds: string[];
  } {
    const a = this.mustFind(accountId);
    const image = (i: FakeImage | null) => (i ? { bytes: i.bytes, mime: i.mime } : null);
    return {
      displayName: a.displayName,
      note: a.note,
      avatar: image(a.avatar),
      header: image(a.header),
      pinnedIds: this.statusesOf(accountId).filter((s) => s.pinned).map((s) => s.id),
    };
  }

  /** A person editing the profile in Mastodon's own interface, bypassing the API's checks. */
  editProfileByHand(
    accountId: string,
    edit: { displayName?: string; note?: string; avatar?: ProfileImageState | null; header?: ProfileImageState | null },
  ): void {
    const a = this.mustFind(accountId);
    if (edit.displayName !== undefined) a.displayName = edit.displayName;
    if (edit.note !== undefined) a.note = edit.note;
    if (edit.avatar !== undefined) this.setImage(a, 'avatar', edit.avatar);
    if (edit.header !== undefined) this.setImage(a, 'header', edit.header);
  }

  /** Replaces a profile image; like Mastodon, the old file stops being served. */
  setImage(a: FakeAccount, which: 'avatar' | 'header', image: ProfileImageState | null): void {
    const old = a[which];
    if (old) this.images.delete(old.file);
    if (!image) {
      a[which] = null;
      return;
    }
    // A server that keeps one URL per image overwrites the file behind it: the URL never changes.
    const file = this.fixedImageUrls ? `${a.id}-${which}` : `${this.newId()}.${IMAGE_EXTENSIONS[image.mime] ?? 'bin'}`;
    const stored = { file, bytes: Buffer.from(image.bytes), mime: image.mime };
    this.images.set(file, stored);
    a[which] = stored;
  }

  /** A post scheduled by another tool earlier, so none of the API's date and count limits apply. */
  addScheduled(accountId: string, text: string, at: Date): FakeScheduledStatus {
    this.mustFind(accountId);
    const s: FakeScheduledStatus = {
      id: this.newId(),
      accountId,
      scheduledAt: at,
      text,
      spoilerText: '',
      visibility: 'public',
      language: null,
      mediaIds: [],
      idempotencyKey: null,
    };
    this.scheduled.push(s);
    return s;
  }

  scheduledOf(accountId: string): FakeScheduledStatus[] {
    return this.scheduled.filter((s) => s.accountId === accountId);
  }

  private mustFind(accountId: string): FakeAccount {
    const a = this.accountById(accountId);
    if (!a) throw new Error(`No fake account ${accountId}`);
    return a;
  }

  revoke(token: string): void {
    this.accounts.delete(token);
  }

  /** The next `times` matching requests answer `status`. */
  fail(times: number, status: number, opts: { path?: RegExp; method?: string; accountId?: string; retryAfterS?: number } = {}): void {
    let left = times;
    this.faults.push({
      status,
      retryAfterS: opts.retryAfterS,
      when: (r) => {
        if (left <= 0) return false;
        if (opts.path && !opts.path.test(r.path)) return false;
        if (opts.method && r.method !== opts.method) return false;
        if (opts.accountId && r.accountId !== opts.accountId) return false;
        left--;
        return true;
      },
    });
  }

  /** The next request matching `path` (and `method`) waits for `until` before it is answered. */
  pauseNext(opts: { path: RegExp; method?: string }, until: () => Promise<void>): void {
    this.pauses.push({ when: (r) => opts.path.test(r.path) && (!opts.method || r.method === opts.method), until });
  }

  statusesOf(accountId: string): FakeStatus[] {
    return this.statuses.filter((s) => s.accountId === accountId);
  }

  /** Plays a server that speaks Mastodon's API only in part (see the switches above). */
  behave(switches: Partial<Pick<FakeMastodon, 'multiStatus' | 'jsonNotFound' | 'scheduledStatuses' | 'pin' | 'fixedImageUrls' | 'rateLimitHeaders' | 'notificationsApi' | 'version'>>): this {
    Object.assign(this, switches);
    return this;
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    this.url = await this.server.start(port, host, this.keepAliveMs);
    return this.url;
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const token = bearer(req);
    const account = this.accounts.get(token) ?? null;
    const record: RequestRecord = { method: req.method ?? 'GET', path: url.pathname, accountId: account?.id ?? null, at: Date.now(), status: 200 };
    this.requests.push(record);
    // Every request with a valid token counts against its account, whatever the answer.
    const rate = account ? this.countRequest(account.id, record.at) : null;
    const rateHeaders = this.rateLimitHeaders ? (rate?.headers ?? {}) : {};
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...rateHeaders, ...headers });
      res.end(JSON.stringify(body));
    };
    const sendBytes = (status: number, bytes: Buffer, contentType: string) => {
      record.status = status;
      res.writeHead(status, { ...rateHeaders, 'content-type': contentType, 'content-length': String(bytes.length) });
      res.end(bytes);
    };
    try {
      const body = await readBody(req);
      if (this.latencyMs) await sleep(this.latencyMs);
      const pause = this.pauses.findIndex((p) => p.when({ method: record.method, path: url.pathname }));
      if (pause >= 0) await this.pauses.splice(pause, 1)[0]!.until();
      if (rate?.exceeded) return send(429, { error: 'Too many requests' });
      const fault = this.faults.find((f) => f.when({ method: record.method, path: url.pathname, accountId: record.accountId }));
      if (fault) {
        const headers: Record<string, string> = {};
        if (fault.status === 429) {
          const wait = fault.retryAfterS ?? 1;
          headers['x-ratelimit-limit'] = '300';
          headers['x-ratelimit-remaining'] = '0';
          headers['x-ratelimit-reset'] = new Date(Date.now() + wait * 1000).toISOString();
        }
        return send(fault.status, { error: fault.status === 429 ? 'Too many requests' : `Injected failure ${fault.status}` }, headers);
      }
      if (this.missingRoute(record.method, url.pathname)) return this.unknownRoute(record, res, rateHeaders);
      const key = req.headers['idempotency-key'];
      const ctx: RouteContext = {
        fake: this,
        method: req.method ?? 'GET',
        url,
        body,
        account,
        idempotencyKey: typeof key === 'string' ? key : null,
        tokenRefused: token !== '' && !account,
        send,
        sendBytes,
      };
      if (routeEngagement(ctx)) return;
      if (routeNotifications(ctx)) return;
      if (await routeProfileAndScheduling(ctx)) return;
      if (routeStatuses(ctx, res)) return;
      await this.route(req.method ?? 'GET', url, body, account, req, send, res, record, rateHeaders);
    } catch (err) {
      send(500, { error: (err as Error).message });
    }
  }

  private async route(
    method: string,
    url: URL,
    body: Record<string, unknown>,
    account: FakeAccount | null,
    req: IncomingMessage,
    send: (status: number, body: unknown, headers?: Record<string, string>) => void,
    res: ServerResponse,
    record: RequestRecord,
    rateHeaders: Record<string, string>,
  ): Promise<void> {
    const path = url.pathname;
    const unauthorized = () => send(401, { error: 'The access token is invalid' });
    if (method === 'GET' && path === '/api/v2/instance') {
      return send(200, {
        domain: new URL(this.url).host,
        title: 'Piquet sandbox',
        version: this.version,
        configuration: {
          statuses: {
            max_characters: this.limits.maxCharacters,
            max_media_attachments: this.limits.maxMedia,
            characters_reserved_per_url: this.limits.charactersPerUrl,
          },
        },
      });
    }
    if (method === 'GET' && path === '/api/v1/accounts/verify_credentials') {
      if (!account) return unauthorized();
      return send(200, this.credentialAccountJson(account));
    }
    if (method === 'POST' && path === '/api/v1/apps') {
      const clientId = randomBytes(12).toString('hex');
      const secret = randomBytes(24).toString('hex');
      const uris = ([] as string[]).concat((body.redirect_uris ?? body['redirect_uris[]'] ?? []) as string | string[]);
      this.apps.set(clientId, { secret, redirectUris: uris });
      return send(200, { id: clientId, name: body.client_name, client_id: clientId, client_secret: secret, redirect_uri: uris[0], redirect_uris: uris });
    }
    if (method === 'GET' && path === '/oauth/authorize') {
      // The sandbox approves at once, as the sandbox's "piquet" user.
      const clientId = url.searchParams.get('client_id') ?? '';
      const redirect = url.searchParams.get('redirect_uri') ?? '';
      if (!this.apps.get(clientId)?.redirectUris.includes(redirect)) return send(400, { error: 'invalid_client' });
      const code = randomBytes(12).toString('hex');
      const user = [...this.accounts.values()][0] ?? this.addAccount('piquet');
      this.codes.set(code, user.token);
      const target = new URL(redirect);
      target.searchParams.set('code', code);
      if (url.searchParams.get('state')) target.searchParams.set('state', url.searchParams.get('state')!);
      res.writeHead(302, { location: target.toString() });
      res.end();
      return;
    }
    if (method === 'POST' && path === '/oauth/token') {
      const app = this.apps.get(String(body.client_id));
      const token = this.codes.get(String(body.code));
      if (!app || app.secret !== body.client_secret || !token) return send(400, { error: 'invalid_grant', error_description: 'The code is not valid' });
      this.codes.delete(String(body.code));
      return send(200, { access_token: token, token_type: 'Bearer', scope: 'read write', created_at: Math.floor(Date.now() / 1000) });
    }
    if (method === 'POST' && path === '/api/v2/media') {
      if (!account) return unauthorized();
      const id = this.newId();
      const file = body.file as Blob | undefined;
      if (!file || typeof file === 'string') return send(422, { error: 'Validation failed: File is missing' });
      this.media.set(id, { accountId: account.id, description: String(body.description ?? ''), bytes: file.size });
      return send(200, { id, type: 'image', url: `${this.url}/media/${id}`, preview_url: `${this.url}/media/${id}`, description: body.description ?? null });
    }
    const mediaMatch = /^\/api\/v1\/media\/([^/]+)$/.exec(path);
    if (method === 'GET' && mediaMatch) {
      if (!account) return unauthorized();
      const m = this.media.get(mediaMatch[1]!);
      if (!m || m.accountId !== account.id) return send(404, { error: 'Record not found' });
      return send(200, { id: mediaMatch[1], type: 'image', url: `${this.url}/media/${mediaMatch[1]}`, description: m.description });
    }
    if (method === 'POST' && path === '/api/v1/statuses') {
      if (!account) return unauthorized();
      const key = req.headers['idempotency-key'];
      const idemKey = typeof key === 'string' ? `${account.id}:${key}` : null;
      const existing = idemKey ? this.idempotency.get(idemKey) : undefined;
      if (existing) return send(200, this.statusJson(existing, account, account));
      const text = String(body.status ?? '');
      const mediaIds = ([] as string[]).concat((body.media_ids ?? []) as string[]);
      if (!text && mediaIds.length === 0) return send(422, { error: "Validation failed: Text can't be blank" });
      const parent = body.in_reply_to_id ? this.statusById(String(body.in_reply_to_id)) : undefined;
      if (body.in_reply_to_id && !parent) return send(404, { error: 'Record not found' });
      if ([...text].length + [...String(body.spoiler_text ?? '')].length > this.limits.maxCharacters) {
        return send(422, { error: `Validation failed: Text character limit of ${this.limits.maxCharacters} exceeded` });
      }
      if (mediaIds.some((m) => this.media.get(m)?.accountId !== account.id)) return send(422, { error: 'Validation failed: unknown media' });
      const status = this.newStatus(account.id, text, {
        spoilerText: String(body.spoiler_text ?? ''),
        visibility: String(body.visibility ?? 'public'),
        language: body.language ? String(body.language) : null,
        mediaIds,
        idempotencyKey: typeof key === 'string' ? key : null,
        inReplyToId: parent?.id ?? null,
        inReplyToAccountId: parent?.accountId ?? null,
      });
      this.addStatus(status);
      if (parent && parent.replies !== null && countsAsReply(status)) parent.replies++;
      if (parent) this.notifyMentions(status);
      if (idemKey) this.idempotency.set(idemKey, status);
      if (this.statusResponseDelayMs) await sleep(this.statusResponseDelayMs);
      return send(200, this.statusJson(status, account, account));
    }
    const statusMatch = /^\/api\/v1\/statuses\/([^/]+)$/.exec(path);
    if (method === 'GET' && statusMatch) {
      // Reading a post needs no token, but one that is sent must be valid (Doorkeeper answers 401).
      if (bearer(req) && !account) return unauthorized();
      const s = this.statusById(statusMatch[1]!);
      const owner = s && this.accountById(s.accountId);
      return s && owner ? send(200, this.statusJson(s, owner, account)) : send(404, { error: 'Record not found' });
    }
    this.unknownRoute(record, res, rateHeaders);
  }

  /** Routes a switch has taken away: they answer as unknown routes do on this server. */
  private missingRoute(method: string, path: string): boolean {
    if (!this.multiStatus && method === 'GET' && path === '/api/v1/statuses') return true;
    if (!this.scheduledStatuses && path.startsWith('/api/v1/scheduled_statuses')) return true;
    if (!this.pin && method === 'POST' && /^\/api\/v1\/statuses\/[^/]+\/(pin|unpin)$/.test(path)) return true;
    if (!this.notificationsApi && path === '/api/v1/notifications') return true;
    return false;
  }

  /** Mastodon answers JSON; some compatible servers a bare `404 Not Found` in text/plain. */
  private unknownRoute(record: RequestRecord, res: ServerResponse, rateHeaders: Record<string, string>): void {
    record.status = 404;
    if (this.jsonNotFound) {
      res.writeHead(404, { 'content-type': 'application/json; charset=utf-8', ...rateHeaders });
      res.end(JSON.stringify({ error: 'Record not found' }));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...rateHeaders });
      res.end('404 Not Found');
    }
  }

  accountJson(a: FakeAccount) {
    // Mastodon's placeholders when no image was uploaded.
    const avatar = a.avatar ? `${this.url}/system/media/${a.avatar.file}` : `${this.url}/avatars/original/missing.png`;
    const header = a.header ? `${this.url}/system/media/${a.header.file}` : `${this.url}/headers/original/missing.png`;
    return {
      id: a.id,
      username: a.username,
      acct: a.instance ? `${a.username}@${a.instance}` : a.username,
      display_name: a.displayName,
      url: a.instance ? `https://${a.instance}/@${a.username}` : `${this.url}/@${a.username}`,
      note: noteHtml(a.note),
      avatar,
      avatar_static: avatar,
      header,
      header_static: header,
      locked: false,
      bot: false,
      created_at: new Date(0).toISOString(),
      followers_count: 0,
      following_count: 0,
      statuses_count: this.statusesCounted.get(a.id) ?? 0,
      fields: [],
      emojis: [],
    };
  }

  /** The account as its owner sees it: with `source`, the plain-text fields as typed. */
  credentialAccountJson(a: FakeAccount) {
    return {
      ...this.accountJson(a),
      source: { note: a.note, privacy: 'public', sensitive: false, language: null, fields: [], follow_requests_count: 0 },
    };
  }

  /** `pinned` is only reported to the author, as Mastodon does. */
  statusJson(s: FakeStatus, a: FakeAccount, viewer: FakeAccount | null) {
    // A remote account's post lives on its instance (the id stays this server's, as on Mastodon).
    const origin = a.instance ? `https://${a.instance}` : this.url;
    return {
      id: s.id,
      uri: `${origin}/users/${a.username}/statuses/${s.id}`,
      url: `${origin}/@${a.username}/${s.id}`,
      created_at: s.createdAt.toISOString(),
      edited_at: s.editedAt?.toISOString() ?? null,
      in_reply_to_id: s.inReplyToId,
      in_reply_to_account_id: s.inReplyToAccountId,
      content: s.html ?? `<p>${escapeHtml(s.text)}</p>`,
      spoiler_text: s.spoilerText,
      visibility: s.visibility,
      language: s.language,
      sensitive: false,
      media_attachments: s.mediaIds.map((id) => ({ id, type: 'image', url: `${this.url}/media/${id}`, description: this.media.get(id)?.description ?? null })),
      mentions: [],
      tags: [],
      emojis: [],
      favourites_count: s.favourites,
      reblogs_count: s.boosts,
      replies_count: this.repliesCount(s),
      ...(s.quotes !== null && { quotes_count: s.quotes }),
      account: this.accountJson(a),
      ...(viewer?.id === s.accountId && { pinned: s.pinned }),
    };
  }
}

/** Mastodon counts public and unlisted replies in replies_count (Status#distributable?). */
const countsAsReply = (s: FakeStatus) => s.visibility === 'public' || s.visibility === 'unlisted';

function bearer(req: IncomingMessage): string {
  return (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const IMAGE_EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp' };

/** Mastodon renders a bio as paragraphs, single line breaks as <br />. */
function noteHtml(note: string): string {
  if (!note) return '';
  return note
    .split(/(?:\r?\n){2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\r?\n/g, '<br />')}</p>`)
    .join('');
}


