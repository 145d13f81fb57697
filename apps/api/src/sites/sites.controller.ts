import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Patch, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import type { Caller } from '#domain/models.js';
import { CurrentCaller, Roles } from '../common/auth.js';
import { CalendarDto, CreateSiteDto, UpdateSiteDto } from './dto/site.dto.js';
import { siteSchemas, siteView } from './site.view.js';
import { SitesService } from './sites.service.js';

/** An organisation's websites, where its strikes show (display form) or close them (access form). Changes: admins. */
@ApiTags('sites')
@ApiBearerAuth()
@Controller('v1')
export class SitesController {
  constructor(
    private readonly service: SitesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private view = (s: Parameters<typeof siteView>[0]) => siteView(s, this.config.http.publicUrl);

  @Get('sites')
  @ApiOperation({ summary: "The organisation's sites, their keys and the lines to paste" })
  @ApiOkResponse({ schema: siteSchemas.sites })
  async list(@CurrentCaller() caller: Caller) {
    return { items: (await this.service.list(caller)).map(this.view) };
  }

  @Post('sites')
  @Roles('admin')
  @ApiOperation({ summary: 'Register a site (a partner site with its consent): it gets its own public key' })
  @ApiCreatedResponse({ schema: siteSchemas.site })
  async create(@CurrentCaller() caller: Caller, @Body() body: CreateSiteDto) {
    return this.view(await this.service.create(caller, body));
  }

  @Get('sites/:id')
  @ApiOperation({ summary: 'One site' })
  @ApiOkResponse({ schema: siteSchemas.site })
  async get(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string) {
    return this.view(await this.service.get(caller, id));
  }

  @Patch('sites/:id')
  @Roles('admin')
  @ApiOperation({ summary: "Rename a site, change its origin, its closed and excepted paths, or a partner's consent" })
  @ApiOkResponse({ schema: siteSchemas.site })
  async update(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateSiteDto) {
    return this.view(await this.service.update(caller, id, body));
  }

  @Post('sites/:id/key')
  @Roles('admin')
  @ApiOperation({ summary: 'Give the site a new public key (the old one stops answering at once)' })
  @ApiCreatedResponse({ schema: siteSchemas.site })
  async rotate(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string) {
    return this.view(await this.service.rotateKey(caller, id));
  }

  @Delete('sites/:id')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a site: its key stops answering (strikes that named it keep the record)' })
  @ApiNoContentResponse({ description: 'Removed' })
  async remove(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.service.remove(caller, id);
  }

  @Get('strike-calendar')
  @ApiOperation({ summary: "The organisation's iCalendar feed of approved public strikes, if it opted in" })
  @ApiOkResponse({ schema: siteSchemas.calendar })
  async calendar(@CurrentCaller() caller: Caller) {
    return this.calendarView(await this.service.calendar(caller));
  }

  @Put('strike-calendar')
  @Roles('admin')
  @ApiOperation({ summary: 'Opt in to the calendar feed (a new URL each time) or out' })
  @ApiOkResponse({ schema: siteSchemas.calendar })
  async setCalendar(@CurrentCaller() caller: Caller, @Body() body: CalendarDto) {
    return this.calendarView(await this.service.setCalendar(caller, body.enabled));
  }

  private calendarView(c: { enabled: boolean; createdAt: Date | null; feedKey: string | null }) {
    const base = this.config.http.publicUrl.replace(/\/$/, '');
    return { enabled: c.enabled, createdAt: c.createdAt, url: c.feedKey ? `${base}/v1/public/calendars/${c.feedKey}/strikes.ics` : null };
  }
}
