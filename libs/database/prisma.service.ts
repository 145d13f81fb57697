import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { PrismaClient } from './generated/client.js';
import { quoteIdent } from './migrate.js';

export function createPrismaClient(url: string, schema: string): PrismaClient {
  // adapter-pg ignores ?schema= in the URL (prisma#28961): pass it explicitly, and set search_path
  // so raw SQL (row locks) finds the same tables. Quoted, as Prisma quotes it: unquoted, Postgres
  // folds "Piquet" to piquet and raw queries miss the tables Prisma made.
  const connectionString = withoutSchemaParam(url);
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString, max: 10, options: `-c search_path=${quoteIdent(schema)}` }, { schema }),
  });
}

function withoutSchemaParam(url: string): string {
  const u = new URL(url);
  u.searchParams.delete('schema');
  return u.toString();
}

@Injectable()
export class PrismaService implements OnApplicationShutdown {
  readonly client: PrismaClient;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.client = createPrismaClient(config.database.url, config.database.schema);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.$disconnect();
  }
}
