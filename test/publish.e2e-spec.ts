import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeMastodon } from '../apps/sandbox/src/mastodon-server.js';
import { startApi, type Api } from './support/api.js';
import { createTestEnv, inSeconds, waitFor, type TestEnv } from './support/env.js';
import { startWorker, type RunningProcess } from './support/processes.js';

// A 1x1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

describe('publishing through the API and a real worker', () => {
  let t: TestEnv;
  let api: Api;
  let worker: RunningProcess;
  const mastodon = new FakeMastodon();
  let token: string;

  beforeAll(async () => {
    t = await createTestEnv();
    await mastodon.start();
    api = await startApi(t.config);
    worker = await startWorker(t.env);
    ({ token } = await api.createOrganisation('Rédaction en grève'));
  });

  afterAll(async () => {
    await worker?.stop();
    await api?.close();
    await mastodon.stop();
    await t?.cleanup();
  });

  async function connect(username: string) {
    const remote = mastodon.addAccount(username);
    const res = await api.call('POST', '/v1/accounts', token, { network: 'mastodon', instanceUrl: mastodon.url, accessToken: remote.token });
    expect(res.status).toBe(201);
    return { remote, account: res.body };
  }

  it('connects an account, verifying it and storing its limits, never returning the token', async () => {
    mastodon.limits = { maxCharacters: 1000, maxMedia: 4, charactersPerUrl: 23 };
    const { remote, account } = await connect('cm');
    expect(account).toMatchObject({
      network: 'mastodon',
      remoteId: remote.id,
      handle: `@cm@${new URL(mastodon.url).host}`,
      limits: { maxCharacters: 1000, maxMedia: 4, charactersPerUrl: 23 },
      status: 'active',
    });
    expect(JSON.stringify(account)).not.toContain(remote.token);
    const listed = await api.call('GET', '/v1/accounts', token);
    expect(JSON.stringify(listed.body)).not.toContain(remote.token);
  });

  it('publishes a scheduled post with an image, recording remote id, URL and time', async () => {
    const { remote, account } = await connect('journal');
    const form = new FormData();
    form.append('file', new Blob([PNG], { type: 'image/png' }), 'pixel.png');
    const media = await api.call('POST', '/v1/media', token, form);
    expect(media.status).toBe(201);
    expect(media.body).toMatchObject({ mimeType: 'image/png', byteSize: PNG.length });

    const created = await api.call('POST', '/v1/posts', token, {
      text: 'Bonjour https://example.org/un/lien/tres/long',
      contentWarning: 'annonce',
      language: 'fr',
      visibility: 'unlisted',
      media: [{ mediaId: media.body.id, altText: 'Un pixel' }],
      scheduledAt: inSeconds(1),
      accountIds: [account.id],
    });
    expect(created.status).toBe(201);
    expect(created.body.deliveries).toHaveLength(1);
    expect(created.body.deliveries[0].state).toBe('scheduled');

    const post = await waitFor(async () => {
      const r = await api.call('GET', `/v1/posts/${created.body.id}`, token);
      return r.body.deliveries[0].state === 'published' ? r.body : null;
    }, 'the delivery to be published');
    const [status] = mastodon.statusesOf(remote.id);
    expect(mastodon.statusesOf(remote.id)).toHaveLength(1);
    expect(status).toMatchObject({ text: 'Bonjour https://example.org/un/lien/tres/long', spoilerText: 'annonce', language: 'fr', visibility: 'unlisted' });
    expect(status!.idempotencyKey).toBe(post.deliveries[0].id);
    expect(mastodon.media.get(status!.mediaIds[0]!)).toMatchObject({ description: 'Un pixel', bytes: PNG.length });
    expect(post.deliveries[0]).toMatchObject({ remoteId: status!.id, url: `${mastodon.url}/@journal/${status!.id}`, attempts: 1 });
    expect(new Date(post.deliveries[0].publishedAt).getTime()).toBe(status!.createdAt.getTime());
    // On time: never before the scheduled instant.
    expect(status!.createdAt.getTime()).toBeGreaterThanOrEqual(new Date(post.scheduledAt).getTime());
  });

  it('publishes one post to several accounts, one delivery each', async () => {
    const a = await connect('a');
    const b = await connect('b');
    const created = await api.call('POST', '/v1/posts', token, { text: 'Deux comptes', scheduledAt: inSeconds(1), accountIds: [a.account.id, b.account.id] });
    expect(created.status).toBe(201);
    await waitFor(async () => mastodon.statusesOf(a.remote.id).length + mastodon.statusesOf(b.remote.id).length === 2, 'two statuses');
    const post = await waitFor(async () => {
      const r = await api.call('GET', `/v1/posts/${created.body.id}`, token);
      return r.body.deliveries.every((d: { state: string }) => d.state === 'published') ? r.body : null;
    }, 'both deliveries published');
    expect(new Set(post.deliveries.map((d: { remoteId: string }) => d.remoteId)).size).toBe(2);
  });

  it('connects through the OAuth flow', async () => {
    const start = await api.call('POST', '/v1/accounts/oauth/mastodon', token, { instanceUrl: mastodon.url });
    expect(start.status).toBe(201);
    const authorize = await fetch(start.body.authorizationUrl, { redirect: 'manual' });
    expect(authorize.status).toBe(302);
    const callback = new URL(authorize.headers.get('location')!);
    expect(callback.pathname).toBe('/v1/oauth/mastodon/callback');
    expect(callback.searchParams.get('state')).toBe(start.body.state);
    const done = await api.call('GET', `${callback.pathname}${callback.search}`, null);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ network: 'mastodon', status: 'active' });
    // The state is single use.
    const again = await api.call('GET', `${callback.pathname}${callback.search}`, null);
    expect(again.status).toBe(400);
    expect(again.body.errors[0].field).toBe('state');
  });

  it('marks an account whose token was revoked as needing reconnection, and fails its delivery at once', async () => {
    const { remote, account } = await connect('revoked');
    mastodon.revoke(remote.token);
    const created = await api.call('POST', '/v1/posts', token, { text: 'Perdu', scheduledAt: inSeconds(1), accountIds: [account.id] });
    const delivery = await waitFor(async () => {
      const r = await api.call('GET', `/v1/posts/${created.body.id}`, token);
      return r.body.deliveries[0].state === 'failed' ? r.body.deliveries[0] : null;
    }, 'the delivery to fail');
    expect(delivery.attempts).toBe(1);
    expect(delivery.failureReason).toMatch(/needs reconnecting.*401/);
    const acc = await api.call('GET', `/v1/accounts/${account.id}`, token);
    expect(acc.body).toMatchObject({ status: 'needs_reconnection' });
    expect(acc.body.statusReason).toMatch(/401/);
  });
});
