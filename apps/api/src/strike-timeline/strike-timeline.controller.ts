import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { S } from '../common/openapi.js';
import type { Caller } from '#domain/models.js';
import { CurrentCaller, Roles } from '../common/auth.js';
import { CreateStrikeDto, UpdateStrikeDto } from '../strikes/dto/strike.dto.js';
import { StrikeSitesView } from '../sites/strike-sites.view.js';
import { StrikePreviewWithSitesView, type StrikePreviewView } from './strike-preview.view.js';
import { liveSchema, liveWithSites } from './strike-events.controller.js';
import { DropHoldDto, ListHoldsQuery, ResumeHoldDto } from './strike-timeline.dto.js';
import { StrikeTimelineService } from './strike-timeline.service.js';

@ApiTags('strikes')
@ApiBearerAuth()
@Controller('v1')
export class StrikeTimelineController {
  constructor(
    private readonly service: StrikeTimelineService,
    private readonly sites: StrikeSitesView,
  ) {}

  /** The sites in scope, beside the timeline (sites code; the timeline knows no site). */
  private async withSites(caller: Caller, preview: StrikePreviewView, given?: UpdateStrikeDto['sites']) {
    return { ...preview, sites: await this.sites.forPreview(caller, preview.strikeId, given, preview.window) };
  }

  /** The exact timeline a proposed or approved strike will produce. */
  @Get('strikes/:id/preview')
  @ApiOperation({ summary: 'What the strike will do, minute by minute: held posts, strike posts, profile changes, fates' })
  @ApiOkResponse({ type: StrikePreviewWithSitesView })
  async preview(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string) {
    return this.withSites(caller, await this.service.preview(caller, id));
  }

  /** The strike composer previews as its author types: same checks and planner as POST /v1/strikes, nothing saved. */
  @Post('strikes/preview')
  @HttpCode(200)
  @ApiOperation({ summary: 'Preview a strike not saved yet: the body of POST /v1/strikes, checked the same way; nothing is written' })
  @ApiOkResponse({ type: StrikePreviewWithSitesView })
  async previewDraft(@CurrentCaller() caller: Caller, @Body() body: CreateStrikeDto) {
    return this.withSites(caller, await this.service.previewDraft(caller, body), body.sites ?? []);
  }

  @Post('strikes/:id/preview')
  @HttpCode(200)
  @ApiOperation({ summary: 'Preview a saved proposal as an edit would change it: the body of PATCH /v1/strikes/:id; nothing is written' })
  @ApiOkResponse({ type: StrikePreviewWithSitesView })
  async previewEdit(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateStrikeDto) {
    return this.withSites(caller, await this.service.previewDraft(caller, body, id), body.sites);
  }

  @ApiOperation({ summary: 'The strike as it runs and after: holds and their fates, strike posts, profile occupation and restoration' })
  @ApiOkResponse({ schema: liveSchema })
  @Get('strikes/:id/live')
  live(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string) {
    return liveWithSites(this.service, this.sites, caller, id);
  }

  @ApiOperation({ summary: 'Every held post and its fate, page by page' })
  @ApiOkResponse({ schema: S.holds })
  @Get('strikes/:id/holds')
  holds(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Query() query: ListHoldsQuery) {
    return this.service.holds(caller, id, query);
  }

  @ApiOperation({ summary: 'Resume a held post waiting for review' })
  @ApiOkResponse({ schema: S.holdDecision })
  @Post('holds/:id/resume')
  @Roles('admin', 'community_manager')
  @HttpCode(200)
  resume(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Body() body: ResumeHoldDto) {
    return this.service.reviewHold(caller, id, { action: 'resume', scheduledAt: body.scheduledAt });
  }

  @ApiOperation({ summary: 'Schedule again a post scheduled natively on the instance, waiting for review' })
  @ApiOkResponse({ schema: S.nativeDecision })
  @Post('native-holds/:id/resume')
  @Roles('admin', 'community_manager')
  @HttpCode(200)
  resumeNative(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Body() body: ResumeHoldDto) {
    return this.service.reviewNative(caller, id, { action: 'resume', scheduledAt: body.scheduledAt });
  }

  @ApiOperation({ summary: 'Delete a natively scheduled post waiting for review' })
  @ApiOkResponse({ schema: S.nativeDecision })
  @Post('native-holds/:id/drop')
  @Roles('admin', 'community_manager')
  @HttpCode(200)
  dropNative(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string) {
    return this.service.reviewNative(caller, id, { action: 'drop' });
  }

  @ApiOperation({ summary: 'Cancel a held post waiting for review' })
  @ApiOkResponse({ schema: S.holdDecision })
  @Post('holds/:id/drop')
  @Roles('admin', 'community_manager')
  @HttpCode(200)
  drop(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Body() body: DropHoldDto) {
    return this.service.reviewHold(caller, id, { action: 'drop', reason: body.reason });
  }
}
