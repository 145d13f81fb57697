// `npm start`: Piquet on this machine in one command. Fills in local defaults (kept in .env so the
// encryption key survives restarts), creates the database if needed, migrates it, then runs the
// API and the worker side by side and stops both together.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import pg from 'pg';

const ENV_FILE = '.env';
if (!existsSync(ENV_FILE)) {
  writeFileSync(
    ENV_FILE,
    [
      'DATABASE_URL=postgresql://postgres@127.0.0.1:5432/piquet',
      'REDIS_URL=redis://127.0.0.1:6379',
      `ENCRYPTION_KEY=${randomBytes(32).toString('hex')}`,
      'PORT=3000',
      '# Lets you connect the local sandbox (npm run sandbox); never set it in production.',
      'ALLOW_PRIVATE_INSTANCES=true',
      '',
    ].join('\n'),
  );
  console.log(`wrote ${ENV_FILE} with local defaults and a new encryption key`);
}
const fileEnv = Object.fromEntries(
  readFileSync(ENV_FILE, 'utf8')
    .split('\n')
    .filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);
const env = { ...fileEnv, ...process.env };

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
console.log(`Piquet: the app and the API on http://localhost:${env.PORT ?? 3000}/ (API docs at /docs), worker running. Ctrl-C stops both.`);
