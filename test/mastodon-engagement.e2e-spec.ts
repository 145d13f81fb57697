import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeMastodon } from '../apps/sandbox/src/mastodon-server.js';
import type { AppConfig } from '#config/config.js';
import { NetworkAuthError, NetworkPermanentError, NetworkRateLimitedError, NetworkUnsupportedError } from '#networks/errors.js';
import { MastodonAdapter } from '#networks/mastodon/mastodon.adapter.js';
import type { AccountConnection } from '#networks/network-adapter.js';
import { adapterWith as guarded } from './support/adapters.js';

function adapter(): MastodonAdapter {
  return guarded(MastodonAdapter, {
    networks: { allowPrivateInstances: true, timeoutMs: 5000 },
    mediaMaxBytes: 10_000_000,
    http: { publicUrl: 'http://127.0.0.1' },
  } as AppConfig);
}

describe('Mastodon adapter: engagement counts and replies against the fake instance', () => {
  const mastodon = new FakeMastodon();
  const mastodonAdapter = adapter();
  let host = '';

  beforeAll(async () => {
    await mastodon.start();
    host = new URL(mastodon.url).host;
  });

  afterAll(async () => {
    await mastodon.stop();
  });

  function connect(username: string): { id: string; conn: AccountConnection } {
    const remote = mastodon.addAccount(username);
    return { id: remote.id, conn: { instanceUrl: mastodon.url, accessToken: remote.token } };
  }

  async function post(conn: AccountConnection, text: string): Promise<string> {
    const published = await mastodonAdapter.publish(conn, { text, contentWarning: null, visibility: 'public', language: 'fr', remoteMediaIds: [] }, `key-${text}`);
    return published.remoteId;
  }

  async function posts(conn: AccountConnection, n: number, prefix: string): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push(await post(conn, `${prefix} ${i}`));
    return ids;
  }

  const requestsTo = (accountId: string, method: string, path: RegExp) =>
    mastodon.requests.filter((r) => r.accountId === accountId && r.method === method && path.test(r.path));

  it('reads the counts of 20 posts in one request, in the order asked, quotes only where the server gives them', async () => {
    const { id, conn } = connect('lot');
    const ids = await posts(conn, 20, 'lot');
    mastodon.setCounts(ids[0]!, { favourites: 12, boosts: 3, quotes: 2 });
    mastodon.setCounts(ids[19]!, { favourites: 1, boosts: 7, replies: 40 });
    mastodon.addReply(ids[5]!, { username: 'ada', instance: 'other.example' }, '<p>oui</p>');
    mastodon.addReply(ids[5]!, { username: 'bea' }, '<p>non</p>', { visibility: 'unlisted' });
    // Mastodon counts neither followers-only nor direct replies in replies_count.
    mastodon.addReply(ids[5]!, { username: 'cyd' }, '<p>en privé</p>', { visibility: 'direct' });

    const counts = await mastodonAdapter.fetchCountsBatch(conn, ids);

    expect(requestsTo(id, 'GET', /^\/api\/v1\/statuses$/)).toHaveLength(1);
    expect(counts.map((c) => c.remoteId)).toEqual(ids);
    expect(counts[0]).toEqual({ remoteId: ids[0], favourites: 12, boosts: 3, replies: 0, quotes: 2, impressions: null });
    expect(counts[5]).toEqual({ remoteId: ids[5], favourites: 0, boosts: 0, replies: 2, quotes: null, impressions: null });
    expect(counts[19]).toEqual({ remoteId: ids[19], favourites: 1, boosts: 7, replies: 40, quotes: null, impressions: null });
    expect(mastodonAdapter.countsBatchSize).toBe(20);
  });

  it('passes more than 20 ids through as given: the server refuses them with 422', async () => {
    const { id, conn } = connect('trop');
    const ids = await posts(conn, 21, 'trop');

    const err = await mastodonAdapter.fetchCountsBatch(conn, ids).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(NetworkPermanentError);
    expect(err).not.toBeInstanceOf(NetworkUnsupportedError);
    expect((err as NetworkPermanentError).status).toBe(422);
    expect(requestsTo(id, 'GET', /^\/api\/v1\/statuses$/).map((r) => r.status)).toEqual([422]);
  });

  it('leaves deleted posts out of the batch answer', async () => {
    const { conn } = connect('efface');
    const ids = await posts(conn, 4, 'efface');
    mastodon.deleteStatus(ids[1]!);
    mastodon.deleteStatus(ids[3]!);

    const counts = await mastodonAdapter.fetchCountsBatch(conn, ids);

    expect(counts.map((c) => c.remoteId)).toEqual([ids[0], ids[2]]);
    expect(await mastodonAdapter.fetchCountsBatch(conn, [])).toEqual([]);
  });

  it('reports a server without the multi-status endpoint as unsupported; one request per post then works', async () => {
    const { id, conn } = connect('ancien');
    const ids = await posts(conn, 3, 'ancien');
    mastodon.setCounts(ids[0]!, { favourites: 5, boosts: 2 });
    mastodon.deleteStatus(ids[2]!);
    mastodon.multiStatus = false;
    try {
      const err = await mastodonAdapter.fetchCountsBatch(conn, ids).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetworkUnsupportedError);
      expect((err as NetworkUnsupportedError).kind).toBe('permanent');

      expect(await mastodonAdapter.fetchCounts(conn, ids[0]!)).toEqual({ remoteId: ids[0], favourites: 5, boosts: 2, replies: 0, quotes: null, impressions: null });
      expect(await mastodonAdapter.fetchCounts(conn, ids[1]!)).toMatchObject({ remoteId: ids[1], favourites: 0 });
      expect(await mastodonAdapter.fetchCounts(conn, ids[2]!)).toBeNull();
      expect(requestsTo(id, 'GET', /^\/api\/v1\/statuses\/[^/]+$/)).toHaveLength(3);
    } finally {
      mastodon.multiStatus = true;
    }
  });

  it('reads the whole reply tree with authors, text, visibility, edits and deletions', async () => {
    const { id, conn } = connect('greve');
    const root = await post(conn, 'En grève !');
    const first = mastodon.addReply(root, { username: 'alice', displayName: 'Alice', instance: 'other.example' }, '<p>Courage <a href="https://example.org/x">lien</a></p>', {
      language: 'fr',
    });
    const local = mastodon.addReply(first.id, { username: 'bob' }, '<p>Reply to a reply</p>', { language: 'en' });
    const direct = mastodon.addReply(root, { username: 'carol', instance: 'third.example' }, '<p>privé</p>', { visibility: 'direct' });
    const deeper = mastodon.addReply(local.id, { username: 'alice', instance: 'other.example' }, '<p>et une de plus</p>');
    const doomed = mastodon.addReply(root, { username: 'dan', instance: 'other.example' }, '<p>à effacer</p>');

    const replies = await mastodonAdapter.fetchReplies(conn, root);

    expect(requestsTo(id, 'GET', /\/context$/)).toHaveLength(1);
    expect(replies?.map((r) => r.remoteId)).toEqual([first.id, local.id, direct.id, deeper.id, doomed.id]);
    expect(replies?.[0]).toEqual({
      remoteId: first.id,
      inReplyToRemoteId: root,
      visibility: 'public',
      authorHandle: '@alice@other.example',
      authorName: 'Alice',
      authorUrl: 'https://other.example/@alice',
      html: '<p>Courage <a href="https://example.org/x">lien</a></p>',
      language: 'fr',
      url: `https://other.example/@alice/${first.id}`,
      postedAt: first.createdAt,
      editedAt: null,
    });
    // A reply from this instance: its handle gets the instance's host; no display name, the username.
    expect(replies?.[1]).toMatchObject({ inReplyToRemoteId: first.id, authorHandle: `@bob@${host}`, authorName: 'bob', authorUrl: `${mastodon.url}/@bob` });
    expect(replies?.[2]).toMatchObject({ remoteId: direct.id, visibility: 'direct', authorHandle: '@carol@third.example' });
    expect(replies?.[3]).toMatchObject({ inReplyToRemoteId: local.id, language: null });

    mastodon.editStatus(first.id, '<p>Courage, corrigé</p>');
    mastodon.deleteStatus(doomed.id);
    const after = await mastodonAdapter.fetchReplies(conn, root);

    expect(after?.map((r) => r.remoteId)).toEqual([first.id, local.id, direct.id, deeper.id]);
    expect(after?.[0]).toMatchObject({ html: '<p>Courage, corrigé</p>', editedAt: first.editedAt });
    expect(after![0]!.editedAt!.getTime()).toBeGreaterThan(first.createdAt.getTime());

    // A deleted reply takes its own replies out of the thread with it, as on Mastodon.
    mastodon.deleteStatus(local.id);
    expect((await mastodonAdapter.fetchReplies(conn, root))?.map((r) => r.remoteId)).toEqual([first.id, direct.id]);

    mastodon.deleteStatus(root);
    expect(await mastodonAdapter.fetchReplies(conn, root)).toBeNull();
    expect(await mastodonAdapter.fetchCounts(conn, root)).toBeNull();
  });

  it('reads a post without replies as an empty list', async () => {
    const { conn } = connect('calme');
    const root = await post(conn, 'Rien à dire');
    expect(await mastodonAdapter.fetchReplies(conn, root)).toEqual([]);
  });

  it('turns a 429 into a rate-limit error with the reset time, on every engagement call', async () => {
    const { id, conn } = connect('limite');
    const [root] = await posts(conn, 1, 'limite');
    const before = Date.now();
    mastodon.fail(3, 429, { accountId: id, retryAfterS: 120 });

    for (const call of [
      () => mastodonAdapter.fetchCountsBatch(conn, [root!]),
      () => mastodonAdapter.fetchCounts(conn, root!),
      () => mastodonAdapter.fetchReplies(conn, root!),
    ]) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetworkRateLimitedError);
      const resetAt = (err as NetworkRateLimitedError).resetAt.getTime();
      expect(resetAt).toBeGreaterThanOrEqual(before + 119_000);
      expect(resetAt).toBeLessThanOrEqual(Date.now() + 121_000);
    }
  });

  it('turns a refused token into an auth error', async () => {
    const { conn } = connect('revoque');
    const [root] = await posts(conn, 1, 'revoque');
    // Reading a public post needs no token, but a token that is sent and refused is a 401 on Mastodon.
    mastodon.revoke(conn.accessToken);

    await expect(mastodonAdapter.fetchCountsBatch(conn, [root!])).rejects.toBeInstanceOf(NetworkAuthError);
    await expect(mastodonAdapter.fetchCounts(conn, root!)).rejects.toBeInstanceOf(NetworkAuthError);
    await expect(mastodonAdapter.fetchReplies(conn, root!)).rejects.toBeInstanceOf(NetworkAuthError);
    expect(mastodon.requests.filter((r) => r.accountId === null && r.path.startsWith('/api/v1/statuses')).map((r) => r.status)).toEqual([401, 401, 401]);
  });

  it("reports the account's rate budget on every authenticated answer, and enforces it when asked", async () => {
    const { id, conn } = connect('budget');
    const headersOf = async () => {
      const res = await fetch(`${mastodon.url}/api/v1/accounts/verify_credentials`, { headers: { authorization: `Bearer ${conn.accessToken}` } });
      await res.body?.cancel();
      return res.headers;
    };
    const used = mastodon.requestsInWindow(id);
    const first = await headersOf();
    const second = await headersOf();

    expect(first.get('x-ratelimit-limit')).toBe('300');
    expect(Number(first.get('x-ratelimit-remaining'))).toBe(300 - used - 1);
    expect(Number(second.get('x-ratelimit-remaining'))).toBe(300 - used - 2);
    const reset = Date.parse(first.get('x-ratelimit-reset')!);
    expect(reset % (5 * 60_000)).toBe(0);
    expect(reset).toBeGreaterThan(Date.now());
    expect(reset).toBeLessThanOrEqual(Date.now() + 5 * 60_000);
    const anonymous = await fetch(`${mastodon.url}/api/v2/instance`);
    await anonymous.body?.cancel();
    expect(anonymous.headers.get('x-ratelimit-limit')).toBeNull();

    const [root] = await posts(conn, 1, 'budget');
    const saved = { ...mastodon.rateLimit };
    mastodon.rateLimit = { ...saved, limit: mastodon.requestsInWindow(id) + 1, enforce: true };
    try {
      expect(await mastodonAdapter.fetchCounts(conn, root!)).not.toBeNull();
      const err = await mastodonAdapter.fetchCounts(conn, root!).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetworkRateLimitedError);
      expect((err as NetworkRateLimitedError).resetAt.getTime()).toBe(reset);
    } finally {
      mastodon.rateLimit = saved;
    }
  });
});
