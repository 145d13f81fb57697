/**
 * A Bluesky network (a real PDS and AppView from @atproto/dev-env) in a process of its own, on the
 * machine's Postgres and Redis, for tests and the sandbox. It prints one JSON line when ready:
 * `{"bluesky":{"pds":"http://…","control":"http://…"}}`. `POST /process-all` on the control port
 * waits until the AppView has seen everything; SIGTERM closes it and drops its schemas.
 *
 * Out of the test process on purpose: its native addon (better-sqlite3) aborts a process whose
 * objects it finalises from inside a jest module context.
 */
import { TestNetwork } from '@atproto/dev-env';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';

const POSTGRES_URL = process.env['BLUESKY_POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
process.env['REDIS_HOST'] ??= '127.0.0.1:6379';

async function main(): Promise<void> {
  // dev-env accepts letters and underscores only.
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const schema = `piquet_bsky_${Array.from(randomBytes(10), (b) => letters[b % 26]).join('')}`;
  const network = await TestNetwork.create({ dbPostgresUrl: POSTGRES_URL, dbPostgresSchema: schema });
  const control = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/process-all') {
      network.processAll().then(
        () => res.writeHead(204).end(),
        (err: unknown) => res.writeHead(500).end(String(err)),
      );
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
  const { port } = control.address() as AddressInfo;

  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    control.close();
    await network.close();
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    const { rows } = await client.query<{ nspname: string }>('SELECT nspname FROM pg_namespace WHERE nspname = $1 OR nspname LIKE $2', [schema, `%${schema}`]);
    for (const { nspname } of rows) await client.query(`DROP SCHEMA IF EXISTS "${nspname}" CASCADE`);
    await client.end();
    process.exit(0);
  };
  process.on('SIGTERM', () => void close());
  process.on('SIGINT', () => void close());
  process.stdout.write(`${JSON.stringify({ bluesky: { pds: network.pds.url, control: `http://127.0.0.1:${port}` } })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
