import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeMastodon } from '../apps/sandbox/src/mastodon-server.js';
import { connectAccount, schedulePost, settledPost, startApi, type Api } from './support/api.js';
import { createTestEnv, inSeconds, waitFor, type TestEnv } from './support/env.js';
import { startWorker, type RunningProcess } from './support/processes.js';

describe('retries, rate limits and crashes', () => {
  let t: TestEnv;
  let api: Api;
  let token: string;
  const mastodon = new FakeMastodon();
  const workers: RunningProcess[] = [];

  beforeAll(async () => {
    t = await createTestEnv();
    await mastodon.start();
    api = await startApi(t.config);
    ({ token } = await api.createOrganisation('Collectif'));
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop('SIGKILL')));
    mastodon.statusResponseDelayMs = 0;
  });

  afterAll(async () => {
    await api?.close();
    await mastodon.stop();
    await t?.cleanup();
  });

  const worker = async (env: Record<string, string> = {}) => {
    const w = await startWorker({ ...t.env, ...env });
    workers.push(w);
    return w;
  };

  it('does not post twice when a worker is killed between the network call and the database write', async () => {
    const { remote, account } = await connectAccount(api, token, mastodon, 'crash');
    // The server records the status, then holds its answer: the worker dies waiting for it.
    mastodon.statusResponseDelayMs = 3000;
    const first = await worker();
    const post = await schedulePost(api, token, [account.id], 'Une seule fois', inSeconds(0.5));
    await waitFor(async () => mastodon.statusesOf(remote.id).length === 1, 'the status to reach the server');
    await first.stop('SIGKILL');
    mastodon.statusResponseDelayMs = 0;

    await worker(); // picks the stalled job up once its lock and the publish lease have run out
    const settled = await settledPost(api, token, post.id, 60_000);
    expect(settled.deliveries[0].state).toBe('published');
    expect(mastodon.statusesOf(remote.id)).toHaveLength(1);
    expect(settled.deliveries[0].remoteId).toBe(mastodon.statusesOf(remote.id)[0]!.id);
    expect(settled.deliveries[0].attempts).toBe(2);
    // The retry reached the server with the same idempotency key (GETs on the same path are the capability probe and engagement polls).
    const creates = mastodon.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/statuses' && r.accountId === remote.id);
    expect(creates).toHaveLength(2);
  });

  it('retries 5xx answers with exponential backoff, then publishes', async () => {
    const { remote, account } = await connectAccount(api, token, mastodon, 'flaky');
    mastodon.fail(2, 503, { method: 'POST', path: /^\/api\/v1\/statuses$/, accountId: remote.id });
    await worker();
    const post = await schedulePost(api, token, [account.id], 'Après deux échecs', inSeconds(0.5));
    const settled = await settledPost(api, token, post.id);
    expect(settled.deliveries[0]).toMatchObject({ state: 'published', attempts: 3, lastError: null });
    expect(mastodon.statusesOf(remote.id)).toHaveLength(1);
    const at = mastodon.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/statuses' && r.accountId === remote.id).map((r) => r.at);
    expect(at).toHaveLength(3);
    // PUBLISH_BACKOFF_MS is 200 here: waits of at least 200 ms, then 400 ms.
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(200);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(400);
  });

  it('gives up after the configured attempts and keeps the reason', async () => {
    const { remote, account } = await connectAccount(api, token, mastodon, 'down');
    mastodon.fail(10, 502, { accountId: remote.id, method: 'POST', path: /^\/api\/v1\/statuses$/ });
    await worker(); // PUBLISH_ATTEMPTS is 5 in the test configuration
    const post = await schedulePost(api, token, [account.id], 'Jamais', inSeconds(0.5));
    const settled = await settledPost(api, token, post.id);
    expect(settled.deliveries[0]).toMatchObject({ state: 'failed', attempts: 5 });
    expect(settled.deliveries[0].failureReason).toMatch(/Gave up after 5 attempts: Mastodon answered 502/);
    expect(mastodon.statusesOf(remote.id)).toHaveLength(0);
  });

  it('fails a 422 at once, keeping the reason', async () => {
    const { remote, account } = await connectAccount(api, token, mastodon, 'refused');
    mastodon.fail(1, 422, { accountId: remote.id, method: 'POST', path: /^\/api\/v1\/statuses$/ });
    await worker();
    const post = await schedulePost(api, token, [account.id], 'Refusé', inSeconds(0.5));
    const settled = await settledPost(api, token, post.id);
    expect(settled.deliveries[0]).toMatchObject({ state: 'failed', attempts: 1 });
    expect(settled.deliveries[0].failureReason).toMatch(/422/);
  });

  it('delays only the rate-limited account until the reset time', async () => {
    const limited = await connectAccount(api, token, mastodon, 'limited');
    const other = await connectAccount(api, token, mastodon, 'other');
    mastodon.fail(1, 429, { accountId: limited.remote.id, method: 'POST', path: /^\/api\/v1\/statuses$/, retryAfterS: 4 });
    await worker();
    const a = await schedulePost(api, token, [limited.account.id], 'Limité', inSeconds(0.5));
    await waitFor(async () => mastodon.requests.some((r) => r.status === 429), 'the 429');
    const limitedAt = mastodon.requests.find((r) => r.status === 429)!.at;
    const b = await schedulePost(api, token, [other.account.id], 'Pas limité', inSeconds(0.2));

    const other1 = await settledPost(api, token, b.id);
    expect(other1.deliveries[0].state).toBe('published');
    // The other account was published while the limited one was still waiting for its reset.
    expect(new Date(other1.deliveries[0].publishedAt).getTime()).toBeLessThan(limitedAt + 4000);
    const visible = await api.call('GET', `/v1/accounts/${limited.account.id}`, token);
    expect(visible.body.rateLimitedUntil).not.toBeNull();

    const limited1 = await settledPost(api, token, a.id);
    expect(limited1.deliveries[0].state).toBe('published');
    expect(new Date(limited1.deliveries[0].publishedAt).getTime()).toBeGreaterThanOrEqual(limitedAt + 3000);
    expect(mastodon.statusesOf(limited.remote.id)).toHaveLength(1);
  });
});
