import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { loadConfigOrExit } from '../../../libs/config/config.js';
import { WorkerModule } from './worker.module.js';

// The worker has no HTTP server: it consumes the deliveries queue and reconciles it with Postgres.
const config = loadConfigOrExit(process.env);
const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { bufferLogs: true });
app.useLogger(app.get(Logger));
app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
app.get(Logger).log('worker started');
