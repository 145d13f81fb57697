import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeMastodon } from '../apps/sandbox/src/mastodon-server.js';
import { loadConfig } from '#config/config.js';
import { connectAccount, startApi, type Api, type Connected } from './support/api.js';
import { createTestEnv, waitFor, type TestEnv } from './support/env.js';
import { FeedServer } from './support/feed-server.js';
import { startWorker, type RunningProcess } from './support/processes.js';
import { approvedStrike, createVoters } from './support/strikes.js';

const FEED_ENV = { FEED_POLL_INTERVAL_MS: '300', FEED_TICK_MS: '150', FEED_HOST_GAP_MS: '0', FEED_MAX_BYTES: '65536', FEED_MAX_BACKOFF_MS: '2000' };

describe('feeds: new items become ordinary posts, held by a strike like any other', () => {
  let t: TestEnv;
  let api: Api;
  let worker: RunningProcess;
  const mastodon = new FakeMastodon();
  const server = new FeedServer();
  let admin: string;
  let voters: string[];
  let journal: Connected;
  const ago = (s: number) => new Date(Date.now() - s * 1000);

  beforeAll(async () => {
    t = await createTestEnv(FEED_ENV);
    await mastodon.start();
    await server.start();
    api = await startApi(t.config);
    worker = await startWorker(t.env);
    ({ token: admin } = await api.createOrganisation('Rédaction'));
    voters = await createVoters(api, admin, 2);
    journal = await connectAccount(api, admin, mastodon, 'journal');
  });

  afterAll(async () => {
    await worker?.stop();
    await api?.close();
    await server.stop();
    await mastodon.stop();
    await t?.cleanup();
  });

  const feedTexts = () => mastodon.statusesOf(journal.remote.id).map((s) => s.text).filter((s) => s.includes('/articles/'));
  const feed = async (id: string) => (await api.call('GET', `/v1/feeds/${id}`, admin)).body;
  const items = async (id: string) => (await api.call('GET', `/v1/feeds/${id}/items`, admin)).body as { title: string; outcome: string; postIds: string[] }[];
  const article = (guid: string, title: string, publishedAt = new Date()) => ({ guid, title, link: `${server.url}/articles/${guid}`, publishedAt });

  let newsId: string;

  it('refuses bad input with a 400 naming the field', async () => {
    // The guard as in production: no private addresses, https only.
    const strict = await startApi(loadConfig({ ...t.env, ALLOW_PRIVATE_INSTANCES: 'false' }));
    try {
      const cases: [Record<string, unknown>, string, RegExp][] = [
        [{ url: 'http://127.0.0.1:8080/feed.xml' }, 'url', /https/],
        [{ url: 'https://127.0.0.1/feed.xml' }, 'url', /loopback|private|not public|reserved/i],
        [{ url: 'https://10.1.2.3/feed.xml' }, 'url', /private|not public|reserved/i],
        [{ url: 'ftp://example.org/feed.xml' }, 'url', /http\(s\)/],
        [{ url: 'file:///etc/passwd' }, 'url', /http\(s\)/],
        [{ url: 'not a url' }, 'url', /not a URL/],
      ];
      for (const [body, field, message] of cases) {
        const r = await strict.call('POST', '/v1/feeds', admin, { accountIds: [journal.account.id], ...body });
        expect({ body, status: r.status }).toEqual({ body, status: 400 });
        expect(r.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, message: expect.stringMatching(message) })]));
      }
    } finally {
      await strict.close();
    }
    const base = { url: `${server.url}/x.xml`, accountIds: [journal.account.id] };
    const bad: [Record<string, unknown>, string][] = [
      [{ template: 'x'.repeat(5000) }, 'template'],
      [{ template: '{title} {link}' }, 'template'],
      [{ template: `${'y'.repeat(900)} {url}` }, 'template'],
      [{ strikePolicy: 'ignore' }, 'strikePolicy'],
      [{ delaySeconds: -1 }, 'delaySeconds'],
      [{ accountIds: ['8d0c4f0e-0000-4000-8000-000000000000'] }, 'accountIds.0'],
    ];
    for (const [body, field] of bad) {
      const r = await api.call('POST', '/v1/feeds', admin, { ...base, ...body });
      expect({ body: Object.keys(body), status: r.status }).toEqual({ body: Object.keys(body), status: 400 });
      expect(r.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });

  it('publishes new items, not the back catalogue, and an edit does not post twice', async () => {
    for (let i = 1; i <= 3; i++) server.put('/news.xml', article(`old-${i}`, `Archive ${i}`, ago(3600 * i)));
    const created = await api.call('POST', '/v1/feeds', admin, { url: `${server.url}/news.xml`, accountIds: [journal.account.id] });
    expect(created.status).toBe(201);
    newsId = created.body.id;
    await waitFor(async () => (await feed(newsId)).status === 'ok', 'the first read');
    expect((await items(newsId)).map((i) => i.outcome)).toEqual(['back_catalogue', 'back_catalogue', 'back_catalogue']);

    server.put('/news.xml', article('n1', 'Première nouvelle'));
    await waitFor(async () => feedTexts().length === 1, 'the new item to be published');
    expect(feedTexts()).toEqual([`Première nouvelle ${server.url}/articles/n1`]);

    // The same guid, edited: the feed changes (a new ETag) but nothing is posted again.
    server.put('/news.xml', article('n1', 'Première nouvelle (corrigée)'));
    const reads = server.requests.get('/news.xml')!;
    await waitFor(async () => (server.requests.get('/news.xml') ?? 0) > reads + 3, 'more reads');
    expect(feedTexts()).toHaveLength(1);
    // Conditional GET: unchanged reads are answered 304.
    expect(server.notModified.get('/news.xml') ?? 0).toBeGreaterThan(0);
    expect((await items(newsId)).filter((i) => i.outcome === 'posted')).toHaveLength(1);
  });

  it('a worker restart does not post again, and picks up what appeared meanwhile', async () => {
    await worker.stop();
    server.put('/news.xml', article('n2', 'Pendant la panne'));
    worker = await startWorker(t.env);
    await waitFor(async () => feedTexts().length === 2, 'the item found after the restart');
    const reads = server.requests.get('/news.xml')!;
    await waitFor(async () => (server.requests.get('/news.xml') ?? 0) > reads + 3, 'more reads');
    expect(feedTexts()).toEqual([`Première nouvelle ${server.url}/articles/n1`, `Pendant la panne ${server.url}/articles/n2`]);
  });

  it('shows feed errors on the feed without stopping the others', async () => {
    const bad: Record<string, RegExp> = {
      '/malformed.xml': /malformed/,
      '/loop': /redirected more than 5 times/,
      '/huge.xml': /too large/,
      '/missing.xml': /HTTP 404/,
    };
    const ids: Record<string, string> = {};
    for (const path of Object.keys(bad)) {
      const r = await api.call('POST', '/v1/feeds', admin, { url: `${server.url}${path}`, accountIds: [journal.account.id] });
      expect(r.status).toBe(201);
      ids[path] = r.body.id;
    }
    for (const [path, message] of Object.entries(bad)) {
      const f = await waitFor(async () => {
        const body = await feed(ids[path]!);
        return body.status === 'failing' ? body : null;
      }, `${path} to fail`);
      expect(f.lastError).toMatch(message);
      expect(f.consecutiveFailures).toBeGreaterThan(0);
    }
    server.put('/news.xml', article('n3', 'Malgré les erreurs'));
    await waitFor(async () => feedTexts().length === 3, 'the good feed to go on');
  });

  it('an item appearing during a strike is held, then published after it; a feed set to drop never publishes it', async () => {
    server.put('/drop.xml', article('d0', 'Avant'));
    const dropFeed = await api.call('POST', '/v1/feeds', admin, { url: `${server.url}/drop.xml`, accountIds: [journal.account.id], strikePolicy: 'drop', template: '{title} {url} (drop)' });
    expect(dropFeed.status).toBe(201);
    await waitFor(async () => (await feed(dropFeed.body.id)).status === 'ok', 'the drop feed to be read');

    const start = Math.ceil((Date.now() + 6000) / 1000) * 1000;
    const end = start + 10_000;
    const strike = await approvedStrike(api, admin, voters, {
      title: 'Grève', reason: 'Les salaires', startsAt: new Date(start).toISOString(), endsAt: new Date(end).toISOString(),
      accountIds: [journal.account.id], mode: 'silence', heldPolicy: 'resume', resumeSpacingSeconds: 1,
    });
    await waitFor(async () => Date.now() > start + 500, 'the strike to start', 20_000);
    server.put('/news.xml', article('s1', 'Pendant la grève'));
    server.put('/drop.xml', article('d1', 'Pendant la grève aussi'));
    const held = await waitFor(async () => {
      const r = await api.call('GET', `/v1/strikes/${strike.id}/live`, admin);
      return r.body.holds.total >= 1 ? r.body : null;
    }, 'the feed post to be held');
    expect(Date.now()).toBeLessThan(end);
    expect(feedTexts().some((s) => s.startsWith('Pendant la grève'))).toBe(false);
    expect(held.holds.total).toBe(1);
    await waitFor(async () => (await items(dropFeed.body.id)).some((i) => i.title === 'Pendant la grève aussi'), 'the drop feed to see the item');
    expect((await items(dropFeed.body.id)).find((i) => i.title === 'Pendant la grève aussi')!.outcome).toBe('dropped');

    await waitFor(async () => feedTexts().some((s) => s.startsWith('Pendant la grève ')), 'the held feed post to be published after the strike', 60_000);
    expect(Date.now()).toBeGreaterThanOrEqual(end);
    await new Promise((r) => setTimeout(r, 1500));
    expect(feedTexts().filter((s) => s.includes('(drop)'))).toEqual([]);
    expect(feedTexts().filter((s) => s.startsWith('Pendant la grève '))).toHaveLength(1);
  });
});
