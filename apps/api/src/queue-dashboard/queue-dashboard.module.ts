import { Module } from '@nestjs/common';
import { AutomationQueues } from '#queue/automation-queues.js';
import { QueueDashboardController } from './queue-dashboard.controller.js';

@Module({ controllers: [QueueDashboardController], providers: [AutomationQueues] })
export class QueueDashboardModule {}
