import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeMastodon } from '../apps/sandbox/src/mastodon-server.js';
import type { AppConfig } from '#config/config.js';
import { NetworkPermanentError, NetworkUnsupportedError } from '#networks/errors.js';
import { errorForStatus, rateLimitReset } from '#networks/http-errors.js';
import { MastodonAdapter } from '#networks/mastodon/mastodon.adapter.js';
import type { AccountConnection } from '#networks/network-adapter.js';
import pg from 'pg';
import { adapterWith as guarded } from './support/adapters.js';
import { connectAccount, startApi, type Api, type Connected } from './support/api.js';
import { createTestEnv, waitFor, type TestEnv } from './support/env.js';
import { startWorker, type RunningProcess } from './support/processes.js';
import { approvedStrike, createVoters } from './support/strikes.js';

/**
 * Servers that speak Mastodon's API only in part, played by the sandbox's switches: every answer
 * keeps its status whatever its body, each server's features are found out, and (below) a strike
 * over each one degrades only what the server lacks.
 */
const adapter = guarded(MastodonAdapter, {
  networks: { allowPrivateInstances: true, timeoutMs: 5000 },
  mediaMaxBytes: 10_000_000,
  http: { publicUrl: 'http://127.0.0.1' },
} as AppConfig);

const post = (text: string) => ({ text, contentWarning: null, visibility: 'public' as const, language: null, remoteMediaIds: [] });

describe('servers that speak Mastodon in part: errors and capabilities', () => {
  const full = new FakeMastodon();
  const partial = new FakeMastodon().behave({
    jsonNotFound: false,
    multiStatus: false,
    scheduledStatuses: false,
    pin: false,
    fixedImageUrls: true,
    rateLimitHeaders: false,
    notificationsApi: false,
    version: '4.0.0 (compatible; Partial)',
  });
  let odd: Server;
  let oddUrl = '';

  beforeAll(async () => {
    await Promise.all([full.start(), partial.start()]);
    // A server whose answers are not JSON: a login page in place of the API.
    odd = createServer((req, res) => {
      res.writeHead(req.url?.includes('verify_credentials') ? 200 : 503, { 'content-type': 'text/html' });
      res.end('<html><body>Please log in</body></html>');
    });
    await new Promise<void>((r) => odd.listen(0, '127.0.0.1', r));
    oddUrl = `http://127.0.0.1:${(odd.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await Promise.all([full.stop(), partial.stop(), new Promise((r) => odd.close(r))]);
  });

  const connect = (server: FakeMastodon, name: string): AccountConnection => ({ instanceUrl: server.url, accessToken: server.addAccount(name).token });

  it('keeps the status of a plain-text 404: no multi-status route is unsupported, a gone post is gone', async () => {
    const conn = connect(partial, 'plain');
    const published = await adapter.publish(conn, post('bonjour'), 'k1');
    const batch = await adapter.fetchCountsBatch(conn, [published.remoteId]).catch((e: unknown) => e);
    expect(batch).toBeInstanceOf(NetworkUnsupportedError);
    expect(batch).toMatchObject({ status: 404 });
    await expect(adapter.fetchCounts(conn, published.remoteId)).resolves.toMatchObject({ remoteId: published.remoteId });
    await expect(adapter.listNativeScheduled(conn)).rejects.toMatchObject({ kind: 'permanent', status: 404 });
    // Pinning a post that exists answers a plain 404: the server cannot pin.
    await expect(adapter.pin(conn, published.remoteId)).rejects.toBeInstanceOf(NetworkUnsupportedError);
    partial.deleteStatus(published.remoteId);
    await expect(adapter.fetchCounts(conn, published.remoteId)).resolves.toBeNull();
  });

  it('a non-JSON success is a clear permanent error; a non-JSON 503 is still a 503 to retry', async () => {
    const conn = { instanceUrl: oddUrl, accessToken: 't' };
    const err = await adapter.readProfile(conn).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkPermanentError);
    expect((err as Error).message).toMatch(/answered 200 with text\/html/);
    await expect(adapter.fetchCounts(conn, '1')).rejects.toMatchObject({ kind: 'transient', status: 503 });
  });

  it('one mapping of HTTP statuses for every network', () => {
    expect(errorForStatus(401, 'x')).toMatchObject({ kind: 'auth', status: 401 });
    expect(errorForStatus(404, 'x')).toMatchObject({ kind: 'permanent', status: 404 });
    expect(errorForStatus(502, 'x')).toMatchObject({ kind: 'transient', status: 502 });
    const now = Date.parse('2026-11-30T10:00:00Z');
    // Mastodon: an ISO date; X and Bluesky: epoch seconds; Retry-After: seconds from now.
    expect(rateLimitReset((h) => (h === 'x-ratelimit-reset' ? '2026-11-30T10:05:00Z' : null), 60_000, now).toISOString()).toBe('2026-11-30T10:05:00.000Z');
    expect(rateLimitReset((h) => (h === 'ratelimit-reset' ? String(now / 1000 + 90) : null), 60_000, now).getTime()).toBe(now + 90_000);
    expect(rateLimitReset((h) => (h === 'retry-after' ? '30' : null), 60_000, now).getTime()).toBe(now + 30_000);
    expect(rateLimitReset(() => null, 60_000, now).getTime()).toBe(now + 60_000);
  });

  it('finds out what each server offers, reading only', async () => {
    const fullConn = connect(full, 'complet');
    await adapter.publish(fullConn, post('premier'), 'k2');
    const f = await adapter.detectCapabilities(fullConn);
    const p = await adapter.detectCapabilities(connect(partial, 'partiel'));
    const support = (d: typeof f) => Object.fromEntries(Object.entries(d.features).map(([k, v]) => [k, v.support]));
    expect(support(f)).toEqual({
      multiStatus: 'yes', scheduledStatuses: 'yes', pin: 'yes', profileFields: 'yes', profileImages: 'yes', avatarRemoval: 'yes', headerRemoval: 'yes', rateLimitHeaders: 'yes',
      replyNotifications: 'yes',
    });
    expect(support(p)).toMatchObject({ multiStatus: 'no', scheduledStatuses: 'no', pin: 'no', profileFields: 'yes', avatarRemoval: 'unknown', rateLimitHeaders: 'no', replyNotifications: 'no' });
    expect(p.features.scheduledStatuses.detail).toMatch(/404 \(text\/plain\)/);
    // Nothing was changed on either server by asking.
    expect(full.statuses).toHaveLength(1);
    expect(partial.statuses.filter((s) => s.pinned)).toHaveLength(0);
  });
});

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const PNG_RED = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');
const PNG_HAND = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

describe('one strike over servers with each behaviour: occupation, engagement and restoration end to end', () => {
  const servers = {
    mastodon: new FakeMastodon(),
    'plain-404-no-multi-status': new FakeMastodon().behave({ jsonNotFound: false, multiStatus: false, rateLimitHeaders: false }),
    'no-scheduled-statuses': new FakeMastodon().behave({ jsonNotFound: false, scheduledStatuses: false }),
    'no-pin': new FakeMastodon().behave({ jsonNotFound: false, pin: false }),
    'fixed-avatar-url': new FakeMastodon().behave({ fixedImageUrls: true }),
  };
  type Name = keyof typeof servers;
  let t: TestEnv;
  let api: Api;
  let worker: RunningProcess;
  let db: pg.Client;
  let admin: string;
  let voters: string[];

  beforeAll(async () => {
    t = await createTestEnv({ ENGAGEMENT_SCHEDULE: '1s@1h', ENGAGEMENT_TICK_MS: '500', NATIVE_SCAN_INTERVAL_MS: '60000' });
    await Promise.all(Object.values(servers).map((s) => s.start()));
    api = await startApi(t.config);
    worker = await startWorker(t.env);
    db = new pg.Client({ connectionString: t.config.database.url.replace(/\?.*$/, '') });
    await db.connect();
    await db.query(`SET search_path TO "${t.schema}"`);
    ({ token: admin } = await api.createOrganisation('Rédaction'));
    voters = await createVoters(api, admin, 2);
  }, 60_000);

  afterAll(async () => {
    await worker?.stop();
    await api?.close();
    await db?.end();
    await Promise.all(Object.values(servers).map((s) => s.stop()));
    await t?.cleanup();
  });

  const live = async (id: string) => (await api.call('GET', `/v1/strikes/${id}/live`, admin)).body;

  it('occupies what each server allows, restores it, collects counts equal to the server\'s own, and keeps every outcome', async () => {
    const accounts = {} as Record<Name, Connected>;
    for (const [name, server] of Object.entries(servers) as [Name, FakeMastodon][]) {
      accounts[name] = await connectAccount(api, admin, server, name.replace(/-/g, '_').slice(0, 20));
      server.editProfileByHand(accounts[name].remote.id, { displayName: `Rédaction ${name.slice(0, 8)}`, note: 'Bio', avatar: { bytes: PNG, mime: 'image/png' } });
    }
    // A sixth account whose server refuses every profile change: that step fails, the others go on.
    const refusing = await connectAccount(api, admin, servers.mastodon, 'refuse');
    servers.mastodon.fail(1000, 422, { path: /update_credentials/, accountId: refusing.remote.id });
    // Capabilities were asked at connect.
    const shown = await api.call('GET', `/v1/accounts/${accounts['no-pin'].account.id}`, admin);
    expect(shown.body.capabilities.pin.support).toBe('no');
    expect((await api.call('GET', `/v1/accounts/${accounts.mastodon.account.id}`, admin)).body.capabilities.pin.support).toBe('yes');

    const form = new FormData();
    form.append('file', new Blob([PNG_RED], { type: 'image/png' }), 'greve.png');
    const media = await api.call('POST', '/v1/media', admin, form);
    const start = Math.ceil((Date.now() + 6000) / 1000) * 1000;
    const strike = await approvedStrike(api, admin, voters, {
      title: 'Grève',
      reason: 'Serveurs partiels',
      startsAt: new Date(start).toISOString(),
      endsAt: new Date(start + 14_000).toISOString(),
      accountIds: [...Object.values(accounts), refusing].map((a) => a.account.id),
      mode: 'occupation',
      heldPolicy: 'resume',
      messages: { opening: { text: 'En grève' } },
      profile: { displayNameSuffix: '✊', bio: 'En grève.', avatarMediaId: media.body.id, pinOpening: true },
    });

    // During the strike: the profile is occupied where it can be, the opening post pinned where the server can.
    const openings = {} as Record<Name, string>;
    for (const name of Object.keys(servers) as Name[]) {
      const server = servers[name];
      const remoteId = accounts[name].remote.id;
      openings[name] = await waitFor(async () => server.statusesOf(remoteId).find((s) => s.text === 'En grève')?.id, `the opening post on ${name}`);
      await waitFor(async () => server.profileOf(remoteId).displayName.endsWith('✊'), `the profile occupied on ${name}`);
    }
    await waitFor(async () => (await live(strike.id)).occupations.every((o: { occupyState: string }) => o.occupyState !== 'pending'), 'every occupation to end');
    for (const name of Object.keys(servers) as Name[]) {
      expect(servers[name].profileOf(accounts[name].remote.id).pinnedIds).toEqual(name === 'no-pin' ? [] : [openings[name]]);
    }

    // Readers favourite, boost and reply through the servers' own routes.
    const reader = Object.fromEntries(Object.entries(servers).map(([n, s]) => [n, s.addAccount('lectrice')])) as unknown as Record<Name, { token: string }>;
    const other = Object.fromEntries(Object.entries(servers).map(([n, s]) => [n, s.addAccount('autre')])) as unknown as Record<Name, { token: string }>;
    for (const name of Object.keys(servers) as Name[]) {
      const call = (path: string, token: string, body?: unknown) =>
        fetch(`${servers[name].url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
      await call(`/api/v1/statuses/${openings[name]}/favourite`, reader[name].token);
      await call(`/api/v1/statuses/${openings[name]}/favourite`, reader[name].token); // counts once
      await call(`/api/v1/statuses/${openings[name]}/favourite`, other[name].token);
      await call(`/api/v1/statuses/${openings[name]}/reblog`, reader[name].token);
      await call('/api/v1/statuses', reader[name].token, { status: 'Solidarité !', in_reply_to_id: openings[name] });
    }
    // A person replaces the avatar by hand behind the same URL (this server overwrites the file).
    const fixed = servers['fixed-avatar-url'];
    const fixedId = accounts['fixed-avatar-url'].remote.id;
    const urlBefore = fixed.accountJson(fixed.accountById(fixedId)!).avatar;
    fixed.editProfileByHand(fixedId, { avatar: { bytes: PNG_HAND, mime: 'image/png' } });
    expect(fixed.accountJson(fixed.accountById(fixedId)!).avatar).toBe(urlBefore);

    const done = await waitFor(
      async () => {
        const l = await live(strike.id);
        return l.state === 'ended' && l.occupations.every((o: { restoreState: string | null }) => o.restoreState && o.restoreState !== 'pending') ? l : null;
      },
      'the strike to end and every profile to be restored',
      60_000,
    );

    // Engagement: the last snapshot of each opening post equals the server's own counts; comments stored.
    const figures: Record<string, unknown> = {};
    for (const name of Object.keys(servers) as Name[]) {
      const server = servers[name];
      const json = server.statusJson(server.statusById(openings[name])!, server.accountById(accounts[name].remote.id)!, null);
      const own = { favourites: json.favourites_count, boosts: json.reblogs_count, replies: json.replies_count };
      const snap = await waitFor(async () => {
        const r = await db.query(
          `SELECT s.favourites, s.boosts, s.replies FROM snapshots s JOIN deliveries d ON d.id = s.delivery_id WHERE d.remote_id = $1 AND d.account_id = $2 ORDER BY s.taken_at DESC LIMIT 1`,
          [openings[name], accounts[name].account.id],
        );
        const row = r.rows[0] as typeof own | undefined;
        return row && row.favourites === own.favourites && row.boosts === own.boosts && row.replies === own.replies ? row : null;
      }, `counts on ${name} to equal the server's`);
      const comments = await db.query(`SELECT count(*)::int AS n FROM comments c JOIN deliveries d ON d.id = c.delivery_id WHERE d.remote_id = $1 AND d.account_id = $2`, [openings[name], accounts[name].account.id]);
      figures[name] = { server: own, piquet: snap, comments: comments.rows[0].n };
      expect(own).toEqual({ favourites: 2, boosts: 1, replies: 1 });
      expect(comments.rows[0].n).toBe(1);
    }
    // The server without multi-status was asked one post at a time (after the 404 that taught it).
    const plain = servers['plain-404-no-multi-status'];
    expect(plain.requests.filter((r) => r.path === '/api/v1/statuses' && r.method === 'GET' && r.status === 404).length).toBeLessThanOrEqual(2);
    expect(plain.requests.filter((r) => r.path === `/api/v1/statuses/${openings['plain-404-no-multi-status']}` && r.method === 'GET').length).toBeGreaterThan(0);
    process.stdout.write(`counts vs server per behaviour: ${JSON.stringify(figures)}\n`);

    // Every profile is put back, except the avatar replaced by hand behind its unchanged URL.
    const step = (accountId: string, phase: string, name: string) =>
      done.occupations.find((o: { accountId: string }) => o.accountId === accountId).steps.find((s: { phase: string; step: string }) => s.phase === phase && s.step === name);
    for (const name of Object.keys(servers) as Name[]) {
      const profile = servers[name].profileOf(accounts[name].remote.id);
      expect(profile.displayName).toBe(`Rédaction ${name.slice(0, 8)}`);
      expect(profile.note).toBe('Bio');
      expect(profile.pinnedIds).toEqual([]);
      expect(profile.avatar?.bytes.equals(name === 'fixed-avatar-url' ? PNG_HAND : PNG)).toBe(true);
    }
    const id = (n: Name) => accounts[n].account.id;
    expect(step(id('fixed-avatar-url'), 'restore', 'avatar')).toMatchObject({ outcome: 'edited-by-hand' });
    expect(step(id('mastodon'), 'restore', 'avatar')).toMatchObject({ outcome: 'done' });
    // Feature gaps recorded, each one alone.
    expect(step(id('no-pin'), 'occupy', 'pin')).toMatchObject({ outcome: 'unsupported' });
    expect(step(id('no-pin'), 'occupy', 'profile')).toMatchObject({ outcome: 'done' });
    expect(step(id('no-scheduled-statuses'), 'occupy', 'native-scheduled')).toMatchObject({ outcome: 'unsupported' });
    expect(step(id('no-scheduled-statuses'), 'occupy', 'pin')).toMatchObject({ outcome: 'done' });
    expect(done.occupations.find((o: { accountId: string }) => o.accountId === id('no-pin')).capabilities.pin.support).toBe('no');
    // The failed step stays visible after the end, with its error, in the live view and the audit trail.
    const failed = step(refusing.account.id, 'occupy', 'profile');
    expect(failed).toMatchObject({ outcome: 'failed', lastError: expect.stringContaining('422') });
    expect(step(refusing.account.id, 'occupy', 'pin')).toMatchObject({ outcome: 'done' });
    const occ = done.occupations.find((o: { accountId: string }) => o.accountId === refusing.account.id);
    expect(occ).toMatchObject({ occupyState: 'partial', lastError: expect.stringContaining('422') });
    const audit = await api.call('GET', `/v1/audit?strikeId=${strike.id}`, admin);
    const actions = (audit.body.items as { action: string; detail: { accountId?: string; step?: string; error?: string } }[]);
    expect(actions.find((a) => a.action === 'occupation.occupy.failed' && a.detail.accountId === refusing.account.id)?.detail.error).toContain('422');
    expect(actions.some((a) => a.action === 'occupation.occupy.unsupported' && a.detail.step === 'pin')).toBe(true);
    expect(actions.some((a) => a.action === 'occupation.restore.edited-by-hand' && a.detail.step === 'avatar')).toBe(true);

    // The report tells the same: each server's gaps, each step, the failure and the hand edit.
    const report = (await api.call('GET', `/v1/strikes/${strike.id}/report`, admin)).body;
    const told = (accountId: string) => report.story.accounts.find((a: { account: { id: string } }) => a.account.id === accountId);
    expect(told(id('mastodon')).featureGaps).toEqual([]);
    expect(told(id('no-pin')).featureGaps).toEqual(['pin']);
    expect(told(id('no-scheduled-statuses')).featureGaps).toEqual(['scheduledStatuses']);
    expect(told(id('no-pin')).steps).toContainEqual(expect.objectContaining({ phase: 'occupy', step: 'pin', outcome: 'unsupported' }));
    expect(told(id('fixed-avatar-url')).steps).toContainEqual(expect.objectContaining({ phase: 'restore', step: 'avatar', outcome: 'editedByHand' }));
    expect(report.story.failures).toContainEqual(expect.objectContaining({ account: expect.objectContaining({ id: refusing.account.id }), step: 'profile', error: expect.stringContaining('422') }));
    const page = await fetch(`${api.url}/v1/strikes/${strike.id}/report.html`, { headers: { authorization: `Bearer ${admin}` } }).then((r) => r.text());
    expect(page).toContain('This server lacks: pinning a post;');
    expect(page).toContain('avatar left alone (avatar was changed by hand during the strike: left as it is)');
  }, 120_000);
});
