import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Caller } from '#domain/models.js';
import { CurrentCaller, Roles } from '../common/auth.js';
import { CreateFeedDto, UpdateFeedDto } from './dto/feed.dto.js';
import { feedItemView, feedView } from './feed.view.js';
import { FeedSchemas } from './feeds.openapi.js';
import { FeedsService } from './feeds.service.js';

@ApiTags('feeds')
@ApiBearerAuth()
@Controller('v1/feeds')
export class FeedsController {
  constructor(private readonly service: FeedsService) {}

  @ApiOperation({ summary: 'Follow a feed (RSS, Atom, JSON Feed): each new item becomes a post on the accounts given' })
  @ApiCreatedResponse({ schema: FeedSchemas.feed })
  @Post()
  @Roles('admin', 'community_manager')
  async create(@CurrentCaller() caller: Caller, @Body() body: CreateFeedDto) {
    return feedView(await this.service.create(caller, body));
  }

  @ApiOperation({ summary: 'The organisation\'s feeds, with their last error' })
  @ApiOkResponse({ schema: FeedSchemas.feeds })
  @Get()
  async list(@CurrentCaller() caller: Caller) {
    return (await this.service.list(caller)).map(feedView);
  }

  @ApiOperation({ summary: 'One feed' })
  @ApiOkResponse({ schema: FeedSchemas.feed })
  @Get(':id')
  async get(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string) {
    return feedView(await this.service.get(caller, id));
  }

  @ApiOperation({ summary: 'Change a feed: template, accounts, strike policy, delay and spacing, pause' })
  @ApiOkResponse({ schema: FeedSchemas.feed })
  @Patch(':id')
  @Roles('admin', 'community_manager')
  async update(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateFeedDto) {
    return feedView(await this.service.update(caller, id, body));
  }

  @ApiOperation({ summary: 'Read a feed now rather than at its next turn' })
  @ApiOkResponse({ schema: FeedSchemas.feed })
  @Post(':id/poll')
  @Roles('admin', 'community_manager')
  @HttpCode(200)
  async poll(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string) {
    return feedView(await this.service.pollNow(caller, id));
  }

  @ApiOperation({ summary: 'The items last seen in a feed and what became of each (latest 200)' })
  @ApiOkResponse({ schema: FeedSchemas.items })
  @Get(':id/items')
  async items(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string) {
    return (await this.service.items(caller, id, 200)).map(feedItemView);
  }

  @ApiOperation({ summary: 'Stop following a feed (the posts it made stay)' })
  @ApiNoContentResponse({ description: 'Removed' })
  @Delete(':id')
  @Roles('admin', 'community_manager')
  @HttpCode(204)
  async remove(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.service.remove(caller, id);
  }
}
