import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Caller } from '../../../../libs/domain/models.js';
import { CurrentCaller, Roles } from '../common/auth.js';
import { CancelPostDto, CreatePostDto, ListPostsQuery, ReschedulePostDto, UpdatePostDto } from './dto/post.dto.js';
import { postView } from './post.view.js';
import { PostsService } from './posts.service.js';

@ApiTags('posts')
@ApiBearerAuth()
@Controller('v1/posts')
export class PostsController {
  constructor(private readonly service: PostsService) {}

  @Post()
  @Roles('admin', 'community_manager')
  async create(@CurrentCaller() caller: Caller, @Body() body: CreatePostDto) {
    return postView(await this.service.create(caller, body));
  }

  @Get()
  async list(@CurrentCaller() caller: Caller, @Query() query: ListPostsQuery) {
    const { items, nextCursor } = await this.service.list(caller, query);
    return { items: items.map(postView), nextCursor };
  }

  @Get(':id')
  async get(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string) {
    return postView(await this.service.get(caller, id));
  }

  @Patch(':id')
  @Roles('admin', 'community_manager')
  async update(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Body() body: UpdatePostDto) {
    return postView(await this.service.update(caller, id, body));
  }

  @Post(':id/reschedule')
  @Roles('admin', 'community_manager')
  @HttpCode(200)
  async reschedule(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Body() body: ReschedulePostDto) {
    return postView(await this.service.reschedule(caller, id, body.scheduledAt));
  }

  @Post(':id/cancel')
  @Roles('admin', 'community_manager')
  @HttpCode(200)
  async cancel(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Body() body: CancelPostDto) {
    return postView(await this.service.cancel(caller, id, body.reason));
  }
}
