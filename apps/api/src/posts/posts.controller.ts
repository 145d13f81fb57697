import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { S } from '../common/openapi.js';
import type { Caller } from '#domain/models.js';
import { CurrentCaller, Roles } from '../common/auth.js';
import { CancelPostDto, CreatePostDto, ListPostsQuery, ReschedulePostDto, UpdatePostDto } from './dto/post.dto.js';
import { postView } from './post.view.js';
import { PostsService } from './posts.service.js';

@ApiTags('posts')
@ApiBearerAuth()
@Controller('v1/posts')
export class PostsController {
  constructor(private readonly service: PostsService) {}

  @ApiOperation({ summary: 'Schedule a post on one or more accounts (one delivery per account)' })
  @ApiCreatedResponse({ schema: S.post })
  @Post()
  @Roles('admin', 'community_manager')
  async create(@CurrentCaller() caller: Caller, @Body() body: CreatePostDto) {
    return postView(await this.service.create(caller, body));
  }

  @ApiOperation({ summary: 'Posts, page by page' })
  @ApiOkResponse({ schema: S.posts })
  @Get()
  async list(@CurrentCaller() caller: Caller, @Query() query: ListPostsQuery) {
    const { items, nextCursor } = await this.service.list(caller, query);
    return { items: items.map(postView), nextCursor };
  }

  @ApiOperation({ summary: 'One post and its deliveries' })
  @ApiOkResponse({ schema: S.post })
  @Get(':id')
  async get(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string) {
    return postView(await this.service.get(caller, id));
  }

  @ApiOperation({ summary: 'Edit a post not yet published' })
  @ApiOkResponse({ schema: S.post })
  @Patch(':id')
  @Roles('admin', 'community_manager')
  async update(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Body() body: UpdatePostDto) {
    return postView(await this.service.update(caller, id, body));
  }

  @ApiOperation({ summary: 'Move a post to another time' })
  @ApiOkResponse({ schema: S.post })
  @Post(':id/reschedule')
  @Roles('admin', 'community_manager')
  @HttpCode(200)
  async reschedule(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Body() body: ReschedulePostDto) {
    return postView(await this.service.reschedule(caller, id, body.scheduledAt));
  }

  @ApiOperation({ summary: 'Cancel a post\'s deliveries not yet published' })
  @ApiOkResponse({ schema: S.post })
  @Post(':id/cancel')
  @Roles('admin', 'community_manager')
  @HttpCode(200)
  async cancel(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Body() body: CancelPostDto) {
    return postView(await this.service.cancel(caller, id, body.reason));
  }
}
