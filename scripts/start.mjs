// `npm start`: Piquet on this machine in one command. Fills in local defaults (kept in .env so the
// encryption key survives restarts), creates the database if needed, migrates it, then runs the
// API and the worker side by side and stops both together.
import { spawn } from 'node:child_process';
import pg from 'pg';
import { loadEnv } from './env.mjs';

const env = loadEnv();
// In a terminal, the API's and the worker's JSON logs start at warn (errors and warnings only),
// so the one line that matters is seen; LOG_LEVEL (in .env or the environment) overrides it.
const quiet = process.stdout.isTTY && !env.LOG_LEVEL;
if (quiet) env.LOG_LEVEL = 'warn';

if (env.DATABASE_URL) {
  const url = new URL(env.DATABASE_URL);
  const db = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  url.searchParams.delete('schema');
  const admin = new pg.Client({ connectionString: url.toString() });
  try {
    await admin.connect();
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [db]);
    if (!rowCount) {
      await admin.query(`CREATE DATABASE "${db.replace(/"/g, '""')}"`);
      console.log(`created database ${db}`);
    }
  } catch (err) {
    console.error(`could not check database ${db}: ${err.message}`);
  } finally {
    await admin.end().catch(() => {});
  }
}

const run = (args) => spawn(process.execPath, args, { env, stdio: 'inherit' });
const migrate = run(['dist/apps/cli/src/migrate.js']);
const migrated = await new Promise((resolve) => migrate.on('exit', (code) => resolve(code)));
if (migrated !== 0) process.exit(migrated ?? 1);

const children = [run(['dist/apps/api/src/main.js']), run(['dist/apps/worker/src/main.js'])];
let stopping = false;
const stop = (signal) => {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill(signal);
};
process.on('SIGINT', () => stop('SIGTERM'));
process.on('SIGTERM', () => stop('SIGTERM'));
for (const c of children) c.on('exit', (code) => { stop('SIGTERM'); process.exitCode ||= code ?? 0; });
// "Ready" only once the API answers its health check (Postgres and Redis reachable).
const port = env.PORT ?? '3000';
const host = !env.HOST || env.HOST === '0.0.0.0' || env.HOST === '::' ? '127.0.0.1' : env.HOST;
const health = `http://${host.includes(':') ? `[${host}]` : host}:${port}/health`;
for (;;) {
  if (stopping) break;
  const ok = await fetch(health, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
  if (ok) {
    console.log(`Piquet is ready: the app and the API on http://localhost:${port}/ (API docs at /docs), worker running. Ctrl-C stops it.`);
    if (quiet) console.log('Logs show warnings and errors only; LOG_LEVEL=info npm start shows everything.');
    break;
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
}
