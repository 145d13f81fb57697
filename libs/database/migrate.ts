import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';

/**
 * Applies prisma/migrations/* in order and records them in _prisma_migrations the way
 * `prisma migrate deploy` does (same table, same sha256 checksums), so users who have Prisma's
 * schema engine can switch to its commands on the same database.
 */
export async function migrate(opts: { url: string; schema: string; dir: string; log?: (m: string) => void }): Promise<string[]> {
  const log = opts.log ?? (() => undefined);
  const client = new pg.Client({ connectionString: stripSchemaParam(opts.url) });
  await client.connect();
  const applied: string[] = [];
  try {
    const schema = quoteIdent(opts.schema);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`SET search_path TO ${schema}`);
    // One migrator at a time, per schema: api and worker may start together.
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`piquet-migrate:${opts.schema}`]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`);
    const done = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
    );
    const byName = new Map(done.rows.map((r) => [r.migration_name, r]));
    const names = (await readdir(opts.dir, { withFileTypes: true }))
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    for (const name of names) {
      const sql = await readFile(join(opts.dir, name, 'migration.sql'), 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      const previous = byName.get(name);
      if (previous) {
        if (!previous.finished_at) throw new Error(`Migration ${name} started earlier and did not finish: fix it by hand`);
        if (previous.checksum !== checksum) log(`warning: migration ${name} was edited after it was applied`);
        continue;
      }
      const id = randomUUID();
      await client.query('BEGIN');
      try {
        await client.query(
          'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())',
          [id, checksum, name],
        );
        await client.query(sql);
        await client.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [id]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`Migration ${name} failed: ${(err as Error).message}`, { cause: err });
      }
      applied.push(name);
      log(`applied migration ${name}`);
    }
  } finally {
    await client.end();
  }
  return applied;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function stripSchemaParam(url: string): string {
  const u = new URL(url);
  u.searchParams.delete('schema');
  return u.toString();
}
