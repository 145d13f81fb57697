import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeMastodon } from '../apps/sandbox/src/mastodon-server.js';
import { FakeX } from '../apps/sandbox/src/x-server.js';
import { createTestEnv, inSeconds, waitFor, type TestEnv } from './support/env.js';
import { bootstrapOrganisation, startNode, startWorker, type RunningProcess } from './support/processes.js';
import { freePort } from '../apps/sandbox/src/local-server.js';

/**
 * The API and the worker, built, as separate processes logging at `debug` to captured streams;
 * a representative run (account connected with an access token, OAuth callbacks with code and
 * state, a signed report link opened, an app password in a body, a wrong token, a post published);
 * then every log line is searched for every secret the run used.
 */

describe('no secret in any log line (API and worker at debug)', () => {
  let t: TestEnv;
  let apiProcess: RunningProcess;
  let worker: RunningProcess;
  let base = '';
  let admin = '';
  const mastodon = new FakeMastodon();
  const x = new FakeX();
  const secrets = new Map<string, string>();

  async function call(method: string, path: string, token: string | null, body?: unknown) {
    const res = await fetch(base + path, {
      method,
      redirect: 'manual',
      headers: { ...(token && { authorization: `Bearer ${token}` }), ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: any = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // HTML pages stay text
    }
    return { status: res.status, body: parsed };
  }

  beforeAll(async () => {
    await mastodon.start();
    await x.start();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await createTestEnv({
      PORT: String(port),
      PUBLIC_URL: base,
      X_CLIENT_ID: 'piquet-logs',
      X_CLIENT_SECRET: 'x-client-secret-value-0001',
      X_API_URL: x.url,
      X_AUTHORIZE_URL: `${x.url}/i/oauth2/authorize`,
    });
    secrets.set('X client secret', 'x-client-secret-value-0001');
    admin = (await bootstrapOrganisation(t.env, 'Logs')).token;
    secrets.set('admin API token', admin);
    apiProcess = await startNode('dist/apps/api/src/main.js', t.env, /successfully started/, { logLevel: 'debug' });
    worker = await startWorker(t.env, { logLevel: 'debug' });
  });

  afterAll(async () => {
    await worker?.stop();
    await apiProcess?.stop();
    await mastodon.stop();
    await x.stop();
    await t?.cleanup();
  });

  it('runs the flow, and no line of either log holds any of its secrets', async () => {
    // An account connected with an access token, then a post the worker publishes with it.
    const remote = mastodon.addAccount('journal', 'mastodon-access-token-0001');
    secrets.set('Mastodon access token', remote.token);
    const connected = await call('POST', '/v1/accounts', admin, { network: 'mastodon', instanceUrl: mastodon.url, accessToken: remote.token });
    expect(connected.status).toBe(201);
    const accountId = connected.body.id as string;
    const wrong = await call('POST', '/v1/accounts', admin, { network: 'mastodon', instanceUrl: mastodon.url, accessToken: 'mastodon-wrong-token-0002' });
    expect(wrong.status).toBe(400);
    secrets.set('refused access token', 'mastodon-wrong-token-0002');
    const post = await call('POST', '/v1/posts', admin, { text: 'Bonjour', scheduledAt: inSeconds(1), accountIds: [accountId] });
    expect(post.status).toBe(201);
    await waitFor(async () => mastodon.statuses.some((s) => s.text?.includes('Bonjour')), 'the post to be published');

    // Mastodon OAuth: the instance sends the person back with code and state.
    const started = await call('POST', '/v1/accounts/oauth/mastodon', admin, { instanceUrl: mastodon.url });
    expect(started.status).toBe(201);
    const authorize = await fetch(started.body.authorizationUrl as string, { redirect: 'manual' });
    const callback = new URL(authorize.headers.get('location')!);
    secrets.set('Mastodon OAuth code', callback.searchParams.get('code')!);
    secrets.set('Mastodon OAuth state', callback.searchParams.get('state')!);
    const finished = await call('GET', callback.pathname + callback.search, null);
    expect(finished.status).toBe(200);
    for (const [clientId, app] of (mastodon as unknown as { apps: Map<string, { secret: string }> }).apps) {
      secrets.set(`Mastodon client secret of ${clientId}`, app.secret);
    }

    // X OAuth with PKCE: code and state in the callback's query string.
    const { account: xRemote } = x.addAccount('syndicat');
    const startX = await call('POST', '/v1/accounts/oauth/x', admin);
    expect(startX.status).toBe(201);
    const { code, state } = x.authorize(startX.body.authorizationUrl as string, xRemote.id);
    secrets.set('X OAuth code', code);
    secrets.set('X OAuth state', state);
    const doneX = await call('GET', `/v1/oauth/x/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}`, null);
    expect(doneX.status).toBe(200);
    const replayX = await call('GET', `/v1/oauth/x/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}`, null);
    expect(replayX.status).toBe(400);
    const xInternals = x as unknown as { tokens: Map<string, unknown>; refreshTokens: Map<string, unknown> };
    for (const token of [...xInternals.tokens.keys(), ...xInternals.refreshTokens.keys()]) secrets.set(`X token ${token.slice(0, 4)}`, token);

    // A passphrase-like body field that the server refuses (the service answers nothing Bluesky).
    const bluesky = await call('POST', '/v1/accounts/bluesky', admin, { service: mastodon.url, identifier: 'alice.test', appPassword: 'abcd-efgh-ijkl-mnop' });
    expect(bluesky.status).toBeGreaterThanOrEqual(400);
    secrets.set('Bluesky app password', 'abcd-efgh-ijkl-mnop');

    // A wrong API token.
    const denied = await call('GET', '/v1/accounts', 'pqt_not-a-real-token-0003');
    expect(denied.status).toBe(401);
    secrets.set('wrong API token', 'pqt_not-a-real-token-0003');

    // A signed report link, opened without a token.
    const strike = await call('POST', '/v1/strikes', admin, {
      title: 'Grève',
      reason: 'Pour les logs',
      accountIds: [accountId],
      startsAt: inSeconds(3600),
      endsAt: inSeconds(7200),
      mode: 'silence',
      heldPolicy: 'resume',
      messages: {},
    });
    expect(strike.status).toBe(201);
    const link = await call('POST', `/v1/strikes/${strike.body.id as string}/report-link`, admin, {});
    expect(link.status).toBe(200);
    const linkUrl = new URL(link.body.url as string);
    secrets.set('report link signature', linkUrl.searchParams.get('sig')!);
    const opened = await call('GET', linkUrl.pathname + linkUrl.search, null);
    expect(opened.status).toBe(200);

    const health = await call('GET', '/health', null);
    expect(health.body).toEqual({ status: 'ok', postgres: 'up', redis: 'up' });

    // Let the last lines reach the streams, then stop both processes so their logs are complete.
    await new Promise((r) => setTimeout(r, 300));
    await worker.stop();
    await apiProcess.stop();
    const lines = (apiProcess.output() + worker.output()).split('\n').filter(Boolean);

    expect(secrets.size).toBeGreaterThanOrEqual(12);
    const hits: string[] = [];
    for (const [what, secret] of secrets) {
      expect(secret.length).toBeGreaterThanOrEqual(8);
      for (const line of lines) if (line.includes(secret)) hits.push(`${what}: ${line.slice(0, 300)}`);
    }
    console.log(`log-secrets: ${lines.length} log lines searched for ${secrets.size} secrets, ${hits.length} hits`);
    expect(hits).toEqual([]);

    // And the capture works (so 0 hits means something): both processes, the request log with its query strings redacted.
    expect(lines.some((l) => l.includes('"process":"api"'))).toBe(true);
    expect(lines.some((l) => l.includes('"process":"worker"'))).toBe(true);
    expect(lines.some((l) => l.includes('/v1/oauth/x/callback?code=[redacted]&state=[redacted]'))).toBe(true);
    expect(lines.some((l) => l.includes(`${linkUrl.pathname}?`) && l.includes('sig=[redacted]'))).toBe(true);
    expect(lines.some((l) => l.includes('"authorization":"[redacted]"'))).toBe(true);

  });
});
