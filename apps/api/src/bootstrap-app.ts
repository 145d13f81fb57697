import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { INestApplication } from '@nestjs/common';
import { type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { AppConfig } from '#config/config.js';
import { AppModule } from './app.module.js';
import { securityHeaders } from './common/security-headers.js';
import { openApiConfig } from './openapi.js';
import { SitePublicService } from './sites/site-public.service.js';
import { siteFastPath } from './sites/site-fast-path.js';
import { serveWebApp } from './web/web-app.js';

/** Builds the HTTP app (used by main.ts and by the tests, so both run the same thing). */
export async function createApiApp(config: AppConfig, opts: { logs?: boolean } = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: true,
    logger: opts.logs === false ? false : undefined,
  });
  if (opts.logs !== false) app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  if (config.http.trustProxy !== null) app.set('trust proxy', config.http.trustProxy);
  app.use(securityHeaders());
  // Before the body parser and the web app: a proxy asks on every request, answered from memory.
  app.use(siteFastPath(app.get(SitePublicService)));
  app.useBodyParser('json', { limit: '1mb' });
  serveWebApp(app, config.webDir);
  SwaggerModule.setup('docs', app, () => openApiDocument(app), { jsonDocumentUrl: 'docs-json' });
  return app;
}

/** The OpenAPI document of the app, as /docs-json serves it (the fuzz suite is generated from it). */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(app, openApiConfig());
}
