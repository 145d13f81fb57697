import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { FakeMastodon } from '../apps/sandbox/src/mastodon-server.js';
import { deliveryJobId, QueueName } from '#queue/contracts.js';
import { connectAccount, schedulePost, startApi, type Api, type Connected } from './support/api.js';
import { createTestEnv, inSeconds, type TestEnv } from './support/env.js';

describe('the API: organisations, roles, validation, queue changes', () => {
  let t: TestEnv;
  let api: Api;
  let queue: Queue;
  const mastodon = new FakeMastodon();
  let admin: string;
  let other: string;
  let acc: Connected;
  let otherAcc: Connected;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestEnv();
    await mastodon.start();
    mastodon.limits = { maxCharacters: 100, maxMedia: 2, charactersPerUrl: 23 };
    api = await startApi(t.config);
    queue = new Queue(QueueName.Deliveries, { connection: { url: t.config.redis.url }, prefix: t.prefix });
    ({ token: admin } = await api.createOrganisation('Org A'));
    ({ token: other } = await api.createOrganisation('Org B'));
    acc = await connectAccount(api, admin, mastodon, 'a');
    otherAcc = await connectAccount(api, other, mastodon, 'b');
    for (const role of ['community_manager', 'member', 'viewer']) {
      const m = await api.call('POST', '/v1/members', admin, { name: role, role });
      expect(m.status).toBe(201);
      const tk = await api.call('POST', `/v1/members/${m.body.id}/tokens`, admin, { name: 'test' });
      expect(tk.status).toBe(201);
      tokens[role] = tk.body.token;
    }
  });

  afterAll(async () => {
    await queue?.close();
    await api?.close();
    await mastodon.stop();
    await t?.cleanup();
  });

  it('answers 401 without a valid token, and forgets revoked ones', async () => {
    expect((await api.call('GET', '/v1/posts', null)).status).toBe(401);
    expect((await api.call('GET', '/v1/posts', 'pqt_nope')).status).toBe(401);
    const me = await api.call('GET', '/v1/me', admin);
    const tk = await api.call('POST', `/v1/members/${me.body.id}/tokens`, admin, {});
    expect(tk.body.token).toMatch(/^pqt_/);
    const listed = await api.call('GET', `/v1/members/${me.body.id}/tokens`, admin);
    expect(JSON.stringify(listed.body)).not.toContain(tk.body.token);
    expect((await api.call('GET', '/v1/posts', tk.body.token)).status).toBe(200);
    expect((await api.call('POST', `/v1/tokens/${tk.body.id}/revoke`, admin)).status).toBe(201);
    expect((await api.call('GET', '/v1/posts', tk.body.token)).status).toBe(401);
  });

  it('keeps organisations apart: another organisation\'s ids answer 404', async () => {
    const post = await schedulePost(api, admin, [acc.account.id], 'A', inSeconds(3600));
    expect((await api.call('GET', `/v1/posts/${post.id}`, other)).status).toBe(404);
    expect((await api.call('PATCH', `/v1/posts/${post.id}`, other, { text: 'x' })).status).toBe(404);
    expect((await api.call('POST', `/v1/posts/${post.id}/cancel`, other, {})).status).toBe(404);
    expect((await api.call('GET', `/v1/accounts/${acc.account.id}`, other)).status).toBe(404);
    const list = await api.call('GET', '/v1/posts', other);
    expect(list.body.items.map((p: { id: string }) => p.id)).not.toContain(post.id);
    const bad = await api.call('POST', '/v1/posts', admin, { text: 'x', scheduledAt: inSeconds(60), accountIds: [otherAcc.account.id] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'accountIds.0', message: expect.stringContaining('not an account of your organisation') }]);
  });

  it('lets each role do only what it may', async () => {
    const body = { text: 'Rôles', scheduledAt: inSeconds(3600), accountIds: [acc.account.id] };
    expect((await api.call('POST', '/v1/posts', tokens['community_manager']!, body)).status).toBe(201);
    for (const role of ['member', 'viewer']) {
      const r = await api.call('POST', '/v1/posts', tokens[role]!, body);
      expect(r.status).toBe(403);
      expect(r.body.message).toContain(role);
      expect((await api.call('GET', '/v1/posts', tokens[role]!)).status).toBe(200);
    }
    expect((await api.call('POST', '/v1/members', tokens['community_manager']!, { name: 'x', role: 'admin' })).status).toBe(403);
    expect((await api.call('POST', '/v1/accounts', tokens['viewer']!, { network: 'mastodon', instanceUrl: mastodon.url, accessToken: 'x' })).status).toBe(403);
  });

  it('names the field of every invalid input, and writes nothing', async () => {
    const before = (await api.call('GET', '/v1/posts?limit=200', admin)).body.items.length;
    const ok = { text: 'ok', scheduledAt: inSeconds(3600), accountIds: [acc.account.id] };
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ ...ok, text: 'x'.repeat(101) }, 'text', /101 characters.*at most 100/],
      [{ ...ok, text: 'x'.repeat(80), contentWarning: 'y'.repeat(21) }, 'text', /101 characters/],
      [{ ...ok, scheduledAt: '2020-01-01T00:00:00Z' }, 'scheduledAt', /in the past/],
      [{ ...ok, scheduledAt: '2030-01-01T09:00:00' }, 'scheduledAt', /offset/],
      [{ ...ok, scheduledAt: 'tomorrow' }, 'scheduledAt', /ISO 8601/],
      [{ ...ok, accountIds: ['00000000-0000-4000-8000-000000000000'] }, 'accountIds.0', /not an account/],
      [{ ...ok, accountIds: [] }, 'accountIds', /at least one/],
      [{ ...ok, accountIds: ['nope'] }, 'accountIds', /account ids/],
      [{ ...ok, media: Array.from({ length: 5 }, () => ({ mediaId: '00000000-0000-4000-8000-000000000000', altText: 'x' })) }, 'media', /at most 4/],
      [{ ...ok, media: [{ mediaId: '00000000-0000-4000-8000-000000000000', altText: '' }] }, 'media.0.altText', /description/],
      [{ ...ok, media: [{ mediaId: '00000000-0000-4000-8000-000000000000', altText: 'x' }] }, 'media.0.mediaId', /not an image/],
      [{ ...ok, visibility: 'everyone' }, 'visibility', /one of/],
      [{ ...ok, language: 'french' }, 'language', /two-letter/],
      [{ ...ok, colour: 'red' }, 'colour', /should not exist/],
      [{ scheduledAt: inSeconds(60), accountIds: [acc.account.id] }, 'text', /string/],
    ];
    for (const [body, field, message] of cases) {
      const r = await api.call('POST', '/v1/posts', admin, body);
      expect({ field, status: r.status }).toEqual({ field, status: 400 });
      const messages = r.body.errors.filter((e: { field: string }) => e.field === field).map((e: { message: string }) => e.message);
      expect({ field, error: messages.join('; ') }).toEqual({ field, error: expect.stringMatching(message) });
    }
    expect((await api.call('GET', '/v1/posts?limit=200', admin)).body.items.length).toBe(before);
  });

  it('refuses bad accounts with a 400 naming the field', async () => {
    const wrongToken = await api.call('POST', '/v1/accounts', admin, { network: 'mastodon', instanceUrl: mastodon.url, accessToken: 'wrong' });
    expect(wrongToken.status).toBe(400);
    expect(wrongToken.body.errors[0]).toMatchObject({ field: 'accessToken', message: expect.stringMatching(/refused.*401/) });
    const badUrl = await api.call('POST', '/v1/accounts', admin, { network: 'mastodon', instanceUrl: 'ftp://x', accessToken: 'x' });
    expect(badUrl.body.errors[0]).toMatchObject({ field: 'instanceUrl', message: 'must use https' });
    const badNetwork = await api.call('POST', '/v1/accounts', admin, { network: 'myspace', instanceUrl: mastodon.url, accessToken: 'x' });
    expect(badNetwork.body.errors[0].field).toBe('network');
    const badJson = await fetch(`${api.url}/v1/posts`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: '{' });
    expect(badJson.status).toBe(400);
  });

  it('pages through posts with filters', async () => {
    const base = Date.now() + 7200_000;
    for (let i = 0; i < 5; i++) await schedulePost(api, admin, [acc.account.id], `page ${i}`, new Date(base + i * 60_000).toISOString());
    const from = new Date(base).toISOString();
    const first = await api.call('GET', `/v1/posts?from=${encodeURIComponent(from)}&limit=2&state=scheduled&accountId=${acc.account.id}`, admin);
    expect(first.body.items.map((p: { text: string }) => p.text)).toEqual(['page 0', 'page 1']);
    const second = await api.call('GET', `/v1/posts?from=${encodeURIComponent(from)}&limit=2&cursor=${first.body.nextCursor}`, admin);
    expect(second.body.items.map((p: { text: string }) => p.text)).toEqual(['page 2', 'page 3']);
    const published = await api.call('GET', `/v1/posts?from=${encodeURIComponent(from)}&state=published`, admin);
    expect(published.body.items).toEqual([]);
    expect((await api.call('GET', '/v1/posts?state=lost', admin)).body.errors[0].field).toBe('state');
  });

  it('carries edits, reschedules and cancellations to the queue', async () => {
    const post = await schedulePost(api, admin, [acc.account.id], 'Avant', inSeconds(600));
    const jobId = deliveryJobId(post.deliveries[0]!.id);
    const job = await queue.getJob(jobId);
    expect(job?.opts.delay).toBeGreaterThan(590_000);

    const edited = await api.call('PATCH', `/v1/posts/${post.id}`, admin, { text: 'Après' });
    expect(edited.body.text).toBe('Après');
    expect((await api.call('PATCH', `/v1/posts/${post.id}`, admin, { text: 'x'.repeat(200) })).status).toBe(400);

    const later = inSeconds(7200);
    const moved = await api.call('POST', `/v1/posts/${post.id}/reschedule`, admin, { scheduledAt: later });
    expect(moved.status).toBe(200);
    expect(moved.body.deliveries[0].scheduledAt).toBe(new Date(later).toISOString());
    const rescheduled = await queue.getJob(jobId);
    expect(rescheduled!.timestamp + rescheduled!.opts.delay!).toBeGreaterThan(Date.now() + 7_000_000);
    expect((await api.call('POST', `/v1/posts/${post.id}/reschedule`, admin, { scheduledAt: '2020-01-01T00:00:00Z' })).status).toBe(400);

    const cancelled = await api.call('POST', `/v1/posts/${post.id}/cancel`, admin, { reason: 'plus d\'actualité' });
    expect(cancelled.body.deliveries[0]).toMatchObject({ state: 'cancelled', cancelReason: "plus d'actualité" });
    expect(await queue.getJob(jobId)).toBeUndefined();
    expect((await api.call('POST', `/v1/posts/${post.id}/cancel`, admin, {})).status).toBe(409);
    expect((await api.call('PATCH', `/v1/posts/${post.id}`, admin, { text: 'trop tard' })).status).toBe(409);
  });

  it('serves health, the OpenAPI description and its docs page', async () => {
    expect(await api.call('GET', '/health', null)).toEqual({ status: 200, body: { status: 'ok', postgres: 'up', redis: 'up' } });
    const doc = await api.call('GET', '/docs-json', null);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/v1/posts', '/v1/accounts', '/health']));
    expect((await fetch(`${api.url}/docs`)).status).toBe(200);
  });
});
