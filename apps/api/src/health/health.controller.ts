import { Controller, Get, Logger, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { S } from '../common/openapi.js';
import { PrismaService } from '#database/prisma.service.js';
import { DeliveryQueue } from '#queue/delivery-queue.js';
import { Public } from '../common/auth.js';

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T> =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref())]);

@ApiTags('health')
@Controller('health')
export class HealthController {
  private readonly logger = new Logger(HealthController.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly queue: DeliveryQueue,
  ) {}

  /** Public: says up or down for each dependency, never why (the error is logged here, redacted). */
  @ApiOperation({ summary: 'Postgres and Redis reachable (503 when not)' })
  @ApiOkResponse({ schema: S.health })
  @Get()
  @Public()
  async check() {
    const [postgres, redis] = await Promise.all([
      this.probe('postgres', () => this.prisma.client.$queryRaw`SELECT 1`),
      this.probe('redis', () => this.queue.ping()),
    ]);
    const body = { status: postgres === 'up' && redis === 'up' ? 'ok' : 'error', postgres, redis };
    if (body.status !== 'ok') throw new ServiceUnavailableException(body);
    return body;
  }

  private async probe(dependency: string, ping: () => Promise<unknown>): Promise<'up' | 'down'> {
    try {
      await withTimeout(ping(), 2000);
      return 'up';
    } catch (err) {
      this.logger.error({ dependency, err }, 'health check: dependency down');
      return 'down';
    }
  }
}
