import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { loadConfig } from '#config/config.js';
import { AppModule } from './app.module.js';

/** The document's header, shared by `/docs` and the generated client types. */
export function openApiConfig(): Omit<OpenAPIObject, 'paths'> {
  return new DocumentBuilder()
    .setTitle('Piquet')
    .setDescription("A digital picket line for an organisation's social media")
    .setVersion('0.1.0')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      // Not a JWT: an opaque random token, stored hashed, issued by bootstrap or POST /v1/members/{id}/tokens.
      bearerFormat: 'pqt_…',
      description: 'An API token: an opaque string beginning pqt_ (not a JWT), from `npm run bootstrap` or POST /v1/members/{id}/tokens',
    })
    .build();
}

/**
 * The OpenAPI document built from the app module alone: preview mode resolves no provider, so no
 * database, Redis or secret is touched (the config values below are placeholders that are never used).
 */
export async function buildOpenApiDocument(): Promise<OpenAPIObject> {
  const config = loadConfig({
    DATABASE_URL: 'postgresql://openapi@127.0.0.1:1/openapi',
    REDIS_URL: 'redis://127.0.0.1:1',
    ENCRYPTION_KEY: '0'.repeat(64),
  });
  const app = await NestFactory.create(AppModule.forRoot(config), { preview: true, logger: false, abortOnError: false });
  try {
    return SwaggerModule.createDocument(app, openApiConfig());
  } finally {
    await app.close();
  }
}
