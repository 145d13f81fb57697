// `node scripts/run.mjs dist/….js [args]`: runs one built entry point with the environment of
// `.env` (scripts/env.mjs), as `npm start` does. Builds first only when dist/ is missing, so it never
// deletes the files a running Piquet is using.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadEnv } from './env.mjs';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run.mjs dist/path/to/entry.js [args…]');
  process.exit(64);
}
const env = loadEnv();
if (!existsSync(entry)) {
  console.error(`${entry} is not built yet: building (npm run build)…`);
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
const child = spawn(process.execPath, [entry, ...args], { env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
