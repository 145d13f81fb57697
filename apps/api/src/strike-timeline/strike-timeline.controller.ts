import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Caller } from '../../../../libs/domain/models.js';
import { CurrentCaller, Roles } from '../common/auth.js';
import { DropHoldDto, ListHoldsQuery, ResumeHoldDto } from './strike-timeline.dto.js';
import { StrikeTimelineService } from './strike-timeline.service.js';

@ApiTags('strikes')
@ApiBearerAuth()
@Controller('v1')
export class StrikeTimelineController {
  constructor(private readonly service: StrikeTimelineService) {}

  /** The exact timeline a proposed or approved strike will produce. */
  @Get('strikes/:id/preview')
  preview(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string) {
    return this.service.preview(caller, id);
  }

  @Get('strikes/:id/live')
  live(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string) {
    return this.service.live(caller, id);
  }

  @Get('strikes/:id/holds')
  holds(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Query() query: ListHoldsQuery) {
    return this.service.holds(caller, id, query);
  }

  @Post('holds/:id/resume')
  @Roles('admin', 'community_manager')
  @HttpCode(200)
  resume(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Body() body: ResumeHoldDto) {
    return this.service.reviewHold(caller, id, { action: 'resume', scheduledAt: body.scheduledAt });
  }

  @Post('native-holds/:id/resume')
  @Roles('admin', 'community_manager')
  @HttpCode(200)
  resumeNative(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Body() body: ResumeHoldDto) {
    return this.service.reviewNative(caller, id, { action: 'resume', scheduledAt: body.scheduledAt });
  }

  @Post('native-holds/:id/drop')
  @Roles('admin', 'community_manager')
  @HttpCode(200)
  dropNative(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string) {
    return this.service.reviewNative(caller, id, { action: 'drop' });
  }

  @Post('holds/:id/drop')
  @Roles('admin', 'community_manager')
  @HttpCode(200)
  drop(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Body() body: DropHoldDto) {
    return this.service.reviewHold(caller, id, { action: 'drop', reason: body.reason });
  }
}
