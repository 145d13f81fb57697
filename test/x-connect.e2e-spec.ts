import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeMastodon } from '../apps/sandbox/src/mastodon-server.js';
import { FakeX } from '../apps/sandbox/src/x-server.js';
import { toAccount } from '#database/mappers.js';
import { PrismaService } from '#database/prisma.service.js';
import { NetworkAuthError } from '#networks/errors.js';
import { AccountConnections } from '#networks/account-connections.js';
import { connectAccount, settledPost, startApi, type Api } from './support/api.js';
import { createTestEnv, inSeconds, type TestEnv } from './support/env.js';
import { startWorker } from './support/processes.js';

const H = 3600_000;

describe('X accounts: OAuth 2.0 with PKCE, renewed tokens, weighted lengths, per-network strike texts', () => {
  let t: TestEnv;
  let api: Api;
  let admin: string;
  const x = new FakeX();
  const mastodon = new FakeMastodon();

  beforeAll(async () => {
    await x.start();
    await mastodon.start();
    t = await createTestEnv({ X_CLIENT_ID: 'piquet-test', X_API_URL: x.url, X_AUTHORIZE_URL: `${x.url}/i/oauth2/authorize` });
    api = await startApi(t.config);
    ({ token: admin } = await api.createOrganisation('Syndicat'));
  });

  afterAll(async () => {
    await api?.close();
    await x.stop();
    await mastodon.stop();
    await t?.cleanup();
  });

  async function connectX(username: string) {
    const { account: remote } = x.addAccount(username, { name: 'Le syndicat', description: 'Nous nous organisons.' });
    const start = await api.call('POST', '/v1/accounts/oauth/x', admin);
    expect(start.status).toBe(201);
    const url = new URL(start.body.authorizationUrl as string);
    expect(url.origin + url.pathname).toBe(`${x.url}/i/oauth2/authorize`);
    expect(url.searchParams.get('code_challenge_method')?.toUpperCase()).toBe('S256');
    const { code, state } = x.authorize(url.toString(), remote.id);
    const done = await api.call('GET', `/v1/oauth/x/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}`, null);
    expect(done.status).toBe(200);
    return { remote, account: done.body as { id: string; handle: string; network: string } };
  }

  it('connects through the authorisation page, never returns the tokens, and the state is single-use', async () => {
    const { account } = await connectX('syndicat');
    expect(account).toMatchObject({ network: 'x', handle: '@syndicat', limits: { maxCharacters: 280 } });
    const listed = JSON.stringify((await api.call('GET', '/v1/accounts', admin)).body);
    expect(listed).not.toMatch(/refreshToken|accessToken/);
    const again = await api.call('GET', '/v1/oauth/x/callback?code=x&state=unknown', null);
    expect(again.status).toBe(400);
    expect(again.body.errors[0].field).toBe('state');
  });

  it('renews the access token before it runs out, stores the rotated one, and a refused renewal needs reconnecting', async () => {
    const { remote, account } = await connectX('rotation');
    const db = api.app.get(PrismaService).client;
    const connections = api.app.get(AccountConnections);
    const before = await db.account.findUniqueOrThrow({ where: { id: account.id } });
    await connections.open(toAccount(before), new Date());
    expect((await db.account.findUniqueOrThrow({ where: { id: account.id } })).tokenCiphertext).toBe(before.tokenCiphertext);
    // Three hours later the two-hour token is due: renewed once, even when asked twice at once
    // (the renewed token lasts four hours here, so the second caller finds it good).
    x.accessTokenTtlS = 4 * 3600;
    const later = new Date(Date.now() + 3 * H);
    const [c1, c2] = await Promise.all([connections.open(toAccount(before), later), connections.open(toAccount(before), later)]);
    expect(c1.accessToken).toBe(c2.accessToken);
    const after = await db.account.findUniqueOrThrow({ where: { id: account.id } });
    expect(after.tokenCiphertext).not.toBe(before.tokenCiphertext);
    x.accessTokenTtlS = 2 * 3600;
    x.expireRefreshTokens(remote.id);
    await expect(connections.open(toAccount(after), new Date(Date.now() + 6 * H))).rejects.toBeInstanceOf(NetworkAuthError);
  });

  it('checks X\'s weighted length when scheduling, and publishes through the worker', async () => {
    const { remote, account } = await connectX('publie');
    const tooLong = await api.call('POST', '/v1/posts', admin, { text: '日本'.repeat(71), scheduledAt: inSeconds(60), accountIds: [account.id] });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors[0]).toMatchObject({ field: 'text', message: expect.stringContaining('@publie') });
    const worker = await startWorker(t.env);
    try {
      const ok = await api.call('POST', '/v1/posts', admin, { text: `Grève https://example.org/${'x'.repeat(200)}`, scheduledAt: inSeconds(1), accountIds: [account.id] });
      expect(ok.status).toBe(201);
      const settled = await settledPost(api, admin, ok.body.id);
      expect(settled.deliveries[0].state).toBe('published');
      expect(x.tweetsOf(remote.id)).toHaveLength(1);
    } finally {
      await worker.stop();
    }
  }, 60_000);

  it('takes a shorter strike text for X, and names the account and the limit when there is none', async () => {
    const { account: onX } = await connectX('greve_x');
    const onMastodon = await connectAccount(api, admin, mastodon, 'greve');
    const long = `Nous sommes en grève. ${'Lisez notre communiqué. '.repeat(12)}`;
    const body = (opening: Record<string, unknown>) => ({
      title: 'Grève',
      reason: 'Salaires',
      startsAt: inSeconds(3600),
      endsAt: inSeconds(7200),
      accountIds: [onX.id, onMastodon.account.id],
      mode: 'occupation',
      messages: { opening },
    });
    const refused = await api.call('POST', '/v1/strikes', admin, body({ text: long }));
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      { field: 'messages.opening.text', message: expect.stringMatching(/@greve_x allows at most 280.*perNetwork\.x/) },
    ]);
    const accepted = await api.call('POST', '/v1/strikes', admin, body({ text: long, perNetwork: { x: 'Nous sommes en grève.' } }));
    expect(accepted.status).toBe(201);
    const tooLongForX = await api.call('POST', '/v1/strikes', admin, body({ text: long, perNetwork: { x: long } }));
    expect(tooLongForX.body.errors[0].field).toBe('messages.opening.perNetwork.x');
  });
});
