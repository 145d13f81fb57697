import { Controller, Get, Inject, Next, NotFoundException, Req, Res, type OnModuleInit } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { NextFunction, Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { AutomationQueues } from '#queue/automation-queues.js';
import { DeliveryQueue } from '#queue/delivery-queue.js';
import { EngagementQueue } from '#queue/engagement-queue.js';
import { StrikeQueue } from '#queue/strike-queue.js';
import { Roles } from '../common/auth.js';
import { QUEUE_DASHBOARD_PATH } from '../common/security-headers.js';

type Handler = (req: Request, res: Response, next: NextFunction) => void;

/**
 * Bull Board on the five queues, for admins (the API's own guard: session or API token, role
 * admin), read-only: jobs are Postgres's to change, and a retry or removal here would go around
 * the claim and the gate. Off unless QUEUE_DASHBOARD is set (see config).
 */
@ApiExcludeController()
@Controller(QUEUE_DASHBOARD_PATH.slice(1))
@Roles('admin')
export class QueueDashboardController implements OnModuleInit {
  private board?: Handler;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly deliveries: DeliveryQueue,
    private readonly strikes: StrikeQueue,
    private readonly engagement: EngagementQueue,
    private readonly automation: AutomationQueues,
  ) {}

  onModuleInit(): void {
    if (!this.config.queueDashboard) return;
    const server = new ExpressAdapter().setBasePath(QUEUE_DASHBOARD_PATH);
    const queues = [this.deliveries.queue, this.strikes.queue, this.engagement.queue, this.automation.feeds, this.automation.webhooks];
    createBullBoard({
      queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: true, allowRetries: false })),
      serverAdapter: server,
      options: { uiConfig: { boardTitle: 'Piquet queues' } },
    });
    const app = server.getRouter() as Handler & { disable(setting: string): void };
    app.disable('x-powered-by');
    this.board = app;
  }

  @Get(['', '*path'])
  serve(@Req() req: Request, @Res() res: Response, @Next() next: NextFunction): void {
    if (!this.board) throw new NotFoundException();
    // Bull Board's routes are relative to where it is mounted.
    req.url = req.originalUrl.slice(QUEUE_DASHBOARD_PATH.length) || '/';
    this.board(req, res, next);
  }
}
