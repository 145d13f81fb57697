import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { loadConfig, type AppConfig } from '#config/config.js';
import { migrate, quoteIdent } from '#database/migrate.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BASE_DB = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const BASE_REDIS = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export interface TestEnv {
  env: Record<string, string>;
  config: AppConfig;
  schema: string;
  prefix: string;
  cleanup(): Promise<void>;
}

/** Each test file gets its own Postgres schema and BullMQ prefix, dropped at the end. */
export async function createTestEnv(overrides: Record<string, string> = {}, opts: { schemaPrefix?: string } = {}): Promise<TestEnv> {
  const id = randomBytes(5).toString('hex');
  const schema = `${opts.schemaPrefix ?? 't_'}${id}`;
  const queuePrefix = `piquet-test-${id}`;
  const url = new URL(BASE_DB);
  url.searchParams.set('schema', schema);
  const env: Record<string, string> = {
    DATABASE_URL: url.toString(),
    REDIS_URL: BASE_REDIS,
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    QUEUE_PREFIX: queuePrefix,
    ALLOW_PRIVATE_INSTANCES: 'true',
    PUBLISH_BACKOFF_MS: '200',
    PUBLISH_ATTEMPTS: '5',
    HTTP_TIMEOUT_MS: '5000',
    PUBLISH_LEASE_MS: '6000',
    LOCK_DURATION_MS: '2000',
    RECONCILE_INTERVAL_MS: '1000',
    LOG_LEVEL: 'warn',
    // Every test request comes from 127.0.0.1: tests that check refusals must not lock themselves out.
    AUTH_FAILURE_LIMIT: '1000',
    ...overrides,
  };
  const config = loadConfig(env);
  // The keys' prefix as Piquet writes it (hash-tagged: `{piquet-test-…}`).
  const prefix = config.queue.prefix;
  await migrate({ url: config.database.url, schema, dir: `${ROOT}prisma/migrations` });
  return {
    env,
    config,
    schema,
    prefix,
    async cleanup() {
      const client = new pg.Client({ connectionString: BASE_DB });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
      await client.end();
      // A cluster's test removes the whole cluster.
      if (config.redis.cluster) return;
      const redis = new Redis(config.redis.url);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    },
  };
}

export async function waitFor<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const inSeconds = (s: number): string => new Date(Date.now() + s * 1000).toISOString();
