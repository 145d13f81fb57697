import { defineConfig } from 'prisma/config';

// The CLI is used here for `generate` only (offline); migrations are applied by `npm run migrate`,
// which records them in _prisma_migrations exactly as `prisma migrate deploy` would.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/piquet' },
});
