import { Controller, Get, Inject, NotFoundException, Req, Res, UnauthorizedException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { Public } from '../common/auth.js';
import { MetricsService } from './metrics.service.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Prometheus scrape endpoint. With METRICS_TOKEN set it answers `Authorization: Bearer <token>`;
 * without, only a direct request from this machine (loopback, no proxy header): anything else is a 404.
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  @Get()
  @Public()
  async scrape(@Req() req: Request, @Res() res: Response): Promise<void> {
    this.authorise(req);
    const body = await this.metrics.render();
    res.setHeader('Content-Type', this.metrics.contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.send(body);
  }

  private authorise(req: Request): void {
    const token = this.config.metrics.token;
    if (token) {
      const given = Buffer.from(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');
      const expected = Buffer.from(token);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new UnauthorizedException('A metrics token is required');
      return;
    }
    const proxied = req.headers['x-forwarded-for'] !== undefined || req.headers['forwarded'] !== undefined;
    if (proxied || !LOOPBACK.has(req.socket.remoteAddress ?? '')) throw new NotFoundException();
  }
}
