import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Caller } from '#domain/models.js';
import { CurrentCaller } from '../common/auth.js';
import { ListMotionsQuery, OpenMotionView } from './dto/motions.dto.js';
import { MotionsService } from './motions.service.js';

@ApiTags('decisions')
@ApiBearerAuth()
@Controller('v1')
export class MotionsController {
  constructor(private readonly service: MotionsService) {}

  @Get('motions')
  @ApiOperation({ summary: 'Open motions of the organisation, with your vote and how many have voted (never how, on a secret ballot)' })
  @ApiOkResponse({ type: [OpenMotionView] })
  async list(@CurrentCaller() caller: Caller, @Query() _query: ListMotionsQuery): Promise<OpenMotionView[]> {
    return this.service.open(caller);
  }
}
