import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { AppConfig } from '../../../libs/config/config.js';
import { AppModule } from './app.module.js';

/** Builds the HTTP app (used by main.ts and by the tests, so both run the same thing). */
export async function createApiApp(config: AppConfig, opts: { logs?: boolean } = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: true,
    logger: opts.logs === false ? false : undefined,
  });
  if (opts.logs !== false) app.useLogger(app.get(Logger));
  app.useBodyParser('json', { limit: '1mb' });
  app.disable('x-powered-by');
  SwaggerModule.setup('docs', app, () => apiDocument(app), { jsonDocumentUrl: 'docs-json' });
  return app;
}

/** The OpenAPI document of the app (served at /docs-json; built in-process by test/openapi.e2e-spec.ts). */
export function apiDocument(app: INestApplication): OpenAPIObject {
  const doc = new DocumentBuilder()
    .setTitle('Piquet')
    .setDescription('A digital picket line for an organisation\'s social media')
    .setVersion('0.1.0')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      // Not a JWT: an opaque random token, stored hashed, issued by bootstrap or POST /v1/members/{id}/tokens.
      bearerFormat: 'pqt_…',
      description: 'An API token: an opaque string beginning pqt_ (not a JWT), from `npm run bootstrap` or POST /v1/members/{id}/tokens',
    })
    .build();
  return SwaggerModule.createDocument(app, doc);
}
