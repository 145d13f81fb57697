import { Controller, Get, Param, ParseUUIDPipe, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Caller } from '#domain/models.js';
import { CurrentCaller } from '../common/auth.js';
import type { SchemaObject } from '@nestjs/swagger';
import { S } from '../common/openapi.js';
import { strikeSiteSchemas, StrikeSitesView } from '../sites/strike-sites.view.js';
import { LiveStreams } from './live-streams.js';
import { StrikeTimelineService } from './strike-timeline.service.js';

/** The live view and, beside it, the websites in scope with whether their form is in force now. */
export async function liveWithSites(service: StrikeTimelineService, sites: StrikeSitesView, caller: Caller, id: string) {
  const live = await service.live(caller, id);
  return { ...live, sites: await sites.forLive(caller, live) };
}

export const liveSchema: SchemaObject = {
  ...S.live,
  properties: { ...S.live.properties, sites: strikeSiteSchemas.live },
  required: [...(S.live.required ?? []), 'sites'],
};

@ApiTags('strikes')
@ApiBearerAuth()
@Controller('v1')
export class StrikeEventsController {
  constructor(
    private readonly service: StrikeTimelineService,
    private readonly streams: LiveStreams,
    private readonly sites: StrikeSitesView,
  ) {}

  @Get('strikes/:id/events')
  @ApiOperation({ summary: 'The live view as server-sent events: `event: live` with the JSON of GET /v1/strikes/:id/live, at connect and on every change' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'A text/event-stream; each `live` event carries the same JSON as GET /v1/strikes/:id/live', schema: { type: 'string' } })
  async events(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.streams.stream(req, res, () => liveWithSites(this.service, this.sites, caller, id));
  }
}
