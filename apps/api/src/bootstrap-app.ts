import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { AppConfig } from '../../../libs/config/config.js';
import { AppModule } from './app.module.js';
import { openApiConfig } from './openapi.js';
import { serveWebApp } from './web/web-app.js';

/** Builds the HTTP app (used by main.ts and by the tests, so both run the same thing). */
export async function createApiApp(config: AppConfig, opts: { logs?: boolean } = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: true,
    logger: opts.logs === false ? false : undefined,
  });
  if (opts.logs !== false) app.useLogger(app.get(Logger));
  app.useBodyParser('json', { limit: '1mb' });
  app.disable('x-powered-by');
  serveWebApp(app, config.webDir);
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApiConfig()), { jsonDocumentUrl: 'docs-json' });
  return app;
}
