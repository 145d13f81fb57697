import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { Optional } from '../common/validators.js';
import { LANGS, type Lang } from '#reports/i18n.js';

export class ReportQuery {
  @ApiPropertyOptional({ default: 30, minimum: 1, maximum: 365, description: 'Days before the strike whose ordinary posts make the baseline' })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(365)
  baselineDays?: number;

  @ApiPropertyOptional({ enum: LANGS, default: 'en', description: 'Language of the sentences' })
  @Optional()
  @IsIn(LANGS, { message: `must be one of: ${LANGS.join(', ')}` })
  lang?: Lang;

  @ApiPropertyOptional({
    enum: ['total', 'post'],
    default: 'total',
    description: "'total': the summed series only, at most 1,000 points; 'post': every post's own series too, and the summed one in full (large)",
  })
  @Optional()
  @IsIn(['total', 'post'], { message: 'must be one of: total, post' })
  series?: 'total' | 'post';
}

export class ReportPageQuery extends ReportQuery {
  @ApiPropertyOptional({ default: 'UTC', example: 'Europe/Paris', description: 'Time zone the page shows times in' })
  @Optional()
  @IsString()
  @MaxLength(64)
  tz?: string;
}

/**
 * A report link's parameters: checked by the service, so a wrong or missing one opens a page that
 * says so (404, 410, 403), not a 400; an unknown `lang` falls back to Accept-Language.
 */
export class PublicReportQuery {
  @ApiPropertyOptional({ default: 30, minimum: 1, maximum: 365 })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(365)
  baselineDays?: number;

  @ApiPropertyOptional({ enum: LANGS, description: 'Page language; Accept-Language when absent' })
  @Optional()
  @IsString()
  @MaxLength(35)
  lang?: string;

  @ApiPropertyOptional({ example: 'Europe/Paris' })
  @Optional()
  @IsString()
  @MaxLength(64)
  tz?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The link (its id)' })
  @Optional()
  @IsString()
  @MaxLength(100)
  link?: string;

  @ApiPropertyOptional({ description: 'The link signature' })
  @Optional()
  @IsString()
  @MaxLength(100)
  sig?: string;

  @ApiPropertyOptional({ deprecated: true, description: 'Links made before links could be revoked carried it; they no longer open' })
  @Optional()
  @IsString()
  @MaxLength(20)
  expires?: string;
}

export class ReportLinkDto {
  @ApiPropertyOptional({ enum: LANGS, description: 'The page language the link opens in' })
  @Optional()
  @IsIn(LANGS, { message: `must be one of: ${LANGS.join(', ')}` })
  lang?: Lang;

  @ApiPropertyOptional({ example: 'Europe/Paris', description: 'The time zone the page shows times in' })
  @Optional()
  @IsString()
  @MaxLength(64)
  tz?: string;
}

export class CommentFilterQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only comments under this strike post (a delivery id)' })
  @Optional()
  @IsUUID('all', { message: 'must be a strike post (delivery) id' })
  deliveryId?: string;

  @ApiPropertyOptional({ example: '@camille@example.org', description: 'Only comments by this handle (case-insensitive)' })
  @Optional()
  @IsString()
  @MaxLength(320)
  author?: string;

  @ApiPropertyOptional({ description: 'Only comments whose text contains this (case-insensitive)' })
  @Optional()
  @IsString()
  @MaxLength(500)
  q?: string;

  @ApiPropertyOptional({ default: false, description: 'Also list comments deleted on the network' })
  @Optional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'must be true or false' })
  includeDeleted?: boolean;
}

export class ListCommentsQuery extends CommentFilterQuery {
  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @Optional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}
