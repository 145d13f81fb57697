import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '#config/config.js';
import { CoreModule } from '#core/core.module.js';
import { AutomationModule } from './automation.module.js';
import { DeliveryWorker } from './delivery.worker.js';
import { PublishProcessor } from './publish.processor.js';
import { Reconciler } from './reconciler.js';
import { EngagementPoller } from './engagement/engagement.poller.js';
import { EngagementWorker } from './engagement/engagement.worker.js';
import { StrikeClock } from '#strikes/services/strike-clock.js';
import { OccupationService } from '#strikes/services/occupation.service.js';
import { StrikeLifecycleService } from '#strikes/services/strike-lifecycle.service.js';
import { StrikeWorker } from './strikes/strike.worker.js';

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [CoreModule.forRoot(config, 'worker'), AutomationModule],
      providers: [PublishProcessor, DeliveryWorker, Reconciler, StrikeLifecycleService, OccupationService, StrikeWorker, StrikeClock, EngagementPoller, EngagementWorker],
    };
  }
}
