import { Body, Controller, Get, Inject, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { S } from '../common/openapi.js';
import { CLOCK, type Clock } from '#clock/clock.js';
import type { Caller } from '#domain/models.js';
import { StrikesService } from '#strikes/services/strikes.service.js';
import { CurrentCaller, Roles } from '../common/auth.js';
import { motionView, strikeDetailView, strikeView } from './strike.view.js';
import { CreateStrikeDto, ExtendStrikeDto, ListStrikesQuery, StopStrikeDto, UpdateStrikeDto } from './dto/strike.dto.js';
import { StrikeSpecBuilder } from './strike-spec.service.js';
import { SitesService } from '../sites/sites.service.js';
import { strikeSiteView } from '../sites/site.view.js';

@ApiTags('strikes')
@ApiBearerAuth()
@Controller('v1/strikes')
export class StrikesController {
  constructor(
    private readonly service: StrikesService,
    private readonly specs: StrikeSpecBuilder,
    private readonly sites: SitesService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private async withSites(caller: Caller, view: ReturnType<typeof strikeDetailView>) {
    return { ...view, sites: (await this.sites.forStrike(caller.organisationId, view.id)).map(strikeSiteView) };
  }

  @ApiOperation({ summary: 'Propose a strike: opens the motion that approves it' })
  @ApiCreatedResponse({ schema: S.strikeDetail })
  @Post()
  @Roles('admin', 'community_manager', 'member')
  async propose(@CurrentCaller() caller: Caller, @Body() body: CreateStrikeDto) {
    // The request is checked whole (sites, then the spec) before anything is written.
    const sites = await this.sites.checkStrikeSites(caller, body.sites);
    const spec = await this.specs.build(caller, body, null, this.clock.now());
    const detail = await this.service.propose(caller, spec);
    await this.sites.attachToStrike(caller, detail.strike.id, sites);
    return this.withSites(caller, strikeDetailView(detail));
  }

  @ApiOperation({ summary: 'Strikes, page by page' })
  @ApiOkResponse({ schema: S.strikes })
  @Get()
  async list(@CurrentCaller() caller: Caller, @Query() query: ListStrikesQuery) {
    const { items, nextCursor } = await this.service.list(caller, query);
    return { items: items.map(strikeView), nextCursor };
  }

  @ApiOperation({ summary: 'One strike and its motions' })
  @ApiOkResponse({ schema: S.strikeDetail })
  @Get(':id')
  async get(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string) {
    return this.withSites(caller, strikeDetailView(await this.service.get(caller, id)));
  }

  /** A proposed strike is edited (its votes reset); an approved one gets an amend motion instead. */
  @ApiOperation({ summary: 'Edit a proposed strike, or propose an amendment to an approved one' })
  @ApiOkResponse({ schema: S.strikeDetail })
  @Patch(':id')
  @Roles('admin', 'community_manager', 'member')
  async edit(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateStrikeDto) {
    const detail = await this.service.edit(
      caller,
      id,
      (current, now) => this.specs.build(caller, body, current, now),
      () => this.sites.changedSites(caller, id, body.sites),
    );
    return this.withSites(caller, strikeDetailView(detail));
  }

  @ApiOperation({ summary: 'Propose to cancel the strike (before the start) or end it now' })
  @ApiCreatedResponse({ schema: S.motion })
  @Post(':id/stop')
  @Roles('admin', 'community_manager', 'member')
  async stop(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Body() body: StopStrikeDto) {
    const detail = await this.service.stop(caller, id, body.note);
    return motionView(detail.motion, detail.eligibleNow);
  }

  @ApiOperation({ summary: 'Propose a later end' })
  @ApiCreatedResponse({ schema: S.motion })
  @Post(':id/extend')
  @Roles('admin', 'community_manager', 'member')
  async extend(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Body() body: ExtendStrikeDto) {
    const detail = await this.service.extend(caller, id, body.endsAt);
    return motionView(detail.motion, detail.eligibleNow);
  }
}
