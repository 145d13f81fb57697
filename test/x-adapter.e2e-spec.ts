import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeX } from '../apps/sandbox/src/x-server.js';
import type { AppConfig } from '#config/config.js';
import { NetworkAuthError, NetworkPermanentError, NetworkRateLimitedError } from '#networks/errors.js';
import type { AccountConnection, OutgoingPost } from '#networks/network-adapter.js';
import { parseXSecret, serializeXSecret, XAdapter } from '#networks/x/x.adapter.js';
import { adapterWith as guarded } from './support/adapters.js';

const CLIENT_ID = 'piquet-client';
const REDIRECT = 'http://127.0.0.1/oauth/x/callback';
// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

function post(text: string, fields: Partial<OutgoingPost> = {}): OutgoingPost {
  return { text, contentWarning: null, visibility: 'public', language: null, remoteMediaIds: [], ...fields };
}

describe('X adapter against the fake X API', () => {
  const x = new FakeX();
  const adapter = guarded(XAdapter, { networks: { allowPrivateInstances: true, timeoutMs: 5000 } } as AppConfig);
  let conn: AccountConnection;
  let accountId: string;

  const requestsTo = (method: string, path: string | RegExp) =>
    x.requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)));

  beforeAll(async () => {
    await x.start();
    const { account, accessToken } = x.addAccount('piquet_union', { name: 'Union', description: 'We organise.' });
    accountId = account.id;
    conn = { instanceUrl: x.url, accessToken: serializeXSecret({ accessToken, refreshToken: null, expiresAt: null, clientId: CLIENT_ID }) };
  });

  afterAll(async () => {
    await x.stop();
  });

  it('connects with OAuth 2.0 + PKCE, refreshes with rotation, and a refused refresh needs reconnection', async () => {
    const { url, codeVerifier } = adapter.authorizationUrl(CLIENT_ID, REDIRECT, 'state-123');
    const params = new URL(url).searchParams;
    expect(params.get('code_challenge_method')?.toUpperCase()).toBe('S256');
    expect(params.get('code_challenge')).toBeTruthy();
    expect(params.get('scope')).toContain('offline.access');
    const { account } = x.addAccount('oauth_person');
    const { code, state } = x.authorize(url, account.id);
    expect(state).toBe('state-123');

    // A wrong verifier is refused (PKCE is checked).
    const other = adapter.authorizationUrl(CLIENT_ID, REDIRECT, 'state-456');
    const second = x.authorize(other.url, account.id);
    await expect(adapter.exchangeCode(x.url, { clientId: CLIENT_ID, redirectUri: REDIRECT }, second.code, codeVerifier)).rejects.toBeInstanceOf(
      NetworkPermanentError,
    );

    const secretRaw = await adapter.exchangeCode(x.url, { clientId: CLIENT_ID, redirectUri: REDIRECT }, code, codeVerifier);
    const secret = parseXSecret(secretRaw);
    expect(secret).toMatchObject({ clientId: CLIENT_ID, refreshToken: expect.any(String), expiresAt: expect.any(String) });
    const fresh = { instanceUrl: x.url, accessToken: secretRaw };
    await expect(adapter.verify(fresh)).resolves.toMatchObject({ remoteId: account.id, handle: '@oauth_person', limits: { maxCharacters: 280, maxMedia: 4, charactersPerUrl: 23 } });

    const refreshedRaw = await adapter.refresh(x.url, secretRaw);
    const refreshed = parseXSecret(refreshedRaw);
    expect(refreshed.refreshToken).not.toBe(secret.refreshToken);
    expect(refreshed.accessToken).not.toBe(secret.accessToken);
    await expect(adapter.verify({ instanceUrl: x.url, accessToken: refreshedRaw })).resolves.toMatchObject({ remoteId: account.id });
    // The used refresh token was rotated away.
    await expect(adapter.refresh(x.url, secretRaw)).rejects.toBeInstanceOf(NetworkAuthError);
    x.expireRefreshTokens(account.id);
    await expect(adapter.refresh(x.url, refreshedRaw)).rejects.toBeInstanceOf(NetworkAuthError);
    // An expired access token: 401, reconnect (or refresh) needed.
    x.expireAccessToken(refreshed.accessToken);
    await expect(adapter.verify({ instanceUrl: x.url, accessToken: refreshedRaw })).rejects.toBeInstanceOf(NetworkAuthError);
  });

  it('publishes an image with alt text', async () => {
    const mediaId = await adapter.uploadMedia(conn, { data: PNG, mimeType: 'image/png', altText: 'A red square on a picket sign' });
    expect(x.media.get(mediaId)).toMatchObject({ finalized: true, altText: 'A red square on a picket sign', totalBytes: PNG.length });
    const published = await adapter.publish(conn, post('On strike today ✊', { remoteMediaIds: [mediaId] }), 'key-1');
    expect(x.tweetById(published.remoteId)).toMatchObject({ text: 'On strike today ✊', mediaIds: [mediaId], accountId });
    expect(published.url).toContain(published.remoteId);
  });

  it("validates X's weighted length: a URL counts 23, 281 weighted characters are refused", async () => {
    const url = `https://example.org/${'long/'.repeat(40)}`;
    const text = `${'a'.repeat(280 - 24)} ${url}`;
    expect(adapter.postLength(text, null, { maxCharacters: 280, maxMedia: 4, charactersPerUrl: 23 })).toBe(280);
    expect(text.length).toBeGreaterThan(280);
    await expect(adapter.publish(conn, post(text), 'key-2')).resolves.toMatchObject({ remoteId: expect.any(String) });

    const tooLong = `${'字'.repeat(140)}b`;
    expect(adapter.postLength(tooLong, null, { maxCharacters: 280, maxMedia: 4, charactersPerUrl: 23 })).toBe(281);
    const before = x.tweets.length;
    await expect(adapter.publish(conn, post(tooLong), 'key-3')).rejects.toBeInstanceOf(NetworkPermanentError);
    expect(x.tweets.length).toBe(before);
  });

  it('looks counts up in batches of 100 ids per request', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 150; i++) {
      const t = await adapter.publish(conn, post(`Post number ${i}`), `batch-${i}`);
      ids.push(t.remoteId);
    }
    x.setMetrics(ids[0]!, { like_count: 7, retweet_count: 3, reply_count: 2, quote_count: 1, impression_count: 400 });
    expect(adapter.countsBatchSize).toBe(100);
    const lookupsBefore = requestsTo('GET', '/2/tweets').length;
    const first = await adapter.fetchCountsBatch(conn, [...ids.slice(0, 99), '1']);
    const second = await adapter.fetchCountsBatch(conn, ids.slice(99));
    expect(requestsTo('GET', '/2/tweets').length - lookupsBefore).toBe(2);
    expect(first).toHaveLength(99); // the unknown id is gone
    expect(second).toHaveLength(51);
    expect(first[0]).toEqual({ remoteId: ids[0], favourites: 7, boosts: 3, replies: 2, quotes: 1, impressions: 400 });
    await expect(adapter.fetchCounts(conn, '1')).resolves.toBeNull();
  });

  it('finds replies through a conversation search, across pages', async () => {
    const root = await adapter.publish(conn, post('Solidarity thread'), 'conv');
    const first = x.addReply(root.remoteId, { username: 'supporter', name: 'A Supporter' }, 'With you! https://example.org/fund & more');
    x.addReply(first.id, { username: 'another' }, 'Me too');
    for (let i = 0; i < 120; i++) x.addReply(root.remoteId, { username: `fan${i}` }, `Reply ${i}`);
    const replies = await adapter.fetchReplies(conn, root.remoteId);
    expect(replies).toHaveLength(122);
    const supporter = replies!.find((r) => r.remoteId === first.id)!;
    expect(supporter).toMatchObject({
      inReplyToRemoteId: root.remoteId,
      visibility: 'public',
      authorHandle: '@supporter',
      authorName: 'A Supporter',
      authorUrl: 'https://x.com/supporter',
    });
    expect(supporter.html).toContain('<a href="https://example.org/fund">https://example.org/fund</a>');
    expect(supporter.html).toContain('&amp; more');
    expect(replies!.find((r) => r.html.includes('Me too'))?.inReplyToRemoteId).toBe(first.id);
    const searches = requestsTo('GET', '/2/tweets/search/recent');
    expect(searches.length).toBeGreaterThanOrEqual(2);
    expect(searches[0]!.query.get('query')).toBe(`conversation_id:${root.remoteId}`);

    const lonely = await adapter.publish(conn, post('Nobody answers'), 'lonely');
    await expect(adapter.fetchReplies(conn, lonely.remoteId)).resolves.toEqual([]);
    await expect(adapter.fetchReplies(conn, '12345')).resolves.toBeNull();
  });

  it('occupies and restores the name and description', async () => {
    const before = await adapter.readProfile(conn);
    expect(before).toEqual({ displayName: 'Union', bio: 'We organise.', avatarUrl: null, headerUrl: null });
    await expect(adapter.updateProfile(conn, { displayName: 'On strike', bio: 'Picket line: do not cross' })).resolves.toMatchObject({
      displayName: 'On strike',
      bio: 'Picket line: do not cross',
    });
    expect(x.accounts.get(accountId)).toMatchObject({ name: 'On strike', description: 'Picket line: do not cross' });
    await adapter.updateProfile(conn, { displayName: before.displayName, bio: before.bio });
    await expect(adapter.readProfile(conn)).resolves.toEqual(before);
    // Through API v2's PUT /2/users/me, the route that takes OAuth 2.0 user tokens; the v1.1 one refuses them.
    expect(requestsTo('PUT', '/2/users/me')).toHaveLength(2);
    const v1 = await fetch(`${x.url}/1.1/account/update_profile.json`, {
      method: 'POST',
      headers: { authorization: `Bearer ${parseXSecret(conn.accessToken).accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Sneaky' }),
    });
    expect(v1.status).toBe(403);
    expect(x.accounts.get(accountId)?.name).toBe('Union');
    // A name over X's 50 characters is refused as X does, nothing changed.
    await expect(adapter.updateProfile(conn, { displayName: 'x'.repeat(51) })).rejects.toMatchObject({ kind: 'permanent', status: 400 });
    expect(adapter.capabilities).toEqual({ pin: false, nativeScheduling: false, profileImages: false });
    const detected = await adapter.detectCapabilities(conn);
    expect(detected.features.profileFields.support).toBe('yes');
    expect(detected.features.pin.support).toBe('no');
    expect(detected.features.rateLimitHeaders.support).toBe('yes');
    await expect(adapter.listNativeScheduled(conn)).resolves.toEqual([]);
  });

  it('turns a 429 into NetworkRateLimitedError at the reset X announced', async () => {
    x.fail(1, 429, { path: /^\/2\/tweets$/, resetInS: 600 });
    const before = Date.now();
    const err = await adapter.fetchCountsBatch(conn, ['1']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkRateLimitedError);
    const resetAt = (err as NetworkRateLimitedError).resetAt.getTime();
    expect(resetAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 599_000);
    expect(resetAt).toBeLessThanOrEqual(Date.now() + 601_000);
    // Only that request was refused.
    await expect(adapter.fetchCountsBatch(conn, ['1'])).resolves.toEqual([]);
  });

  it('a publish whose answer is lost is found on the timeline, never posted twice', async () => {
    const text = 'Unknown outcome: are we posted? https://example.org/strike';
    x.dropResponses(1);
    const creates = requestsTo('POST', '/2/tweets').length;
    const published = await adapter.publish(conn, post(text), 'lost');
    expect(requestsTo('POST', '/2/tweets').length - creates).toBe(1);
    expect(requestsTo('GET', /^\/2\/users\/\d+\/tweets$/).length).toBeGreaterThanOrEqual(1);
    const matching = x.tweets.filter((t) => t.text === text);
    expect(matching).toHaveLength(1);
    expect(published.remoteId).toBe(matching[0]!.id);

    // A retry of the same post after all (say, by a worker that crashed): X refuses the duplicate and
    // the adapter returns the post already there.
    await expect(adapter.publish(conn, post(text), 'lost')).resolves.toMatchObject({ remoteId: matching[0]!.id });
    expect(x.tweets.filter((t) => t.text === text)).toHaveLength(1);
  });
});
