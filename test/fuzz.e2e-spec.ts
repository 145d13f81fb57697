import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import pg from 'pg';
import { FakeMastodon } from '../apps/sandbox/src/mastodon-server.js';
import { openApiDocument } from '../apps/api/src/bootstrap-app.js';
import { connectAccount, startApi, type Api } from './support/api.js';
import { createTestEnv, inSeconds, type TestEnv } from './support/env.js';
import {
  badValue,
  exampleFor,
  histogram,
  mutate,
  mutation,
  operations,
  percentile,
  WriteCounter,
  type Hints,
  type Mutation,
  type OpenApi,
  type Op,
} from './support/fuzz.js';

const REQUESTS = Number(process.env['FUZZ_REQUESTS'] ?? 5200);
const SEED = Number(process.env['FUZZ_SEED'] ?? Date.now() % 2 ** 31);
const ROLES = ['admin', 'community_manager', 'member', 'viewer', 'none', 'bad'] as const;
const BAD_TOKENS = ['pqt_nope', `pqt_${'A'.repeat(43)}`, `pqt_${'x'.repeat(5000)}`, 'Bearer', 'pqt_é\u00ff', "pqt_' OR 1=1 --", '%00', 'null'];
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

/** One fuzzed request, drawn by fast-check; ids and valid bodies are filled in when it runs. */
interface Draw {
  body: Mutation;
  query: { mode: 'valid' | 'bad' | 'unknown'; pick: number; value: unknown; optional: number };
  id: { mode: 'pool' | 'random' | 'bad'; pick: number; bad: string };
  badToken: number;
  contentType: 'json' | 'text' | 'none';
}

const draw: fc.Arbitrary<Draw> = fc.record({
  body: mutation,
  query: fc.record({ mode: fc.constantFrom('valid', 'valid', 'bad', 'unknown'), pick: fc.nat(), value: badValue, optional: fc.nat() }),
  id: fc.record({
    mode: fc.constantFrom('pool', 'pool', 'pool', 'pool', 'random', 'bad'),
    pick: fc.nat(),
    bad: fc.constantFrom('not-a-uuid', '%00', '%ED%A0%80', 'a%00b', '..%2F..%2Fetc', 'x'.repeat(3000), '00000000-0000-0000-0000-00000000000g', '1'),
  }),
  badToken: fc.nat(),
  contentType: fc.constantFrom('json', 'json', 'json', 'json', 'json', 'text', 'none'),
}) as fc.Arbitrary<Draw>;

describe('fuzzing every operation of the OpenAPI document, with every role', () => {
  let t: TestEnv;
  let api: Api;
  let db: pg.Client;
  const mastodon = new FakeMastodon();
  const tokens: Record<string, string> = {};
  // Ids the fuzzer may use in paths, by resource; `keep` are never deleted, demoted or revoked.
  const pools: Record<string, string[]> = { posts: [], strikes: [], motions: [], members: [], tokens: [], accounts: [], holds: [], 'native-holds': [], 'report-links': [], reports: [] };
  const keep = new Set<string>();
  let accountId = '';
  let mediaId = '';

  beforeAll(async () => {
    t = await createTestEnv({ AUTH_FAILURE_LIMIT: '1000000000', LOG_LEVEL: 'silent' });
    await mastodon.start();
    api = await startApi(t.config);
    db = new pg.Client({ connectionString: 'postgresql://postgres@127.0.0.1:5432/postgres' });
    await db.connect();

    const org = await api.createOrganisation('Fuzz');
    tokens['admin'] = org.token;
    keep.add(org.memberId);
    for (const role of ['community_manager', 'member', 'viewer']) {
      const m = await api.call('POST', '/v1/members', org.token, { name: role, role });
      const tk = await api.call('POST', `/v1/members/${m.body.id}/tokens`, org.token, { name: 'fuzz' });
      tokens[role] = tk.body.token;
      keep.add(m.body.id).add(tk.body.id);
    }
    for (let i = 0; i < 4; i++) {
      const m = await api.call('POST', '/v1/members', org.token, { name: `spare ${i}`, role: i % 2 ? 'admin' : 'member' });
      pools['members']!.push(m.body.id);
      const tk = await api.call('POST', `/v1/members/${m.body.id}/tokens`, org.token, { name: 'spare' });
      pools['tokens']!.push(tk.body.id);
    }
    const acc = await connectAccount(api, org.token, mastodon, 'fuzz');
    accountId = acc.account.id;
    keep.add(accountId);
    pools['accounts']!.push(accountId, (await connectAccount(api, org.token, mastodon, 'spare')).account.id);
    const form = new FormData();
    form.append('file', new Blob([PNG], { type: 'image/png' }), 'pixel.png');
    mediaId = (await api.call('POST', '/v1/media', org.token, form)).body.id;
    pools['posts']!.push((await api.call('POST', '/v1/posts', org.token, { text: 'Bonjour', scheduledAt: inSeconds(3600), accountIds: [accountId] })).body.id);
    const strike = await api.call('POST', '/v1/strikes', org.token, {
      title: 'Grève', reason: 'Fuzz', accountIds: [accountId], startsAt: inSeconds(7200), endsAt: inSeconds(14400), mode: 'occupation',
      messages: { opening: { text: 'En grève' } },
    });
    pools['strikes']!.push(strike.body.id);
    pools['motions']!.push(...(strike.body.motions as { id: string }[]).map((m) => m.id));
    const link = await api.call('POST', `/v1/strikes/${strike.body.id}/report-link`, org.token, {});
    if (link.body?.id) pools['report-links']!.push(link.body.id);

    // Another organisation's ids: every one must answer 404 here.
    const other = await api.createOrganisation('Other');
    const otherAcc = await connectAccount(api, other.token, mastodon, 'other');
    pools['posts']!.push((await api.call('POST', '/v1/posts', other.token, { text: 'Autre', scheduledAt: inSeconds(3600), accountIds: [otherAcc.account.id] })).body.id);
    pools['accounts']!.push(otherAcc.account.id);
    pools['members']!.push(other.memberId);
    keep.add(otherAcc.account.id).add(other.memberId);
  });

  afterAll(async () => {
    await db?.end();
    await api?.close();
    await mastodon.stop();
    await t?.cleanup();
  });

  it(`answers ${REQUESTS} fuzzed requests without a 5xx, and rejected ones write nothing`, async () => {
    const doc = openApiDocument(api.app) as unknown as OpenApi;
    // Reads first in each round, so they can run side by side.
    const ops = operations(doc)
      .filter((o) => o.path !== '/health')
      .sort((a, b) => Number(a.method !== 'GET') - Number(b.method !== 'GET'));
    expect(ops.length).toBeGreaterThan(40);
    const watch = new WriteCounter(db, t.schema, { api_tokens: ['last_used_at'] });
    await watch.install();
    process.stdout.write(`fuzz: seed ${SEED} (FUZZ_SEED=${SEED} to replay), ${ops.length} operations × ${ROLES.length} roles, ${watch.tableCount} tables watched\n`);

    const draws = fc.sample(draw, { seed: SEED, numRuns: REQUESTS });
    const statuses: number[] = [];
    const failures: string[] = [];
    const leaks: string[] = [];
    const covered = new Set<string>();
    const timeByOp = new Map<string, number>();

    // /health keeps answering while the fuzzer runs.
    const health: number[] = [];
    const healthStatuses: number[] = [];
    let fuzzing = true;
    const prober = (async () => {
      while (fuzzing) {
        const started = performance.now();
        // One retry on a reset socket: undici may reuse a keep-alive connection the server has just
        // closed (a client-side race, not the API failing); a second failure counts as a failed probe.
        const probe = () => fetch(`${api.url}/health`).then(async (r) => (await r.arrayBuffer(), r.status));
        const status = await probe().catch(() => probe()).catch(() => -1);
        health.push(performance.now() - started);
        healthStatuses.push(status);
        await new Promise((res) => setTimeout(res, 100));
      }
    })();

    /** Sends request i; checks its own writes when `alone` (nothing else runs meanwhile). */
    const one = async (i: number, alone: boolean): Promise<{ status: number; what: string; write: boolean }> => {
      const op = ops[i % ops.length]!;
      const role = ROLES[Math.floor(i / ops.length) % ROLES.length]!;
      const req = build(op, role, draws[i]!, doc);
      covered.add(`${op.method} ${op.path} ${role}`);
      const write = op.method !== 'GET';
      const before = write && alone ? await watch.mark() : null;
      let status: number;
      let text: string;
      const t0 = performance.now();
      try {
        const res = await fetch(api.url + req.url, { method: op.method, headers: req.headers, body: req.body });
        status = res.status;
        // A live stream (server-sent events) never ends by itself: its status is the answer.
        if (res.ok && res.headers.get('content-type')?.startsWith('text/event-stream')) {
          await res.body?.cancel();
          text = '';
        } else {
          text = await res.text();
        }
      } catch (err) {
        // The client refused to send it (a header it cannot encode): not the API's answer.
        status = -1;
        text = (err as Error).message;
      }
      statuses.push(status);
      const key = `${op.method} ${op.path}`;
      timeByOp.set(key, (timeByOp.get(key) ?? 0) + performance.now() - t0);
      const what = `${op.method} ${req.url.slice(0, 200)} as ${role} ${String(req.body ?? '').slice(0, 200)}`;
      if (status >= 500) failures.push(`${status} ${what} → ${text.slice(0, 200)}`);
      if (before && status >= 400 && status < 500) {
        const written = await watch.writtenSince(before);
        if (written.length) leaks.push(`${status} ${what} wrote ${written.join(', ')}`);
      }
      if (status >= 200 && status < 300) harvest(op, text);
      return { status, what, write };
    };

    // Requests without a valid token can never write: they run eight at a time, and the batch as a
    // whole must write nothing. With a token, reads run a few at a time and a write runs alone, so
    // the rows written while it runs are its own.
    const started = Date.now();
    const roleOf = (i: number) => ROLES[Math.floor(i / ops.length) % ROLES.length]!;
    for (let i = 0; i < REQUESTS; ) {
      const role = roleOf(i);
      if (role === 'none' || role === 'bad') {
        const group: number[] = [];
        while (i < REQUESTS && group.length < 8 && roleOf(i) === role) group.push(i++);
        const before = await watch.mark();
        const results = await Promise.all(group.map((j) => one(j, false)));
        const written = await watch.writtenSince(before);
        if (written.length && !results.some((r) => r.write && r.status >= 200 && r.status < 300)) {
          leaks.push(`a batch of ${group.length} requests as ${role} wrote ${written.join(', ')}: ${results.map((r) => `${r.status} ${r.what.slice(0, 80)}`).join(' | ')}`);
        }
        continue;
      }
      if (ops[i % ops.length]!.method !== 'GET') {
        await one(i++, true);
        continue;
      }
      const group: number[] = [];
      while (i < REQUESTS && group.length < 8 && ops[i % ops.length]!.method === 'GET' && roleOf(i) === role) group.push(i++);
      await Promise.all(group.map((j) => one(j, false)));
    }
    const seconds = (Date.now() - started) / 1000;
    fuzzing = false;
    await prober;

    const sortedHealth = [...health].sort((a, b) => a - b);
    process.stdout.write(
      [
        `fuzz: ${statuses.length} requests in ${seconds.toFixed(1)} s (seed ${SEED}), ${covered.size} operation×role pairs`,
        `fuzz: statuses ${histogram(statuses)}`,
        `fuzz: /health ${health.length} probes, statuses ${histogram(healthStatuses)}, latency p50 ${percentile(sortedHealth, 50).toFixed(1)} ms, p95 ${percentile(sortedHealth, 95).toFixed(1)} ms, max ${percentile(sortedHealth, 100).toFixed(1)} ms`,
        `fuzz: slowest operations (total ms): ${[...timeByOp].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, v]) => `${k} ${v.toFixed(0)}`).join('; ')}`,
        `fuzz: ${failures.length} answers ≥ 500, ${leaks.length} rejected writes that wrote`,
        ...failures.slice(0, 15).map((f) => `  5xx: ${f}`),
        ...leaks.slice(0, 15).map((f) => `  wrote: ${f}`),
        '',
      ].join('\n'),
    );
    expect(statuses.length).toBeGreaterThanOrEqual(5000);
    expect(covered.size).toBe(ops.length * ROLES.length);
    expect(failures).toEqual([]);
    expect(leaks).toEqual([]);
    expect(statuses.filter((s) => s === -1).length).toBeLessThan(statuses.length / 50);
    expect(healthStatuses.every((s) => s === 200)).toBe(true);
    // A sanity bound only (the machine is shared): /health never stalled behind the fuzzer.
    expect(percentile(sortedHealth, 100)).toBeLessThan(5000);
    // A generous bound: on a shared machine the run takes several times longer than alone.
  }, 900_000);

  function hints(): Hints {
    return {
      uuid: (field) =>
        ({ accountIds: accountId, accountId, mediaId, avatarMediaId: mediaId, headerMediaId: mediaId, strikeId: pools['strikes']![0] })[field] ?? randomUUID(),
      date: (field) =>
        ({ startsAt: inSeconds(7200), endsAt: inSeconds(18000), heldAt: inSeconds(-3600), from: inSeconds(-86400), to: inSeconds(86400) })[field] ??
        inSeconds(3600),
      string: (field) =>
        ({
          instanceUrl: mastodon.url,
          get accessToken() {
            return mastodon.addAccount(`fz${randomUUID().slice(0, 8)}`).token;
          },
          lang: 'fr',
          language: 'fr',
          tz: 'Europe/Paris',
          service: mastodon.url,
          identifier: 'fuzz.example.org',
          appPassword: 'abcd-efgh-ijkl-mnop',
          cursor: undefined,
        })[field],
    };
  }

  /** Hand-written valid bodies where a schema alone cannot say what fits together. */
  function validBody(op: Op, doc: OpenApi, optional: number): unknown {
    const key = `${op.method} ${op.path}`;
    const known: Record<string, () => unknown> = {
      'POST /v1/posts': () => ({ text: 'Bonjour ✊', scheduledAt: inSeconds(3600 + (optional % 1000)), accountIds: [accountId], ...(optional % 3 ? {} : { media: [{ mediaId, altText: 'Un pixel' }], contentWarning: 'cw', language: 'fr' }) }),
      'POST /v1/strikes': () => ({
        title: 'Grève', reason: 'Fuzz', accountIds: [accountId], startsAt: inSeconds(7200), endsAt: inSeconds(18000), mode: optional % 2 ? 'occupation' : 'silence',
        ...(optional % 2 ? { messages: { opening: { text: 'En grève', perNetwork: { x: 'Grève' } }, rotation: [{ text: 'Toujours en grève' }], closing: { text: 'Fin' } }, profile: { displayNameSuffix: 'en grève' } } : {}),
      }),
      'PATCH /v1/strikes/{id}': () => ({ title: 'Nouveau titre', reason: 'Mise à jour' }),
      'PUT /v1/organisation/decision-rule': () => ({ kind: 'votes', quorumCount: 2, quorumPercent: 50, ballot: optional % 2 ? 'secret' : 'named' }),
      'POST /v1/motions/{id}/assembly': () => ({ heldAt: inSeconds(-3600), votesFor: 10, votesAgainst: 2, votesAbstain: 1, minutes: 'Procès-verbal' }),
      'POST /v1/members': () => ({ name: `Membre ${optional % 100}`, role: 'viewer' }),
      'PATCH /v1/members/{id}': () => ({ role: ['admin', 'member', 'viewer', 'community_manager'][optional % 4] }),
      'POST /v1/accounts': () => ({ network: 'mastodon', instanceUrl: mastodon.url, accessToken: mastodon.addAccount(`fz${optional}`).token }),
    };
    const withOptional = (f: string) => ((optional >> (f.length % 16)) & 1) === 1;
    return known[key]?.() ?? (op.body ? exampleFor(doc, op.body, hints(), '', withOptional) : undefined);
  }

  function poolFor(op: Op): string[] {
    const resource = op.path.split('/').filter(Boolean)[op.path.startsWith('/v1/') ? 1 : 0] ?? '';
    const pool = pools[resource] ?? [];
    const destructive = op.method === 'DELETE' || op.method === 'PATCH' || op.path.endsWith('/revoke');
    return destructive && ['members', 'tokens', 'accounts'].includes(resource) ? pool.filter((id) => !keep.has(id)) : pool;
  }

  function build(op: Op, role: (typeof ROLES)[number], d: Draw, doc: OpenApi) {
    let url = op.path;
    for (const name of op.pathParams) {
      const pool = poolFor(op);
      const value =
        d.id.mode === 'bad' ? d.id.bad : d.id.mode === 'random' || !pool.length ? randomUUID() : encodeURIComponent(pool[d.id.pick % pool.length]!);
      url = url.replace(`{${name}}`, value);
    }
    const query = new URLSearchParams();
    const h = hints();
    op.query.forEach((p, i) => {
      if (!p.required && ((d.query.optional >> i) & 1) === 0) return;
      const s = p.schema ?? {};
      const valid =
        s.enum?.[0] ?? (s.format === 'uuid' ? h.uuid(p.name) : s.type === 'integer' || s.type === 'number' ? (s.minimum ?? 1) : ['from', 'to'].includes(p.name) ? h.date(p.name) : h.string(p.name) ?? 'x');
      const bad = d.query.mode === 'bad' && d.query.pick % op.query.length === i;
      query.append(p.name, bad ? (typeof d.query.value === 'string' ? d.query.value : JSON.stringify(d.query.value) ?? '') : String(valid));
    });
    if (d.query.mode === 'unknown') query.append(`zz${d.query.pick % 7}`, typeof d.query.value === 'string' ? d.query.value : 'x');
    if ([...query].length) url += `?${query.toString()}`;

    const headers: Record<string, string> = {};
    if (role === 'bad') headers['authorization'] = `Bearer ${BAD_TOKENS[d.badToken % BAD_TOKENS.length]}`;
    else if (role !== 'none') headers['authorization'] = `Bearer ${tokens[role]}`;
    let body: string | FormData | undefined;
    if (op.multipart) {
      const form = new FormData();
      form.append('file', new Blob([d.body.kind === 'valid' ? PNG : Buffer.from(mutate({}, d.body))], { type: d.body.kind === 'valid' ? 'image/png' : 'application/octet-stream' }), 'f');
      body = form;
    } else if (op.body || op.method !== 'GET') {
      const valid = validBody(op, doc, d.body.kind === 'valid' || d.body.kind === 'replace' ? d.body.optional : 0) ?? {};
      body = mutate(valid, d.body);
      if (d.contentType !== 'none') headers['content-type'] = d.contentType === 'json' ? 'application/json' : 'text/plain';
    }
    return { url, headers, body };
  }

  function harvest(op: Op, text: string): void {
    if (op.method !== 'POST' || !text.startsWith('{')) return;
    const body = JSON.parse(text) as { id?: string; motions?: { id: string }[] };
    const segs = op.path.split('/').filter(Boolean);
    if (!body.id) return;
    if (segs.length === 2 && segs[1] && pools[segs[1]]) pools[segs[1]]!.push(body.id);
    if (segs[1] === 'strikes' && body.motions) pools['motions']!.push(...body.motions.map((m) => m.id));
    if (op.path.endsWith('/tokens')) pools['tokens']!.push(body.id);
    if (op.path.endsWith('/report-link')) pools['report-links']!.push(body.id);
  }
});
