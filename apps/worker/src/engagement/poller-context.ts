import { type DynamicModule, type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AppConfig } from '#config/config.js';
import { CoreModule } from '#core/core.module.js';
import { EngagementPoller } from './engagement.poller.js';

@Module({})
class PollerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: PollerModule, imports: [CoreModule.forRoot(config, 'worker')], providers: [EngagementPoller] };
  }
}

/**
 * The poller alone, without the worker's queues and clocks: for tests and benchmarks that drive
 * it with a clock of their own.
 */
export async function createPollerContext(config: AppConfig): Promise<{ poller: EngagementPoller; app: INestApplicationContext }> {
  const app = await NestFactory.createApplicationContext(PollerModule.forRoot(config), { logger: false });
  return { poller: app.get(EngagementPoller), app };
}
