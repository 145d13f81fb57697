import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { PrismaClient } from './generated/client.js';
import { quoteIdent } from './migrate.js';
import { PublishRound } from './publish-round.js';

export function createPrismaClient(url: string, schema: string): PrismaClient {
  // adapter-pg ignores ?schema= in the URL (prisma#28961): pass it explicitly, and set search_path
  // so raw SQL (row locks) finds the same tables. Quoted, as Prisma quotes it: unquoted, Postgres
  // folds "Piquet" to piquet and raw queries miss the tables Prisma made.
  const connectionString = withoutSchemaParam(url);
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString, max: 10, options: `-c search_path=${quoteIdent(schema)}` }, { schema }),
  });
}

/**
 * A plain pg pool on the same database and schema, for the few statements on the publish path that
 * run for every delivery: Prisma's client costs CPU per query even for raw SQL, and on a small
 * machine that CPU is what bounds the deliveries per second. Only repositories use it.
 */
export function createHotPool(url: string, schema: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: withoutSchemaParam(url), max, options: `-c search_path=${quoteIdent(schema)}` });
  // An idle connection that Postgres drops (a restart) is discarded by the pool; unheard, the
  // 'error' event would end the process.
  pool.on('error', () => undefined);
  return pool;
}

function withoutSchemaParam(url: string): string {
  const u = new URL(url);
  u.searchParams.delete('schema');
  return u.toString();
}

@Injectable()
export class PrismaService implements OnApplicationShutdown {
  readonly client: PrismaClient;
  private hotPool?: pg.Pool;
  private round?: PublishRound;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.client = createPrismaClient(config.database.url, config.database.schema);
  }

  /** The publish path's pool (createHotPool), opened on first use: the API process never opens it. */
  get hot(): pg.Pool {
    this.hotPool ??= createHotPool(this.config.database.url, this.config.database.schema, Math.min(this.config.queue.concurrency, 10));
    return this.hotPool;
  }

  /** The publish path's shared statement (claims, gate, records), on the hot pool: one per process. */
  get publishRound(): PublishRound {
    this.round ??= new PublishRound(this.hot);
    return this.round;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.client.$disconnect(), this.hotPool?.end()]);
  }
}
