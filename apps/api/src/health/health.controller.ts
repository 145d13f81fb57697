import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { S } from '../common/openapi.js';
import { PrismaService } from '../../../../libs/database/prisma.service.js';
import { DeliveryQueue } from '../../../../libs/queue/delivery-queue.js';
import { Public } from '../common/auth.js';

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T> =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref())]);

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly prisma: PrismaService,
    private readonly queue: DeliveryQueue,
  ) {}

  @ApiOperation({ summary: 'Postgres and Redis reachable (503 when not)' })
  @ApiOkResponse({ schema: S.health })
  @Get()
  @Public()
  async check() {
    const [postgres, redis] = await Promise.all([
      withTimeout(this.prisma.client.$queryRaw`SELECT 1`, 2000).then(() => 'up', (e: Error) => `down: ${e.message}`),
      withTimeout(this.queue.ping(), 2000).then(() => 'up', (e: Error) => `down: ${e.message}`),
    ]);
    const body = { status: postgres === 'up' && redis === 'up' ? 'ok' : 'error', postgres, redis };
    if (body.status !== 'ok') throw new ServiceUnavailableException(body);
    return body;
  }
}
