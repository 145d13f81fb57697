import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { waitFor } from './env.js';
import { freePort } from './nginx.js';

export const PGBOUNCER = process.env['PGBOUNCER_BIN'] ?? '/usr/sbin/pgbouncer';

export interface PgBouncer {
  /** DATABASE_URL through PgBouncer (same database name as `target`, same schema parameter). */
  url: string;
  /** Rows of an admin-console SHOW command (POOLS, STATS, ...). */
  show(what: string): Promise<Record<string, string>[]>;
  log(): string;
  stop(): Promise<void>;
}

/**
 * Debian's PgBouncer on a loopback port, in transaction mode, in front of `target` (a direct
 * postgresql:// URL with ?schema=). The configuration is README's: the pooler drops the `options`
 * startup parameter (so search_path) and sets the schema on each server connection instead.
 */
export async function startPgBouncer(target: string, poolSize: number): Promise<PgBouncer> {
  const dir = mkdtempSync(join(tmpdir(), 'piquet-pgbouncer-'));
  // PgBouncer will not run as root: it switches to postgres (-u), who must write its log here.
  chmodSync(dir, 0o777);
  const port = await freePort();
  const t = new URL(target);
  const db = decodeURIComponent(t.pathname.slice(1)) || 'postgres';
  const schema = t.searchParams.get('schema') ?? 'public';
  const user = decodeURIComponent(t.username) || 'postgres';
  writeFileSync(join(dir, 'userlist.txt'), `"${user}" ""\n`);
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    `[databases]
${db} = host=${t.hostname} port=${t.port || 5432} dbname=${db} connect_query='SET search_path TO "${schema}"'

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
unix_socket_dir =
auth_type = trust
auth_file = ${join(dir, 'userlist.txt')}
admin_users = ${user}
pool_mode = transaction
default_pool_size = ${poolSize}
max_client_conn = 500
ignore_startup_parameters = options,extra_float_digits
logfile = ${join(dir, 'pgbouncer.log')}
pidfile = ${join(dir, 'pgbouncer.pid')}
`,
  );
  const child: ChildProcess = spawn(PGBOUNCER, ['-u', 'postgres', join(dir, 'pgbouncer.ini')], { stdio: 'ignore' });
  const log = () => {
    try {
      return readFileSync(join(dir, 'pgbouncer.log'), 'utf8');
    } catch {
      return '';
    }
  };
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  const admin = new URL(url.toString());
  admin.pathname = '/pgbouncer';
  admin.search = '';
  const show = async (what: string) => {
    const c = new pg.Client({ connectionString: admin.toString() });
    await c.connect();
    try {
      return (await c.query<Record<string, string>>(`SHOW ${what}`)).rows;
    } finally {
      await c.end();
    }
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise((r) => (child.once('exit', r), child.kill('SIGTERM')));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => /process up/.test(log()) || child.exitCode !== null, 'pgbouncer to start', 10_000);
    if (child.exitCode !== null) throw new Error(`pgbouncer exited (${child.exitCode}):\n${log()}`);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: url.toString(), show, log, stop };
}
