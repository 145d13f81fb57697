import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import twitterText from 'twitter-text';
import { LocalHttpServer, readBody } from './local-server.js';

/**
 * An X-compatible HTTP server for tests and the sandbox: the endpoints Piquet's X adapter uses
 * (OAuth 2.0 with PKCE, v2 posts, lookup, search, timeline, media upload; profile through PUT /2/users/me), X's
 * error shapes and rate-limit headers, plus knobs to inject failures and lost answers.
 */
export interface FakeXAccount {
  id: string;
  username: string;
  name: string;
  description: string;
}

export interface FakeTweet {
  id: string;
  accountId: string;
  text: string;
  mediaIds: string[];
  replySettings: string | null;
  createdAt: Date;
  conversationId: string;
  inReplyToId: string | null;
  lang: string | null;
  metrics: { like_count: number; retweet_count: number; reply_count: number; quote_count: number; impression_count: number; bookmark_count: number };
}

export interface FakeXMedia {
  id: string;
  accountId: string;
  mediaType: string;
  totalBytes: number;
  received: number;
  finalized: boolean;
  altText: string | null;
}

export interface XRequestRecord {
  method: string;
  path: string;
  query: URLSearchParams;
  accountId: string | null;
  at: number;
  status: number;
}

type Fault = { status: number; resetInS: number; when: (path: string) => boolean };
type Send = (status: number, body: unknown, headers?: Record<string, string>) => void;

const ACCESS_TOKEN_TTL_S = 7200;
const MAX_WEIGHTED_LENGTH = 280;

export class FakeX {
  readonly accounts = new Map<string, FakeXAccount>();
  readonly tweets: FakeTweet[] = [];
  readonly media = new Map<string, FakeXMedia>();
  readonly requests: XRequestRecord[] = [];
  /** Rate-limit window reported in x-rate-limit-* headers (X's are 15 minutes, per endpoint). */
  rateLimit = { limit: 900, windowS: 15 * 60 };
  /** Access tokens' lifetime, in seconds (X: two hours). */
  accessTokenTtlS = ACCESS_TOKEN_TTL_S;
  url = '';
  private readonly tokens = new Map<string, { accountId: string; expiresAt: number }>();
  private readonly refreshTokens = new Map<string, { accountId: string; clientId: string }>();
  private readonly codes = new Map<string, { accountId: string; clientId: string; redirectUri: string; challenge: string; scope: string }>();
  private readonly faults: Fault[] = [];
  private dropTweetResponses = 0;
  private readonly server = new LocalHttpServer((req, res) => void this.handle(req, res));
  private nextId = 1_800_000_000_000_000_000n;

  newId(): string {
    this.nextId += BigInt(1 + Math.floor(Math.random() * 1000));
    return this.nextId.toString();
  }

  /** An account and an access token for it (as if it had gone through OAuth already). */
  addAccount(username: string, fields: { name?: string; description?: string } = {}): { account: FakeXAccount; accessToken: string } {
    const account: FakeXAccount = { id: this.newId(), username, name: fields.name ?? username, description: fields.description ?? '' };
    this.accounts.set(account.id, account);
    return { account, accessToken: this.issueAccessToken(account.id) };
  }

  accountByUsername(username: string): FakeXAccount | undefined {
    return [...this.accounts.values()].find((a) => a.username === username);
  }

  /**
   * The person approves the app on x.com: checks the authorisation URL the way X does and keeps its
   * PKCE challenge; returns the code and state X would send to the redirect URI.
   */
  authorize(authorizationUrl: string, accountId: string): { code: string; state: string; redirectUri: string } {
    const url = new URL(authorizationUrl);
    const q = url.searchParams;
    const challenge = q.get('code_challenge');
    if (q.get('response_type') !== 'code') throw new Error('response_type must be code');
    if (!q.get('client_id') || !q.get('redirect_uri') || !q.get('state')) throw new Error('client_id, redirect_uri and state are required');
    if (!challenge || (q.get('code_challenge_method') ?? '').toUpperCase() !== 'S256') throw new Error('PKCE with S256 is required');
    if (!this.accounts.has(accountId)) throw new Error(`No fake X account ${accountId}`);
    const code = randomBytes(16).toString('base64url');
    this.codes.set(code, { accountId, clientId: q.get('client_id')!, redirectUri: q.get('redirect_uri')!, challenge, scope: q.get('scope') ?? '' });
    return { code, state: q.get('state')!, redirectUri: q.get('redirect_uri')! };
  }

  /** The refresh token stops working (revoked app, or unused for six months). */
  expireRefreshTokens(accountId: string): void {
    for (const [token, r] of this.refreshTokens) if (r.accountId === accountId) this.refreshTokens.delete(token);
  }

  expireAccessToken(token: string): void {
    const t = this.tokens.get(token);
    if (t) t.expiresAt = 0;
  }

  /** A post by someone else below `conversationId` (the root post, or a reply in its thread). */
  addReply(inReplyToId: string, author: { username: string; name?: string }, text: string): FakeTweet {
    const parent = this.tweetById(inReplyToId);
    if (!parent) throw new Error(`No fake tweet ${inReplyToId}`);
    const account = this.accountByUsername(author.username) ?? this.addAccount(author.username, { name: author.name }).account;
    const reply = this.newTweet(account.id, text, { inReplyToId: parent.id, conversationId: parent.conversationId });
    this.tweets.push(reply);
    const root = this.tweetById(parent.conversationId);
    if (root) root.metrics.reply_count++;
    return reply;
  }

  setMetrics(id: string, metrics: Partial<FakeTweet['metrics']>): FakeTweet {
    const t = this.tweetById(id);
    if (!t) throw new Error(`No fake tweet ${id}`);
    Object.assign(t.metrics, metrics);
    return t;
  }

  tweetById(id: string): FakeTweet | undefined {
    return this.tweets.find((t) => t.id === id);
  }

  tweetsOf(accountId: string): FakeTweet[] {
    return this.tweets.filter((t) => t.accountId === accountId);
  }

  /** The next `times` matching requests answer `status` (a 429 with x-rate-limit-* headers). */
  fail(times: number, status: number, opts: { path?: RegExp; resetInS?: number } = {}): void {
    let left = times;
    this.faults.push({
      status,
      resetInS: opts.resetInS ?? 60,
      when: (path) => {
        if (left <= 0 || (opts.path && !opts.path.test(path))) return false;
        left--;
        return true;
      },
    });
  }

  /** The next `n` posts are recorded, then the connection is cut before X answers: an unknown outcome. */
  dropResponses(n: number): void {
    this.dropTweetResponses += n;
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    this.url = await this.server.start(port, host, 1000);
    return this.url;
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }

  private issueAccessToken(accountId: string): string {
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, { accountId, expiresAt: Date.now() + this.accessTokenTtlS * 1000 });
    return token;
  }

  private newTweet(accountId: string, text: string, fields: Partial<FakeTweet> = {}): FakeTweet {
    const id = this.newId();
    return {
      id,
      accountId,
      text,
      mediaIds: [],
      replySettings: null,
      createdAt: new Date(),
      conversationId: id,
      inReplyToId: null,
      lang: null,
      metrics: { like_count: 0, retweet_count: 0, reply_count: 0, quote_count: 0, impression_count: 0, bookmark_count: 0 },
      ...fields,
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const bearer = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
    const token = this.tokens.get(bearer);
    const account = token && token.expiresAt > Date.now() ? (this.accounts.get(token.accountId) ?? null) : null;
    const record: XRequestRecord = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, accountId: account?.id ?? null, at: Date.now(), status: 200 };
    this.requests.push(record);
    const reset = String(Math.floor(Date.now() / 1000) + this.rateLimit.windowS);
    const rateHeaders = { 'x-rate-limit-limit': String(this.rateLimit.limit), 'x-rate-limit-remaining': String(this.rateLimit.limit - 1), 'x-rate-limit-reset': reset };
    const send: Send = (status, body, headers = {}) => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...rateHeaders, ...headers });
      res.end(JSON.stringify(body));
    };
    try {
      const body = await readBody(req, multipartFields);
      const fault = this.faults.find((f) => f.when(url.pathname));
      if (fault) {
        if (fault.status === 429) {
          return send(429, { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 }, {
            'x-rate-limit-limit': String(this.rateLimit.limit),
            'x-rate-limit-remaining': '0',
            'x-rate-limit-reset': String(Math.floor(Date.now() / 1000) + fault.resetInS),
          });
        }
        return send(fault.status, { title: 'Injected failure', detail: `Injected failure ${fault.status}`, status: fault.status });
      }
      if (url.pathname === '/2/oauth2/token' && req.method === 'POST') return this.token(req, body, send);
      if (!account) {
        record.status = 401;
        return send(401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
      }
      await this.route(req, res, url, body, account, send, record);
    } catch (err) {
      send(500, { title: 'Internal Error', detail: (err as Error).message, status: 500 });
    }
  }

  private token(req: IncomingMessage, body: Record<string, unknown>, send: Send): void {
    const invalid = (description: string) => send(400, { error: 'invalid_grant', error_description: description });
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
    const clientId = String(body.client_id ?? (basic ? Buffer.from(basic[1]!, 'base64').toString().split(':')[0] : ''));
    if (body.grant_type === 'authorization_code') {
      const code = this.codes.get(String(body.code ?? ''));
      if (!code) return invalid('Value passed for the authorization code was invalid.');
      this.codes.delete(String(body.code));
      if (code.clientId !== clientId || code.redirectUri !== body.redirect_uri) return invalid('client_id or redirect_uri does not match the authorization request.');
      const verifier = String(body.code_verifier ?? '');
      if (createHash('sha256').update(verifier).digest('base64url') !== code.challenge) return invalid('Value passed for the code verifier did not match.');
      return this.sendTokens(send, code.accountId, clientId, code.scope);
    }
    if (body.grant_type === 'refresh_token') {
      const refresh = this.refreshTokens.get(String(body.refresh_token ?? ''));
      if (!refresh || refresh.clientId !== clientId) return invalid('Value passed for the token was invalid.');
      // X rotates refresh tokens: the one just used no longer works.
      this.refreshTokens.delete(String(body.refresh_token));
      return this.sendTokens(send, refresh.accountId, clientId, 'tweet.read tweet.write users.read offline.access media.write');
    }
    send(400, { error: 'unsupported_grant_type', error_description: 'grant_type is not supported' });
  }

  private sendTokens(send: Send, accountId: string, clientId: string, scope: string): void {
    const accessToken = this.issueAccessToken(accountId);
    const refreshToken = randomBytes(24).toString('base64url');
    this.refreshTokens.set(refreshToken, { accountId, clientId });
    send(200, { token_type: 'bearer', expires_in: this.accessTokenTtlS, access_token: accessToken, scope, refresh_token: refreshToken });
  }

  private async route(req: IncomingMessage, res: ServerResponse, url: URL, body: Record<string, unknown>, account: FakeXAccount, send: Send, record: XRequestRecord): Promise<void> {
    const { pathname: path, searchParams: q } = url;
    const method = req.method ?? 'GET';
    if (method === 'GET' && path === '/2/users/me') return send(200, { data: this.userJson(account, q) });
    if (method === 'POST' && path === '/2/tweets') return this.createTweet(body, account, send, res, record);
    if (method === 'GET' && path === '/2/tweets') {
      const ids = (q.get('ids') ?? '').split(',').filter(Boolean);
      if (ids.length === 0 || ids.length > 100) return send(400, { title: 'Invalid Request', detail: 'The `ids` query parameter value must be between 1 and 100 ids', status: 400 });
      const found = ids.map((id) => this.tweetById(id)).filter((t): t is FakeTweet => !!t);
      const missing = ids.filter((id) => !this.tweetById(id));
      return send(200, {
        ...(found.length > 0 && { data: found.map((t) => this.tweetJson(t, q)) }),
        ...(missing.length > 0 && { errors: missing.map((id) => notFound(id)) }),
      });
    }
    if (method === 'GET' && path === '/2/tweets/search/recent') {
      const match = /^conversation_id:(\d+)$/.exec((q.get('query') ?? '').trim());
      if (!match) return send(400, { title: 'Invalid Request', detail: 'Only conversation_id: queries are supported by the fake', status: 400 });
      const found = this.tweets.filter((t) => t.conversationId === match[1] && t.id !== match[1]).sort(newestFirst);
      return this.sendPage(send, found, q, 100);
    }
    const mentions = /^\/2\/users\/(\d+)\/mentions$/.exec(path);
    if (method === 'GET' && mentions) return this.mentionTimeline(mentions[1]!, q, send);
    const timeline = /^\/2\/users\/(\d+)\/tweets$/.exec(path);
    if (method === 'GET' && timeline) {
      const since = q.get('start_time') ? Date.parse(q.get('start_time')!) : -Infinity;
      const found = this.tweetsOf(timeline[1]!).filter((t) => t.createdAt.getTime() >= since).sort(newestFirst);
      return this.sendPage(send, found, q, 100);
    }
    if (path.startsWith('/2/media')) return this.routeMedia(method, path, body, account, send);
    if (method === 'PUT' && path === '/2/users/me') return this.updateMe(body, account, send);
    // Every token here is an OAuth 2.0 user token: X's v1.1 routes want OAuth 1.0a user context.
    if (path.startsWith('/1.1/')) {
      return send(403, {
        title: 'Unsupported Authentication',
        detail: 'Authenticating with OAuth 2.0 User Context is forbidden for this endpoint. Supported authentication types are [OAuth 1.0a User Context].',
        type: 'https://api.twitter.com/2/problems/unsupported-authentication',
        status: 403,
      });
    }
    send(404, { title: 'Not Found Error', detail: `Sorry, that page does not exist: ${method} ${path}`, status: 404 });
  }

  /**
   * `PUT /2/users/me` as X documents it: name, description, url, location; only the fields sent
   * change; the answer is the updated user. Fields over X's lengths are refused, nothing changed.
   */
  private updateMe(body: Record<string, unknown>, account: FakeXAccount, send: Send): void {
    const limits = { name: 50, description: 160, url: 100, location: 30 } as const;
    const known = new Set(Object.keys(limits));
    const errors: { parameters: Record<string, string[]>; message: string }[] = [];
    for (const [key, value] of Object.entries(body)) {
      if (!known.has(key)) errors.push({ parameters: { [key]: [String(value)] }, message: `The \`${key}\` field is not a valid field for this endpoint` });
      else if (typeof value !== 'string') errors.push({ parameters: { [key]: [String(value)] }, message: `The \`${key}\` field must be a string` });
      else if ([...value].length > limits[key as keyof typeof limits]) {
        errors.push({ parameters: { [key]: [value] }, message: `The \`${key}\` field must be at most ${limits[key as keyof typeof limits]} characters` });
      }
    }
    if (Object.keys(body).length === 0) errors.push({ parameters: {}, message: 'At least one of name, description, url or location is required' });
    if (errors.length > 0) {
      return send(400, { errors, title: 'Invalid Request', detail: 'One or more parameters to your request was invalid.', type: 'https://api.twitter.com/2/problems/invalid-request' });
    }
    if (typeof body.name === 'string') account.name = body.name;
    if (typeof body.description === 'string') account.description = body.description;
    send(200, { data: { id: account.id, name: account.name, username: account.username, description: account.description } });
  }

  private createTweet(body: Record<string, unknown>, account: FakeXAccount, send: Send, res: ServerResponse, record: XRequestRecord): void {
    const text = String(body.text ?? '');
    const media = (body.media as { media_ids?: string[] } | undefined)?.media_ids ?? [];
    if (!text && media.length === 0) return send(400, { title: 'Invalid Request', detail: 'One or more parameters to your request was invalid.', status: 400 });
    if (twitterText.parseTweet(text).weightedLength > MAX_WEIGHTED_LENGTH) {
      return send(403, { title: 'Forbidden', detail: 'You are not permitted to perform this action.', type: 'about:blank', status: 403 });
    }
    if (media.length > 4 || media.some((id) => this.media.get(id)?.accountId !== account.id || !this.media.get(id)?.finalized)) {
      return send(400, { title: 'Invalid Request', detail: 'Your media IDs are invalid.', status: 400 });
    }
    // X refuses a post identical to one of the account's recent posts.
    if (text && this.tweetsOf(account.id).some((t) => t.text === text)) {
      return send(403, { title: 'Forbidden', detail: 'You are not allowed to create a Tweet with duplicate content.', type: 'about:blank', status: 403 });
    }
    const reply = (body.reply as { in_reply_to_tweet_id?: string } | undefined)?.in_reply_to_tweet_id;
    const parent = reply ? this.tweetById(reply) : undefined;
    const tweet = this.newTweet(account.id, text, {
      mediaIds: media,
      replySettings: typeof body.reply_settings === 'string' ? body.reply_settings : null,
      ...(parent && { inReplyToId: parent.id, conversationId: parent.conversationId }),
    });
    this.tweets.push(tweet);
    if (this.dropTweetResponses > 0) {
      this.dropTweetResponses--;
      record.status = 0;
      res.socket?.destroy();
      return;
    }
    send(201, { data: { id: tweet.id, text: tweet.text, edit_history_tweet_ids: [tweet.id] } });
  }

  private routeMedia(method: string, path: string, body: Record<string, unknown>, account: FakeXAccount, send: Send): void {
    if (method === 'POST' && path === '/2/media/upload/initialize') {
      const mediaType = String(body.media_type ?? '');
      if (!/^(image|video)\//.test(mediaType)) return send(400, { title: 'Invalid Request', detail: 'media_type is invalid', status: 400 });
      const id = this.newId();
      this.media.set(id, { id, accountId: account.id, mediaType, totalBytes: Number(body.total_bytes ?? 0), received: 0, finalized: false, altText: null });
      return send(200, { data: { id, media_key: `3_${id}`, expires_after_secs: 86400 } });
    }
    const step = /^\/2\/media\/upload\/(\d+)\/(append|finalize)$/.exec(path);
    const m = step ? this.media.get(step[1]!) : undefined;
    if (method === 'POST' && step) {
      if (!m || m.accountId !== account.id) return send(400, { title: 'Invalid Request', detail: 'Unknown media id', status: 400 });
      if (step[2] === 'append') {
        const chunk = body.media;
        if (!(chunk instanceof Buffer)) return send(400, { title: 'Invalid Request', detail: 'media is missing', status: 400 });
        m.received += chunk.length;
        return send(200, { data: { expires_at: Math.floor(Date.now() / 1000) + 86400 } });
      }
      if (m.received !== m.totalBytes) return send(400, { title: 'Invalid Request', detail: `Expected ${m.totalBytes} bytes, received ${m.received}`, status: 400 });
      m.finalized = true;
      return send(200, { data: { id: m.id, media_key: `3_${m.id}`, size: m.totalBytes, expires_after_secs: 86400 } });
    }
    if (method === 'POST' && path === '/2/media/metadata') {
      const target = this.media.get(String(body.id ?? ''));
      if (!target || target.accountId !== account.id) return send(400, { title: 'Invalid Request', detail: 'Unknown media id', status: 400 });
      const alt = (body.metadata as { alt_text?: { text?: string } } | undefined)?.alt_text?.text;
      if (alt !== undefined) {
        if ([...alt].length > 1000) return send(400, { title: 'Invalid Request', detail: 'Alt text is too long (1000 at most)', status: 400 });
        target.altText = alt;
      }
      return send(200, { data: { id: target.id, associated_metadata: { alt_text: { text: target.altText ?? '' } } } });
    }
    send(404, { title: 'Not Found Error', detail: `Sorry, that page does not exist: ${method} ${path}`, status: 404 });
  }

  /**
   * `GET /2/users/:id/mentions`: posts by others that mention the account, newest first, after
   * `since_id` and before `until_id`, paged with `pagination_token`. A reply mentions everyone
   * above it in its thread (X puts their handles before the text), and a post mentions whoever's
   * @handle it contains.
   */
  private mentionTimeline(userId: string, q: URLSearchParams, send: Send): void {
    const user = this.accounts.get(userId);
    if (!user) return send(404, { title: 'Not Found Error', detail: `Could not find user with id: [${userId}].`, status: 404 });
    const since = q.get('since_id') ? BigInt(q.get('since_id')!) : null;
    const until = q.get('until_id') ? BigInt(q.get('until_id')!) : null;
    const mentioned = (t: FakeTweet): boolean => {
      if (t.accountId === userId) return false;
      if (new RegExp(`(^|\\W)@${user.username}\\b`, 'i').test(t.text)) return true;
      for (let up = t.inReplyToId ? this.tweetById(t.inReplyToId) : undefined; up; up = up.inReplyToId ? this.tweetById(up.inReplyToId) : undefined) {
        if (up.accountId === userId) return true;
      }
      return false;
    };
    const found = this.tweets.filter((t) => mentioned(t) && (since === null || BigInt(t.id) > since) && (until === null || BigInt(t.id) < until)).sort(newestFirst);
    return this.sendPage(send, found, q, 100);
  }

  /** One page (newest first), with X's meta and next_token; expansions=author_id adds includes.users. */
  private sendPage(send: Send, all: FakeTweet[], q: URLSearchParams, maxPage: number): void {
    const size = Math.min(maxPage, Math.max(5, Number(q.get('max_results') ?? 10)));
    const start = Number(q.get('next_token') ?? q.get('pagination_token') ?? 0);
    const page = all.slice(start, start + size);
    const next = start + size < all.length ? String(start + size) : undefined;
    const authors = [...new Set(page.map((t) => t.accountId))].map((id) => this.accounts.get(id)).filter((a): a is FakeXAccount => !!a);
    send(200, {
      ...(page.length > 0 && { data: page.map((t) => this.tweetJson(t, q)) }),
      ...(page.length > 0 && (q.get('expansions') ?? '').split(',').includes('author_id') && { includes: { users: authors.map((a) => this.userJson(a, q)) } }),
      meta: { result_count: page.length, ...(page[0] && { newest_id: page[0].id, oldest_id: page[page.length - 1]!.id }), ...(next && { next_token: next }) },
    });
  }

  private tweetJson(t: FakeTweet, q: URLSearchParams) {
    const fields = new Set((q.get('tweet.fields') ?? '').split(','));
    return {
      id: t.id,
      text: t.text,
      edit_history_tweet_ids: [t.id],
      ...(fields.has('created_at') && { created_at: t.createdAt.toISOString() }),
      ...(fields.has('author_id') && { author_id: t.accountId }),
      ...(fields.has('conversation_id') && { conversation_id: t.conversationId }),
      ...(fields.has('lang') && { lang: t.lang ?? 'und' }),
      ...(fields.has('public_metrics') && { public_metrics: { ...t.metrics } }),
      ...(fields.has('referenced_tweets') && t.inReplyToId && { referenced_tweets: [{ type: 'replied_to', id: t.inReplyToId }] }),
      ...(fields.has('in_reply_to_user_id') && t.inReplyToId && { in_reply_to_user_id: this.tweetById(t.inReplyToId)?.accountId }),
      ...(t.mediaIds.length > 0 && fields.has('attachments') && { attachments: { media_keys: t.mediaIds.map((id) => `3_${id}`) } }),
    };
  }

  private userJson(a: FakeXAccount, q: URLSearchParams) {
    const fields = new Set((q.get('user.fields') ?? '').split(','));
    return {
      id: a.id,
      name: a.name,
      username: a.username,
      ...(fields.has('description') && { description: a.description }),
      ...(fields.has('profile_image_url') && { profile_image_url: `https://pbs.twimg.com/profile_images/${a.id}/normal.png` }),
    };
  }

}

const newestFirst = (a: FakeTweet, b: FakeTweet) => (BigInt(b.id) > BigInt(a.id) ? 1 : BigInt(b.id) < BigInt(a.id) ? -1 : 0);

function notFound(id: string) {
  return {
    value: id,
    detail: `Could not find tweet with ids: [${id}].`,
    title: 'Not Found Error',
    resource_type: 'tweet',
    parameter: 'ids',
    resource_id: id,
    type: 'https://api.twitter.com/2/problems/resource-not-found',
  };
}

/** Multipart fields as raw bytes (twitter-api-v2 sends media chunks without a file name). */
function multipartFields(raw: Buffer, type: string): Record<string, unknown> {
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (!boundary) return {};
  const out: Record<string, unknown> = {};
  const delimiter = Buffer.from(`--${boundary}`);
  let at = raw.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    const next = raw.indexOf(delimiter, start);
    if (next < 0) break;
    const part = raw.subarray(start, next);
    const headerEnd = part.indexOf('\r\n\r\n');
    const name = /name="([^"]+)"/.exec(part.subarray(0, Math.max(0, headerEnd)).toString('utf8'))?.[1];
    if (name && headerEnd >= 0) {
      // The part's content ends before the CRLF that precedes the next delimiter.
      const content = part.subarray(headerEnd + 4, part.length - 2);
      out[name] = name === 'media' ? Buffer.from(content) : content.toString('utf8');
    }
    at = next;
  }
  return out;
}
