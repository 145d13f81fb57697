import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseSchedule, type ScheduleStep } from '#engagement/schedule.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (min: number) => z.coerce.number().int().min(min);

const isRedisUrl = (v: string): boolean => /^rediss?:\/\/[^\s,]+$/.test(v.trim()) && URL.canParse(v.trim());

/**
 * The Redis connection string every part of Piquet hands to createRedis: one URL, or (a cluster)
 * one URL per seed node, separated by commas. REDIS_CLUSTER_NODES takes REDIS_URL's credentials.
 */
function redisConnection(url: string | undefined, clusterNodes: string | undefined): { url: string; cluster: boolean } | null {
  if (clusterNodes) {
    const base = new URL(url?.split(',')[0]?.trim() ?? 'redis://localhost');
    const urls = clusterNodes.split(',').map((n) => {
      const u = new URL(base.toString());
      const [host = '', port = ''] = n.trim().split(':');
      u.hostname = host;
      u.port = port;
      return u.toString().replace(/\/$/, '');
    });
    // createRedis opens a Cluster when it sees several URLs: a lone seed is listed twice.
    return { url: (urls.length === 1 ? [...urls, ...urls] : urls).join(','), cluster: true };
  }
  if (!url) return null;
  const urls = url.split(',').map((u) => u.trim());
  return { url: urls.join(','), cluster: urls.length > 1 };
}

const schema = z.object({
  DATABASE_URL: z
    .string({ error: 'is required (a postgresql:// URL)' })
    .refine((v) => /^postgres(ql)?:\/\/[^\s]+$/.test(v) && URL.canParse(v), 'must be a postgresql:// URL'),
  // Migrations only (a session advisory lock, SET search_path): a direct connection to Postgres when
  // DATABASE_URL goes through a transaction-mode pooler such as PgBouncer. Defaults to DATABASE_URL.
  DATABASE_DIRECT_URL: z
    .string()
    .refine((v) => /^postgres(ql)?:\/\/[^\s]+$/.test(v) && URL.canParse(v), 'must be a postgresql:// URL')
    .optional(),
  // One redis:// URL, or several separated by commas: the seed nodes of a Redis Cluster.
  REDIS_URL: z
    .string()
    .refine((v) => v.split(',').every(isRedisUrl), 'must be a redis:// or rediss:// URL, or several separated by commas (a Redis Cluster)')
    .optional(),
  // A Redis Cluster's seed nodes as host:port,host:port (credentials and TLS from REDIS_URL, if set).
  REDIS_CLUSTER_NODES: z
    .string()
    .refine((v) => v.split(',').every((n) => /^[^\s:/,@]+:\d{1,5}$/.test(n.trim())), 'must be host:port pairs separated by commas')
    .optional(),
  ENCRYPTION_KEY: z
    .string({ error: 'is required (32 bytes, as 64 hex characters or base64)' })
    .transform((v, ctx) => {
      const key = /^[0-9a-fA-F]{64}$/.test(v) ? Buffer.from(v, 'hex') : Buffer.from(v, 'base64');
      if (key.length !== 32) {
        ctx.addIssue({ code: 'custom', message: 'must be 32 bytes, as 64 hex characters or base64' });
        return z.NEVER;
      }
      return key;
    }),
  HOST: z.string().default('127.0.0.1'),
  PORT: int(0).max(65535).default(3000),
  PUBLIC_URL: z.url().default('http://localhost:3000'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'may hold only letters, digits, - and _')
    .default('piquet'),
  ALLOW_PRIVATE_INSTANCES: bool.default(false),
  WORKER_CONCURRENCY: int(1).max(500).default(10),
  PUBLISH_ATTEMPTS: int(1).max(50).default(8),
  PUBLISH_BACKOFF_MS: int(1).default(5000),
  RECONCILE_INTERVAL_MS: int(100).default(60_000),
  // Mastodon refuses to schedule a post less than 5 minutes ahead: scanning more often than that
  // catches every post scheduled natively into a running strike before it can go out.
  NATIVE_SCAN_INTERVAL_MS: int(1000).max(290_000).default(240_000),
  // A killed worker's publishes are taken over within about the longer of the two (issue 15: 10 s).
  LOCK_DURATION_MS: int(1000).default(3_000),
  PUBLISH_LEASE_MS: int(1000).default(4_500),
  HTTP_TIMEOUT_MS: int(100).default(30_000),
  // /metrics: with a token, answered to `Authorization: Bearer <token>` from anywhere; without one,
  // only to direct requests from the machine itself (loopback, no proxy header).
  // The queue dashboard (Bull Board) for admins: off unless set, as it shows the jobs of every
  // organisation on this installation (ids, errors), not only the admin's own.
  QUEUE_DASHBOARD: bool.default(false),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  // X: the OAuth 2.0 app Piquet signs in with (a confidential client has a secret), and its API.
  X_CLIENT_ID: z.string().min(1).optional(),
  X_CLIENT_SECRET: z.string().min(1).optional(),
  X_API_URL: z.url().default('https://api.x.com'),
  X_AUTHORIZE_URL: z.url().default('https://x.com/i/oauth2/authorize'),
  BLUESKY_SERVICE: z.url().default('https://bsky.social'),
  MEDIA_MAX_BYTES: int(1).default(10 * 1024 * 1024),
  ENGAGEMENT_SCHEDULE: z
    .string()
    .default('5m@2h,1h@2d,1d@30d')
    .transform((v, ctx) => {
      try {
        return parseSchedule(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `${(err as Error).message} (expected steps such as 5m@2h,1h@2d,1d@30d)` });
        return z.NEVER;
      }
    }),
  // How often each account's engagement poller looks for due snapshots.
  ENGAGEMENT_TICK_MS: int(100).default(60_000),
  // Where new replies under strike posts come from: the account's notifications (mentions), with
  // whole threads read only when a count moves or on ENGAGEMENT_THREAD_EVERY_MS; or every thread, every round.
  ENGAGEMENT_REPLIES: z.enum(['notifications', 'threads']).default('notifications'),
  ENGAGEMENT_THREAD_EVERY_MS: int(60_000).default(3_600_000),
  // Mastodon's documented limit: 300 requests per 5 minutes per account.
  RATE_LIMIT_REQUESTS: int(1).default(300),
  RATE_LIMIT_WINDOW_MS: int(1000).default(300_000),
  RATE_BUDGET_SHARE: z.coerce.number().gt(0).max(1).default(0.5),
  // Browser sessions end after this long without a request, and after SESSION_MAX_DAYS whatever happens.
  SESSION_IDLE_MINUTES: int(1).default(7 * 24 * 60),
  SESSION_MAX_DAYS: int(1).default(30),
  // The built web app (vite's output); the default is dist/web beside the built API.
  WEB_DIR: z.string().min(1).optional(),
  // Failed authentications allowed per client address in a window, shared by every API process (Redis).
  AUTH_FAILURE_LIMIT: int(1).default(20),
  AUTH_FAILURE_WINDOW_MS: int(1000).default(900_000),
  // Express's "trust proxy": unset, the client address is the peer's; behind a reverse proxy, name
  // it (loopback, an address or CIDR, or a hop count) so throttling sees the real client.
  TRUST_PROXY: z.string().min(1).optional(),
  // Feeds: how often each is read, the back-off cap after errors, the largest body read, the
  // pause between two requests to one host, how often the worker looks for feeds due.
  FEED_POLL_INTERVAL_MS: int(100).default(900_000),
  FEED_MAX_BACKOFF_MS: int(100).default(6 * 3_600_000),
  FEED_MAX_BYTES: int(1024).default(5 * 1024 * 1024),
  FEED_HOST_GAP_MS: int(0).default(1000),
  FEED_TICK_MS: int(100).default(30_000),
  // Webhooks: how often the worker looks for events due, retry back-off (base, cap), how long an
  // endpoint may fail without a success before it is disabled, how long a rotated secret still signs.
  WEBHOOK_TICK_MS: int(100).default(5000),
  WEBHOOK_BACKOFF_MS: int(10).default(10_000),
  WEBHOOK_MAX_BACKOFF_MS: int(10).default(3_600_000),
  WEBHOOK_DISABLE_AFTER_MS: int(1000).default(3 * 86_400_000),
  WEBHOOK_SECRET_OVERLAP_MS: int(0).default(86_400_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = Record<string, string | undefined>;

export interface AppConfig {
  /** `directUrl`: for migrations (DATABASE_DIRECT_URL, else `url`); the schema is `url`'s. */
  database: { url: string; directUrl: string; schema: string };
  /** `url` lists several nodes (comma-separated) when `cluster`: see createRedis. */
  redis: { url: string; cluster: boolean };
  encryptionKey: Buffer;
  http: { host: string; port: number; publicUrl: string; trustProxy: string | number | null };
  authThrottle: { limit: number; windowMs: number };
  queue: {
    prefix: string;
    concurrency: number;
    attempts: number;
    backoffMs: number;
    lockDurationMs: number;
    publishLeaseMs: number;
  };
  reconcileIntervalMs: number;
  nativeScanIntervalMs: number;
  engagement: {
    schedule: ScheduleStep[];
    tickMs: number;
    replies: 'notifications' | 'threads';
    /** The slow schedule on which a strike post's whole thread is read again (edits, deletions). */
    threadEveryMs: number;
    /** Piquet's own calls allowed per account in any window: its share of the account's rate limit. */
    budget: number;
    windowMs: number;
  };
  networks: {
    allowPrivateInstances: boolean;
    timeoutMs: number;
    xClientId: string | null;
    xClientSecret: string | null;
    xApiUrl: string;
    xAuthorizeUrl: string;
    blueskyService: string;
  };
  mediaMaxBytes: number;
  feeds: { pollIntervalMs: number; maxBackoffMs: number; maxBytes: number; hostGapMs: number; tickMs: number };
  webhooks: { tickMs: number; backoffMs: number; maxBackoffMs: number; disableAfterMs: number; secretOverlapMs: number };
  metrics: { token: string | null };
  queueDashboard: boolean;
  sessions: { idleMs: number; maxMs: number };
  webDir: string;
  logLevel: string;
}

export class ConfigError extends Error {}

/** Validates the environment once; every other part of Piquet reads the typed result. */
export function loadConfig(env: Env): AppConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  // The holder renews its lease every third of it while its call is in flight: the lease needs to
  // outlast a renewal round trip, not the call itself (it did before the heartbeat).
  if (c.PUBLISH_LEASE_MS < 3 * 1000) {
    throw new ConfigError('Invalid configuration:\n  PUBLISH_LEASE_MS: must be at least 3000 (it is renewed every third of it)');
  }
  const redis = redisConnection(c.REDIS_URL, c.REDIS_CLUSTER_NODES);
  if (!redis) throw new ConfigError('Invalid configuration:\n  REDIS_URL: is required (a redis:// URL) unless REDIS_CLUSTER_NODES is set');
  const dbUrl = new URL(c.DATABASE_URL);
  const dbSchema = dbUrl.searchParams.get('schema') ?? 'public';
  // Quoted everywhere (search_path included), so capitals are kept as Prisma keeps them; other
  // characters would need escaping in the connection's startup options, so they are refused here.
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(dbSchema)) {
    throw new ConfigError(
      `Invalid configuration:\n  DATABASE_URL: its schema parameter (${JSON.stringify(dbSchema)}) may hold only letters, digits and _ (not first), 63 at most`,
    );
  }
  return {
    database: { url: c.DATABASE_URL, directUrl: c.DATABASE_DIRECT_URL ?? c.DATABASE_URL, schema: dbSchema },
    redis,
    encryptionKey: c.ENCRYPTION_KEY,
    http: {
      host: c.HOST,
      port: c.PORT,
      publicUrl: c.PUBLIC_URL.replace(/\/$/, ''),
      trustProxy: c.TRUST_PROXY === undefined ? null : /^\d+$/.test(c.TRUST_PROXY) ? Number(c.TRUST_PROXY) : c.TRUST_PROXY,
    },
    authThrottle: { limit: c.AUTH_FAILURE_LIMIT, windowMs: c.AUTH_FAILURE_WINDOW_MS },
    queue: {
      // A hash tag, so that every key of every queue lives in one slot: BullMQ's scripts touch
      // several keys at once, which a Redis Cluster allows only within one slot. Same on one node.
      prefix: `{${c.QUEUE_PREFIX}}`,
      concurrency: c.WORKER_CONCURRENCY,
      attempts: c.PUBLISH_ATTEMPTS,
      backoffMs: c.PUBLISH_BACKOFF_MS,
      lockDurationMs: c.LOCK_DURATION_MS,
      publishLeaseMs: c.PUBLISH_LEASE_MS,
    },
    reconcileIntervalMs: c.RECONCILE_INTERVAL_MS,
    nativeScanIntervalMs: c.NATIVE_SCAN_INTERVAL_MS,
    engagement: {
      schedule: c.ENGAGEMENT_SCHEDULE,
      tickMs: c.ENGAGEMENT_TICK_MS,
      replies: c.ENGAGEMENT_REPLIES,
      threadEveryMs: c.ENGAGEMENT_THREAD_EVERY_MS,
      budget: Math.max(1, Math.floor(c.RATE_LIMIT_REQUESTS * c.RATE_BUDGET_SHARE)),
      windowMs: c.RATE_LIMIT_WINDOW_MS,
    },
    networks: {
      allowPrivateInstances: c.ALLOW_PRIVATE_INSTANCES,
      timeoutMs: c.HTTP_TIMEOUT_MS,
      xClientId: c.X_CLIENT_ID ?? null,
      xClientSecret: c.X_CLIENT_SECRET ?? null,
      xApiUrl: c.X_API_URL.replace(/\/$/, ''),
      xAuthorizeUrl: c.X_AUTHORIZE_URL,
      blueskyService: c.BLUESKY_SERVICE.replace(/\/$/, ''),
    },
    mediaMaxBytes: c.MEDIA_MAX_BYTES,
    feeds: {
      pollIntervalMs: c.FEED_POLL_INTERVAL_MS,
      maxBackoffMs: Math.max(c.FEED_MAX_BACKOFF_MS, c.FEED_POLL_INTERVAL_MS),
      maxBytes: c.FEED_MAX_BYTES,
      hostGapMs: c.FEED_HOST_GAP_MS,
      tickMs: c.FEED_TICK_MS,
    },
    webhooks: {
      tickMs: c.WEBHOOK_TICK_MS,
      backoffMs: c.WEBHOOK_BACKOFF_MS,
      maxBackoffMs: Math.max(c.WEBHOOK_MAX_BACKOFF_MS, c.WEBHOOK_BACKOFF_MS),
      disableAfterMs: c.WEBHOOK_DISABLE_AFTER_MS,
      secretOverlapMs: c.WEBHOOK_SECRET_OVERLAP_MS,
    },
    metrics: { token: c.METRICS_TOKEN ?? null },
    queueDashboard: c.QUEUE_DASHBOARD,
    sessions: { idleMs: c.SESSION_IDLE_MINUTES * 60_000, maxMs: c.SESSION_MAX_DAYS * 86_400_000 },
    // Built, this file is dist/libs/config/config.js: the app is dist/web.
    webDir: c.WEB_DIR ?? fileURLToPath(new URL('../../web', import.meta.url)),
    logLevel: c.LOG_LEVEL,
  };
}

/** Entry points call this: a bad configuration stops the process with a message naming the variable. */
export function loadConfigOrExit(env: Env): AppConfig {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
}

export const APP_CONFIG = Symbol('APP_CONFIG');
