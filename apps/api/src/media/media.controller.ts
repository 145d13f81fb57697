import { Controller, Post, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { S } from '../common/openapi.js';
import type { Caller } from '#domain/models.js';
import { CurrentCaller, Roles } from '../common/auth.js';
import { MediaService } from './media.service.js';

@ApiTags('media')
@ApiBearerAuth()
@Controller('v1/media')
export class MediaController {
  constructor(private readonly service: MediaService) {}

  @ApiOperation({ summary: 'Upload an image for posts, strike messages or a profile' })
  @ApiCreatedResponse({ schema: S.media })
  @Post()
  @Roles('admin', 'community_manager')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } })
  @UseInterceptors(FileInterceptor('file'))
  upload(@CurrentCaller() caller: Caller, @UploadedFile() file: { buffer: Buffer; size: number } | undefined) {
    return this.service.upload(caller, file);
  }
}
