import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '../../../libs/config/config.js';
import { CoreModule } from '../../../libs/core/core.module.js';
import { DeliveryWorker } from './delivery.worker.js';
import { PublishProcessor } from './publish.processor.js';
import { Reconciler } from './reconciler.js';

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [CoreModule.forRoot(config, 'worker')],
      providers: [PublishProcessor, DeliveryWorker, Reconciler],
    };
  }
}
