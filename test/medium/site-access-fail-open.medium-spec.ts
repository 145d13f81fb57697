import 'reflect-metadata';
import { afterAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '#config/config.js';
import { PrismaService } from '#database/prisma.service.js';
import { freePort } from '../../apps/sandbox/src/local-server.js';
import { SitePublicService } from '../../apps/api/src/sites/site-public.service.js';
import { SiteStatusCache } from '../../apps/api/src/sites/site-status.cache.js';
import { SitesRepository } from '../../apps/api/src/sites/sites.repository.js';

/**
 * A proxy asks Piquet on every request; when Piquet is up but cannot read the site's rows (its
 * Postgres gone), the answer must be "open": nginx reads a 503 with Retry-After as a strike, and
 * Caddy hands any non-2xx to the visitor. Real Prisma, pointed at a port where nothing listens.
 */
describe('site access when the database cannot be read', () => {
  let prisma: PrismaService | undefined;
  afterAll(async () => prisma?.onApplicationShutdown());

  it('answers open and keeps the answer nowhere', async () => {
    const port = await freePort();
    const config = loadConfig({
      DATABASE_URL: `postgresql://postgres@127.0.0.1:${port}/postgres?schema=gone`,
      REDIS_URL: 'redis://127.0.0.1:6379',
      ENCRYPTION_KEY: 'ab'.repeat(32),
      LOG_LEVEL: 'silent',
    });
    prisma = new PrismaService(config);
    const sites = new SitesRepository(prisma);
    const service = new SitePublicService(new SiteStatusCache(sites), sites, config);
    const key = `pqs_${'A'.repeat(22)}`;
    // The read itself fails (the premise of the answer below).
    await expect(sites.snapshot(key, new Date())).rejects.toThrow();
    await expect(service.accessFor(key, '/', 'fr', new Date())).resolves.toEqual({ status: 200, cacheSeconds: 0 });
  });
});
