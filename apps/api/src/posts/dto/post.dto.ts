import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { DELIVERY_STATES, VISIBILITIES, type DeliveryState, type Visibility } from '#domain/models.js';
import { IsInstantWithOffset, IsNotBlank, Optional } from '../../common/validators.js';

export const MAX_MEDIA_PER_POST = 4;

export class PostMediaDto {
  @ApiProperty({ format: 'uuid', description: 'An id from POST /v1/media' })
  @IsUUID('all', { message: 'must be a media id' })
  mediaId!: string;

  @ApiProperty({ description: 'A description for people who cannot see the image' })
  @IsString()
  @IsNotEmpty({ message: 'is required: every image needs a description' })
  @IsNotBlank()
  @MaxLength(1500)
  altText!: string;
}

class PostContentDto {
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Content warning (spoiler text)' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  contentWarning?: string | null;

  @ApiPropertyOptional({ enum: VISIBILITIES })
  @Optional()
  @IsIn(VISIBILITIES, { message: `must be one of: ${VISIBILITIES.join(', ')}` })
  visibility?: Visibility;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'fr', description: 'ISO 639-1 language code' })
  @IsOptional()
  @Matches(/^[a-z]{2}$/, { message: 'must be a two-letter ISO 639-1 code, such as fr' })
  language?: string | null;

  @ApiPropertyOptional({ type: [PostMediaDto], maxItems: MAX_MEDIA_PER_POST })
  @Optional()
  @IsArray()
  @ArrayMaxSize(MAX_MEDIA_PER_POST, { message: `must hold at most ${MAX_MEDIA_PER_POST} images` })
  @IsObject({ each: true, message: 'must hold objects' })
  @ValidateNested({ each: true })
  @Type(() => PostMediaDto)
  media?: PostMediaDto[];
}

export class CreatePostDto extends PostContentDto {
  @ApiProperty({ maxLength: 10000 })
  @IsString()
  @IsNotBlank()
  @MaxLength(10000)
  text!: string;

  @ApiProperty({ example: '2026-12-05T09:00:00+01:00' })
  @IsInstantWithOffset()
  scheduledAt!: string;

  @ApiProperty({ type: [String], format: 'uuid', description: 'The accounts to publish to: one delivery each' })
  @IsArray()
  @ArrayMinSize(1, { message: 'must name at least one account' })
  @ArrayMaxSize(50)
  @ArrayUnique({ message: 'must not name an account twice' })
  @IsUUID('all', { each: true, message: 'must hold account ids' })
  accountIds!: string[];
}

export class UpdatePostDto extends PostContentDto {
  @ApiPropertyOptional({ maxLength: 10000 })
  @Optional()
  @IsString()
  @IsNotBlank()
  @MaxLength(10000)
  text?: string;

  @ApiPropertyOptional({ example: '2026-12-05T09:00:00+01:00' })
  @Optional()
  @IsInstantWithOffset()
  scheduledAt?: string;
}

export class ReschedulePostDto {
  @ApiProperty({ example: '2026-12-05T09:00:00+01:00' })
  @IsInstantWithOffset()
  scheduledAt!: string;
}

export class CancelPostDto {
  @ApiPropertyOptional()
  @Optional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class ListPostsQuery {
  @ApiPropertyOptional({ enum: DELIVERY_STATES, description: 'Posts with at least one delivery in this state' })
  @Optional()
  @IsIn(DELIVERY_STATES, { message: `must be one of: ${DELIVERY_STATES.join(', ')}` })
  state?: DeliveryState;

  @ApiPropertyOptional({ format: 'uuid' })
  @Optional()
  @IsUUID('all', { message: 'must be an account id' })
  accountId?: string;

  @ApiPropertyOptional({ description: 'Scheduled at or after' })
  @Optional()
  @IsInstantWithOffset()
  from?: string;

  @ApiPropertyOptional({ description: 'Scheduled before' })
  @Optional()
  @IsInstantWithOffset()
  to?: string;

  @ApiPropertyOptional({ default: 50, maximum: 200 })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @Optional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}
