/**
 * Feed polling cost and webhook throughput, against Piquet's real worker process:
 * - 1,000 feeds with nothing new: requests made per round (conditional GETs answered 304), the
 *   round's duration, and the Postgres work it did (table statistics of the run's own schema);
 * - webhook events delivered per second to a local receiver, signed (one endpoint, then several).
 * Prints figures only.
 *
 *   npm run bench:feeds
 *   npm run bench:feeds -- --feeds 2000 --hosts 16 --events 5000 --endpoints 4
 */
import 'reflect-metadata';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { SecretBox } from '#crypto/secret-box.js';
import { newWebhookSecret, webhookSecretContext } from '#webhooks/rules.js';
import { createBenchEnv, exit, positiveInt, progress, startChild, waitFor, withCleanup, WORKER_MAIN, type BenchEnv, type Defer } from './support.js';

const { values: args } = parseArgs({
  options: { feeds: { type: 'string', default: '1000' }, events: { type: 'string', default: '1000' }, endpoints: { type: 'string', default: '4' }, hosts: { type: 'string', default: '16' } },
});
const FEEDS = positiveInt('feeds', args.feeds);
const EVENTS = positiveInt('events', args.events);
const ENDPOINTS = positiveInt('endpoints', args.endpoints);
const HOSTS = Math.min(250, positiveInt('hosts', args.hosts));

/** A feed server: one small RSS body per path, an ETag per body, 304 when it matches. */
function feedServer(address: string, counts: { ok: number; notModified: number }): { start(): Promise<string>; stop(): Promise<void> } {
  let server: Server | undefined;
  return {
    async start() {
      server = createServer((req, res) => {
        const path = req.url ?? '/';
        const body = `<?xml version="1.0"?><rss version="2.0"><channel><title>${path}</title>${Array.from({ length: 20 }, (_, i) => `<item><guid>${path}-${i}</guid><title>Article ${i}</title><link>https://example.org${path}/${i}</link><pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate></item>`).join('')}</channel></rss>`;
        const etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;
        if (req.headers['if-none-match'] === etag) {
          counts.notModified++;
          res.writeHead(304, { etag }).end();
          return;
        }
        counts.ok++;
        res.writeHead(200, { 'content-type': 'application/rss+xml', etag }).end(body);
      });
      await new Promise<void>((r) => server!.listen(0, address, r));
      return `http://${address}:${(server.address() as AddressInfo).port}`;
    },
    async stop() {
      server?.closeAllConnections();
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    },
  };
}

interface TableStats {
  relname: string;
  seq_scan: number;
  idx_scan: number;
  n_tup_ins: number;
  n_tup_upd: number;
  n_tup_del: number;
}

async function tableStats(client: pg.Client, schema: string): Promise<Map<string, TableStats>> {
  await client.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await client.query<TableStats>(
    `SELECT relname, seq_scan::int, COALESCE(idx_scan, 0)::int AS idx_scan, n_tup_ins::int, n_tup_upd::int, n_tup_del::int
     FROM pg_stat_user_tables WHERE schemaname = $1`,
    [schema],
  );
  return new Map(rows.map((r) => [r.relname, r]));
}

async function feedRounds(env: BenchEnv, client: pg.Client, defer: Defer): Promise<void> {
  // HOSTS sites on loopback addresses (Linux routes all of 127/8 to loopback): politeness is per host.
  const counts = { ok: 0, notModified: 0 };
  const server = { counts };
  const urls: string[] = [];
  for (let h = 1; h <= HOSTS; h++) {
    const site = feedServer(`127.0.0.${h}`, counts);
    urls.push(await site.start());
    defer(() => site.stop());
  }
  const q = (sql: string, params: unknown[] = []) => client.query(sql, params);
  const { rows: [org] } = await q(`INSERT INTO organisations (id, name) VALUES (gen_random_uuid(), 'bench feeds') RETURNING id`);
  const orgId = (org as { id: string }).id;
  const { rows: [account] } = await q(
    `INSERT INTO accounts (id, organisation_id, network, instance_url, remote_id, handle, display_name, token_ciphertext, max_characters, max_media, characters_per_url, updated_at)
     VALUES (gen_random_uuid(), $1, 'mastodon', 'http://127.0.0.1:9', '1', '@bench@127.0.0.1', 'bench', 'x', 500, 4, 23, now()) RETURNING id`,
    [orgId],
  );
  await q(
    `WITH f AS (
       INSERT INTO feeds (id, organisation_id, url, updated_at, next_poll_at)
       SELECT gen_random_uuid(), $1, ($2::text[])[1 + i % cardinality($2::text[])] || '/feed/' || i || '.xml', now(), now() FROM generate_series(1, $3::int) i RETURNING id)
     INSERT INTO feed_accounts (feed_id, account_id) SELECT id, $4 FROM f`,
    [orgId, urls, FEEDS, (account as { id: string }).id],
  );
  startChild([WORKER_MAIN], env.env, defer);
  progress(`first read of ${FEEDS} feeds (their back catalogue recorded, nothing posted)`);
  const t0 = Date.now();
  await waitFor(async () => (await q(`SELECT count(*)::int AS n FROM feeds WHERE last_success_at IS NOT NULL`)).rows[0].n >= FEEDS, 'the first read', 900_000);
  const firstMs = Date.now() - t0;
  const posts = (await q('SELECT count(*)::int AS n FROM posts')).rows[0].n as number;
  console.log(`first read : ${FEEDS} feeds in ${firstMs} ms, ${server.counts.ok} full answers, ${posts} posts (back catalogue: ${FEEDS * 20} items recorded)`);

  for (let round = 1; round <= 2; round++) {
    const before = { ...server.counts };
    const stats = await tableStats(client, env.schema);
    const start = new Date();
    await q(`UPDATE feeds SET next_poll_at = now()`);
    const began = Date.now();
    await waitFor(async () => (await q(`SELECT count(*)::int AS n FROM feeds WHERE last_polled_at >= $1`, [start])).rows[0].n >= FEEDS, `round ${round}`);
    const elapsed = Date.now() - began;
    await new Promise((r) => setTimeout(r, 700)); // statistics reach pg_stat at the end of each transaction, reported within ~0.5 s
    const after = await tableStats(client, env.schema);
    const requests = server.counts.ok + server.counts.notModified - before.ok - before.notModified;
    const notModified = server.counts.notModified - before.notModified;
    const diff = (t: string) => {
      const a = after.get(t)!;
      const b = stats.get(t)!;
      return { scans: a.seq_scan + a.idx_scan - b.seq_scan - b.idx_scan, seq: a.seq_scan - b.seq_scan, ins: a.n_tup_ins - b.n_tup_ins, upd: a.n_tup_upd - b.n_tup_upd };
    };
    // Less the bench's own reset (one sequential UPDATE of every row).
    const raw = diff('feeds');
    const feeds = { ...raw, scans: raw.scans - 1, seq: raw.seq - 1, upd: raw.upd - FEEDS };
    const others = ['feed_items', 'feed_accounts', 'posts', 'deliveries'].map((t) => ({ t, ...diff(t) })).filter((d) => d.scans + d.ins + d.upd > 0);
    console.log(
      `round ${round}    : ${requests} requests (${notModified} answered 304) for ${FEEDS} feeds in ${elapsed} ms; ` +
        `Postgres on feeds: ${feeds.scans} scans (${feeds.seq} sequential: the ticks' due query), ${feeds.upd} rows updated (lease + result) ` +
        `(${(feeds.scans / FEEDS).toFixed(2)} scans and ${(feeds.upd / FEEDS).toFixed(2)} updates per feed); ` +
        `other tables: ${others.length ? others.map((o) => `${o.t} ${o.scans} scans ${o.ins} inserts ${o.upd} updates`).join(', ') : 'untouched'}`,
    );
  }
}

async function webhookThroughput(env: BenchEnv, client: pg.Client, endpoints: number, defer: Defer): Promise<void> {
  let received = 0;
  let verified = 0;
  const secrets: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received++;
      // Every 100th request is verified with the standard library (all of them would time the receiver).
      if (received % 100 === 1) {
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        const i = Number((req.url ?? '/0').slice(1));
        new Webhook(secrets[i]!).verify(Buffer.concat(chunks).toString(), headers);
        verified++;
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  defer(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const box = new SecretBox(env.config.encryptionKey);
  const { rows: [org] } = await client.query(`INSERT INTO organisations (id, name) VALUES (gen_random_uuid(), $1) RETURNING id`, [`bench hooks ${endpoints}`]);
  const orgId = (org as { id: string }).id;
  for (let i = 0; i < endpoints; i++) {
    const id = randomUUID();
    secrets[i] = newWebhookSecret(randomBytes(32));
    await client.query(
      `INSERT INTO webhook_endpoints (id, organisation_id, url, secret_ciphertext, updated_at) VALUES ($1, $2, $3, $4, now())`,
      [id, orgId, `${base}/${i}`, box.seal(secrets[i]!, webhookSecretContext(id))],
    );
  }
  const total = EVENTS * endpoints;
  const start = Date.now();
  // The triggers' own path: one event and a delivery per endpoint each.
  await client.query(`SELECT piquet_webhook_emit($1::uuid, 'strike.started', NULL, jsonb_build_object('n', i)) FROM generate_series(1, $2::int) i`, [orgId, EVENTS]);
  const written = Date.now() - start;
  await waitFor(async () => received >= total, `${total} webhook deliveries`, 300_000);
  const seconds = (Date.now() - start) / 1000;
  console.log(
    `webhooks   : ${EVENTS} events × ${endpoints} endpoint${endpoints > 1 ? 's' : ''} = ${total} deliveries in ${seconds.toFixed(1)} s ` +
      `(outbox written in ${written} ms): ${Math.round(total / seconds)} deliveries/s, ${Math.round(total / seconds / endpoints)}/s per endpoint (in order); ${verified} signatures verified`,
  );
}

await withCleanup(async (defer) => {
  const env = await createBenchEnv(defer, {
    FEED_TICK_MS: '200', FEED_POLL_INTERVAL_MS: '3600000', FEED_HOST_GAP_MS: '0', WEBHOOK_TICK_MS: '100', RECONCILE_INTERVAL_MS: '60000',
  });
  const client = new pg.Client({ connectionString: env.config.database.url.replace(/\?.*$/, '') });
  await client.connect();
  defer(() => client.end());
  await client.query(`SET search_path TO "${env.schema}"`);
  console.log(`feeds: ${FEEDS} feeds on ${HOSTS} loopback hosts (one request at a time per host, FEED_HOST_GAP_MS=0), nothing new after the first read`);
  await feedRounds(env, client, defer);
  await webhookThroughput(env, client, 1, defer);
  if (ENDPOINTS > 1) await webhookThroughput(env, client, ENDPOINTS, defer);
}).then(
  () => exit(0),
  (err: unknown) => exit(1, err),
);
