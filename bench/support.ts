/**
 * What bench/strikes.ts needs besides the figures themselves: a private Postgres schema and BullMQ
 * prefix per run, worker processes, cleanup that runs even on failure or Ctrl-C, and set-based
 * seeding of organisations, deliveries, holds and strikes.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { loadConfig, type AppConfig } from '#config/config.js';
import { ACCOUNT_TOKEN_CONTEXT } from '#crypto/contexts.js';
import { SecretBox } from '#crypto/secret-box.js';
import type { StrikeMessages } from '#strikes/domain/strike.js';
import type { HeldPolicy, Prisma, PrismaClient, StrikeMode } from '#database/generated/client.js';
import { migrate, quoteIdent } from '#database/migrate.js';
import { applyMotion } from '#strikes/persistence/strike-effects.js';

export const BASE_DB = process.env['BENCH_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env['BENCH_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
/** The worker compiled next to this file: dist/ or any private --outDir. */
export const WORKER_MAIN = fileURLToPath(new URL('../apps/worker/src/main.js', import.meta.url));
/** The repository, for prisma/migrations: set PIQUET_ROOT when compiled outside the repository's dist/. */
const ROOT = process.env['PIQUET_ROOT'] ?? fileURLToPath(new URL('../../', import.meta.url));
const MIGRATIONS = `${ROOT.replace(/\/$/, '')}/prisma/migrations`;
const TIMEOUT_MS = 120_000;

export type Cleanup = () => Promise<unknown>;
export type Defer = (c: Cleanup) => void;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const progress = (line: string) => process.stderr.write(`  … ${line}\n`);

/** One headline figure, for the closing table of `npm run bench` (bench/all.ts). */
export interface Figure {
  name: string;
  value: number;
  unit: 'ms' | 's' | '/s' | 'ratio' | 'requests' | 'posts';
  goal?: { atMost?: number; atLeast?: number };
  /** The figure this replaces, as measured before (issue 15's table), in words. */
  before?: string;
}

/**
 * Records a headline figure when bench/all.ts asked for them (it names a file); a bench run alone
 * prints its own lines only. Appended as one JSON line, so benches in separate processes add up.
 */
export function figure(f: Figure): void {
  const file = process.env['PIQUET_BENCH_FIGURES'];
  if (file) appendFileSync(file, `${JSON.stringify(f)}\n`);
}

// ---------------------------------------------------------------- cleanup, processes, environment

const pending = new Set<Cleanup[]>();

async function runCleanups(cleanups: Cleanup[]): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c().catch((err: unknown) => console.error('cleanup failed:', err));
}

// Ctrl-C: schemas, keys and child processes are removed before exiting.
let interrupted: Promise<unknown> | undefined;
process.once('SIGINT', () => {
  console.error('interrupted: cleaning up');
  interrupted = Promise.all([...pending].map(runCleanups)).finally(() => process.exit(130));
});

/** Exits, unless Ctrl-C's cleanup is under way: the bench failing because its workers were stopped must not cut it short. */
export async function exit(code: number, err?: unknown): Promise<void> {
  if (interrupted) return void (await interrupted);
  if (err) console.error(err);
  process.exit(code);
}

/** Runs `body`, then every deferred cleanup in reverse order, even when `body` failed. */
export async function withCleanup<T>(body: (defer: Defer) => Promise<T>): Promise<T> {
  const cleanups: Cleanup[] = [];
  pending.add(cleanups);
  try {
    return await body((c) => cleanups.push(c));
  } finally {
    await runCleanups(cleanups);
    pending.delete(cleanups);
  }
}

export interface BenchEnv {
  id: string;
  schema: string;
  prefix: string;
  env: Record<string, string>;
  config: AppConfig;
}

/** A migrated `bench_<hex>` schema and a BullMQ prefix of its own, both dropped at cleanup. */
export async function createBenchEnv(defer: Defer, overrides: Record<string, string> = {}): Promise<BenchEnv> {
  if (!existsSync(MIGRATIONS)) throw new Error(`No migrations at ${MIGRATIONS}: set PIQUET_ROOT to the repository`);
  const id = randomBytes(5).toString('hex');
  const schema = `bench_${id}`;
  const dbUrl = new URL(BASE_DB);
  dbUrl.searchParams.set('schema', schema);
  const env = {
    DATABASE_URL: dbUrl.toString(),
    REDIS_URL,
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    QUEUE_PREFIX: `piquet-bench-${id}`,
    ALLOW_PRIVATE_INSTANCES: 'true',
    LOG_LEVEL: 'warn',
    ...overrides,
  };
  const config = loadConfig(env);
  // The keys' prefix as Piquet writes it (hash-tagged: `{piquet-bench-…}`).
  const prefix = config.queue.prefix;
  defer(() => dropSchemaAndKeys(schema, prefix));
  await migrate({ url: config.database.url, schema, dir: MIGRATIONS });
  return { id, schema, prefix, env, config };
}

async function dropSchemaAndKeys(schema: string, prefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: BASE_DB });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  await client.end();
  await dropKeys(prefix);
}

/** Removes every Redis key under a BullMQ prefix. */
export async function dropKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}:*`);
  for (let i = 0; i < keys.length; i += 10_000) await redis.del(...keys.slice(i, i + 10_000));
  await redis.quit();
}

/** Spawns a node child whose output goes to our stderr (the figures stay readable), killed at cleanup. */
export function startChild(args: string[], env: Record<string, string>, defer: Defer, ipc = false) {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 2, 2, ...(ipc ? ['ipc' as const] : [])] });
  let exitCode: number | string | undefined;
  const exited = new Promise<void>((resolve) => child.once('exit', (code, signal) => ((exitCode = code ?? signal ?? 'unknown'), resolve())));
  defer(async () => {
    if (exitCode === undefined) child.kill('SIGTERM');
    await exited;
  });
  const alive = () => {
    if (exitCode !== undefined) throw new Error(`${args[0]} exited early (${exitCode})`);
  };
  return { child, alive };
}

export async function waitFor<T>(probe: () => Promise<T | undefined | false | null>, what: string, timeoutMs = TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(50);
  }
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
export const ms = (x: number) => `${Math.round(x)} ms`;

export function positiveInt(name: string, raw: string, min = 1): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got ${raw}`);
  return n;
}

// ---------------------------------------------------------------- seeding

export interface Organisation {
  organisationId: string;
  memberId: string;
  accountIds: string[];
}

/**
 * An organisation, its admin and `count` Mastodon accounts. With a fake server the accounts are
 * real ones on it; without, they point at an address nothing listens on (no worker runs then).
 */
export async function seedOrganisation(
  db: PrismaClient,
  config: AppConfig,
  count: number,
  server?: { url: string; addAccount(username: string): { id: string; token: string } },
): Promise<Organisation> {
  const org = await db.organisation.create({ data: { name: `bench-${randomBytes(4).toString('hex')}` } });
  const member = await db.member.create({ data: { organisationId: org.id, name: 'bench', role: 'admin' } });
  const box = new SecretBox(config.encryptionKey);
  const instanceUrl = server?.url ?? 'http://127.0.0.1:9';
  const accounts = await Promise.all(
    Array.from({ length: count }, (_, i) => {
      const remote = server?.addAccount(`bench${i}`) ?? { id: String(1000 + i), token: randomBytes(16).toString('hex') };
      return db.account.create({
        data: {
          organisationId: org.id, network: 'mastodon', instanceUrl, remoteId: remote.id, handle: `@bench${i}@${new URL(instanceUrl).host}`,
          displayName: `bench${i}`, tokenCiphertext: box.seal(remote.token, ACCOUNT_TOKEN_CONTEXT), maxCharacters: 500, maxMedia: 4, charactersPerUrl: 23,
        },
      });
    }),
  );
  return { organisationId: org.id, memberId: member.id, accountIds: accounts.map((a) => a.id) };
}

export interface Seeded {
  deliveryId: string;
  scheduledAt: Date;
}

/**
 * `count` ordinary posts of one delivery each, spread evenly over [from, from + spanMs) and in turn
 * over the accounts, in one set-based statement. `state: 'held'` also gives each a pending Hold.
 */
export async function seedDeliveries(
  db: PrismaClient,
  org: Organisation,
  opts: { count: number; from: Date; spanMs: number; state?: 'scheduled' | 'held'; strikeId?: string },
): Promise<Seeded[]> {
  const { count, from, spanMs } = opts;
  const state = opts.state ?? 'scheduled';
  const rows = await db.$queryRaw<{ id: string; scheduled_at: Date }[]>`
    WITH src AS MATERIALIZED (
      SELECT g, gen_random_uuid() AS post_id, gen_random_uuid() AS delivery_id,
             ${from}::timestamptz + (g * ${spanMs}::float8 / ${count}) * interval '1 millisecond' AS at
      FROM generate_series(0, ${count - 1}::int) AS g),
    p AS (
      INSERT INTO posts (id, organisation_id, created_by_id, text, scheduled_at, updated_at)
      SELECT post_id, ${org.organisationId}::uuid, ${org.memberId}::uuid, 'Benchmark post number ' || g || ': the picket line holds.', at, now()
      FROM src)
    INSERT INTO deliveries (id, organisation_id, post_id, account_id, state, scheduled_at, updated_at)
    SELECT delivery_id, ${org.organisationId}::uuid, post_id, (${org.accountIds}::uuid[])[1 + g % ${org.accountIds.length}::int],
           ${state}::"DeliveryState", at, now()
    FROM src
    RETURNING id::text AS id, scheduled_at`;
  if (state === 'held') {
    if (!opts.strikeId) throw new Error('held deliveries need their strike');
    await db.$executeRaw`
      INSERT INTO holds (id, organisation_id, strike_id, delivery_id, account_id, original_scheduled_at)
      SELECT gen_random_uuid(), d.organisation_id, ${opts.strikeId}::uuid, d.id, d.account_id, d.scheduled_at
      FROM deliveries d WHERE d.id = ANY(${rows.map((r) => r.id)}::uuid[])`;
  }
  // What autovacuum does shortly after a bulk insert; without it the planner works from stale sizes.
  await db.$executeRawUnsafe('ANALYZE posts, deliveries, holds');
  return rows.map((r) => ({ deliveryId: r.id, scheduledAt: r.scheduled_at }));
}

export interface StrikeShape {
  startsAt: Date;
  endsAt: Date;
  mode: StrikeMode;
  heldPolicy: HeldPolicy;
  resumeSpacingSeconds: number;
  occupationSpacingSeconds: number;
  messages: StrikeMessages;
}

export const strikeMessage = (text: string) => ({ text, contentWarning: null, media: [] });

/** A proposed strike on the organisation's accounts (listed, as StrikeAccount rows) and its open approve motion. */
export async function proposeStrike(
  db: PrismaClient,
  org: Organisation,
  shape: StrikeShape,
  scope: string[] = org.accountIds,
): Promise<{ strikeId: string; motionId: string }> {
  const strike = await db.strike.create({
    data: {
      organisationId: org.organisationId, createdById: org.memberId, title: 'Benchmark strike', reason: 'Measuring the picket line',
      allAccounts: false, ...shape, messages: shape.messages as unknown as Prisma.InputJsonValue,
      accounts: { create: scope.map((accountId) => ({ accountId })) },
    },
  });
  const motion = await db.motion.create({
    data: {
      organisationId: org.organisationId, strikeId: strike.id, kind: 'approve', decisionKind: 'votes', ballot: 'named',
      quorumCount: 2, quorumPercent: 50, createdById: org.memberId,
    },
  });
  return { strikeId: strike.id, motionId: motion.id };
}

/** The decision, as the API records it: the motion approved and its effect applied, in one transaction. */
export async function approve(db: PrismaClient, org: Organisation, strikeId: string, motionId: string, gateMarginMs: number): Promise<void> {
  await db.$transaction(async (tx) => {
    const decidedAt = new Date();
    const { count } = await tx.motion.updateMany({
      where: { id: motionId, status: 'open' },
      data: { status: 'approved', decidedAt, approvals: 2, rejections: 0, eligible: 2 },
    });
    if (count !== 1) throw new Error(`Motion ${motionId} was not open`);
    await tx.auditEntry.create({
      data: { organisationId: org.organisationId, strikeId, motionId, action: 'motion.approved', detail: { kind: 'approve' } },
    });
    await applyMotion(tx, { id: motionId, strikeId, kind: 'approve', payload: {} }, decidedAt, gateMarginMs);
  });
}
