// The local environment every npm command runs with: `.env` (written once, with local defaults and
// a fresh encryption key, the first time any command needs it), overridden by the real environment.
// The only place the defaults are written down.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const ENV_FILE = '.env';

const defaults = () =>
  [
    'DATABASE_URL=postgresql://postgres@127.0.0.1:5432/piquet',
    'REDIS_URL=redis://127.0.0.1:6379',
    `ENCRYPTION_KEY=${randomBytes(32).toString('hex')}`,
    'PORT=3000',
    '# Lets you connect the local sandbox (npm run sandbox); never set it in production.',
    'ALLOW_PRIVATE_INSTANCES=true',
    '',
  ].join('\n');

/** Reads `.env` (creating it first if it is missing) and returns it merged under process.env. */
export function loadEnv() {
  if (!existsSync(ENV_FILE)) {
    writeFileSync(ENV_FILE, defaults(), { mode: 0o600 });
    console.error(`wrote ${ENV_FILE} with local defaults and a new encryption key (keep it: account tokens are encrypted with it)`);
  }
  const fileEnv = Object.fromEntries(
    readFileSync(ENV_FILE, 'utf8')
      .split('\n')
      .filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { ...fileEnv, ...process.env };
}
