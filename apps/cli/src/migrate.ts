import { fileURLToPath } from 'node:url';
import { loadConfigOrExit } from '#config/config.js';
import { migrate } from '#database/migrate.js';

// dist/apps/cli/src/migrate.js and apps/cli/src/migrate.ts are both four levels below the root.
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../../prisma/migrations', import.meta.url));

const config = loadConfigOrExit(process.env);
const applied = await migrate({
  // Direct, not through a transaction-mode pooler: the migrator holds a session advisory lock.
  url: config.database.directUrl,
  schema: config.database.schema,
  dir: MIGRATIONS_DIR,
  log: (m) => process.stdout.write(`${m}\n`),
});
process.stdout.write(applied.length ? `database is up to date (${applied.length} applied)\n` : 'database is up to date\n');
