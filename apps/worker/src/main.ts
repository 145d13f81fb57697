import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { loadConfigOrExit } from '#config/config.js';
import { WorkerModule } from './worker.module.js';

// The worker has no HTTP server: it consumes the deliveries queue and reconciles it with Postgres.
const config = loadConfigOrExit(process.env);
const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { bufferLogs: true });
app.useLogger(app.get(Logger));
app.get(Logger).log('worker started');

// On SIGTERM the worker stops taking jobs, finishes and records the publishes in flight, then exits 0.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    app.get(Logger).log(`${signal}: finishing in-flight publishes`);
    void app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
