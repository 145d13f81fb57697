import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeMastodon, type FakeStatus } from '../apps/sandbox/src/mastodon-server.js';
import { loadConfig } from '#config/config.js';
import { connectAccount, schedulePost, settledPost, startApi, type Api } from './support/api.js';
import { createTestEnv, inSeconds, ROOT, waitFor, type TestEnv } from './support/env.js';
import { startPgBouncer, type PgBouncer } from './support/pgbouncer.js';
import { startWorker, type RunningProcess } from './support/processes.js';
import { approvedStrike, createVoters, message } from './support/strikes.js';

const at = (ms: number) => new Date(ms).toISOString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const inWindow = (s: FakeStatus, start: number, end: number) => s.createdAt.getTime() >= start && s.createdAt.getTime() < end;
const POOL = 6;

/**
 * Piquet behind PgBouncer in transaction mode: the API and two built worker processes connect only
 * through it (DATABASE_URL), migrations go direct (DATABASE_DIRECT_URL). PgBouncer keeps at most
 * POOL server connections however many clients the processes open.
 */
describe('behind PgBouncer (transaction mode)', () => {
  const mastodon = new FakeMastodon();
  let t: TestEnv | undefined;
  let bouncer: PgBouncer | undefined;
  let env: Record<string, string>;
  let api: Api;
  let admin: string;
  let voters: string[];
  const workers: RunningProcess[] = [];

  beforeAll(async () => {
    t = await createTestEnv({ RECONCILE_INTERVAL_MS: '1000' });
    bouncer = await startPgBouncer(t.env['DATABASE_URL']!, POOL);
    env = { ...t.env, DATABASE_URL: bouncer.url, DATABASE_DIRECT_URL: t.env['DATABASE_URL']! };
    await mastodon.start();
    api = await startApi(loadConfig(env));
    workers.push(await startWorker(env), await startWorker(env));
    ({ token: admin } = await api.createOrganisation('Collectif'));
    voters = await createVoters(api, admin, 2);
  }, 90_000);

  afterAll(async () => {
    for (const w of workers) await w.stop();
    await api?.close();
    await mastodon.stop();
    await bouncer?.stop();
    await t?.cleanup();
  });

  it('migrates with the direct URL while DATABASE_URL names the pooler', async () => {
    const child = spawn(process.execPath, ['dist/apps/cli/src/migrate.js'], { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', ...env } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    expect(await new Promise((r) => child.on('exit', r))).toBe(0);
    expect(out).toMatch(/database is up to date/);
  });

  it('publishes through the pooler, each delivery once, within its server connections', async () => {
    const accounts = [await connectAccount(api, admin, mastodon, 'pub1'), await connectAccount(api, admin, mastodon, 'pub2')];
    const posts = await Promise.all(Array.from({ length: 30 }, (_, i) => schedulePost(api, admin, accounts.map((a) => a.account.id), `pooled ${i}`, inSeconds(2 + (i % 5) / 5))));
    const settled = await Promise.all(posts.map((p) => settledPost(api, admin, p.id, 60_000)));
    const deliveries = settled.flatMap((p) => p.deliveries as { state: string }[]);
    expect(deliveries).toHaveLength(60);
    expect(deliveries.every((d) => d.state === 'published')).toBe(true);
    const statuses = mastodon.statuses.filter((s) => s.text.startsWith('pooled '));
    expect(statuses).toHaveLength(60);
    expect(new Set(statuses.map((s) => s.idempotencyKey)).size).toBe(60);

    // Everything went through PgBouncer, on no more server connections than its pool.
    const db = new URL(bouncer!.url).pathname.slice(1);
    const stats = (await bouncer!.show('STATS')).find((r) => r['database'] === db)!;
    expect(Number(stats['total_xact_count'])).toBeGreaterThan(500);
    const servers = (await bouncer!.show('SERVERS')).filter((r) => r['database'] === db);
    expect(servers.length).toBeLessThanOrEqual(POOL);
    const clients = (await bouncer!.show('CLIENTS')).filter((r) => r['database'] === db);
    expect(clients.length).toBeGreaterThan(POOL);
  }, 90_000);

  it('runs a strike through the pooler: no leak, every held post resumed once', async () => {
    const inScope = [await connectAccount(api, admin, mastodon, 'un'), await connectAccount(api, admin, mastodon, 'deux')];
    const start = Math.ceil((Date.now() + 10_000) / 1000) * 1000;
    const end = start + 8000;
    const res = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.call('POST', '/v1/posts', admin, { text: `ordinary ${i}`, scheduledAt: at(start - 2000 + i * 500), accountIds: inScope.map((a) => a.account.id) }),
      ),
    );
    expect(res.every((r) => r.status === 201)).toBe(true);
    const strike = await approvedStrike(api, admin, voters, {
      title: 'Grève',
      reason: 'Salaires',
      startsAt: at(start),
      endsAt: at(end),
      accountIds: inScope.map((a) => a.account.id),
      mode: 'occupation',
      heldPolicy: 'resume',
      resumeSpacingSeconds: 1,
      occupationSpacingSeconds: 2,
      messages: { opening: message('Piquet de grève'), rotation: [message('En grève A')], closing: message('Reprise') },
    });
    await sleep(end - Date.now());
    await waitFor(
      async () => {
        const r = await api.call('GET', `/v1/strikes/${strike.id}/live`, admin);
        const held = r.body.holds.items as { deliveryState: string }[];
        return r.body.state === 'ended' && held.length > 0 && held.every((h) => h.deliveryState === 'published') ? r.body : null;
      },
      'the strike to end and its held posts to be published',
      90_000,
    );
    for (const a of inScope) {
      const statuses = mastodon.statusesOf(a.remote.id);
      const ordinary = statuses.filter((x) => x.text.startsWith('ordinary'));
      expect(ordinary).toHaveLength(20);
      expect(new Set(ordinary.map((x) => x.text)).size).toBe(20);
      expect(ordinary.filter((x) => inWindow(x, start, end)).map((x) => x.text)).toEqual([]);
      const strikePosts = statuses.filter((x) => !x.text.startsWith('ordinary'));
      expect(new Set(strikePosts.map((x) => x.idempotencyKey)).size).toBe(strikePosts.length);
      expect(strikePosts.filter((x) => x.text === 'Piquet de grève')).toHaveLength(1);
      expect(strikePosts.filter((x) => x.text === 'Reprise')).toHaveLength(1);
    }
    // No process hit an error PgBouncer raises for session features (prepared statements, SET, LISTEN).
    expect(bouncer!.log()).not.toMatch(/prepared statement|unsupported|ERROR/i);
  }, 150_000);
});
