import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsString, IsUUID, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { TEMPLATE_MAX_LENGTH } from '#feeds/template.js';
import { Optional } from '../../common/validators.js';

export const STRIKE_POLICIES = ['hold', 'drop'] as const;
export type StrikePolicy = (typeof STRIKE_POLICIES)[number];
const TEMPLATE_DOC = `Placeholders {title} {url} {summary} {feed}; at most ${TEMPLATE_MAX_LENGTH} characters. Too long for a network, the summary then the title are cut at a word, the URL never.`;

export class AccountTemplateDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'must be an account id' })
  accountId!: string;

  @ApiProperty({ description: TEMPLATE_DOC })
  @IsString()
  @MaxLength(TEMPLATE_MAX_LENGTH, { message: `must be at most ${TEMPLATE_MAX_LENGTH} characters long` })
  template!: string;
}

class FeedSettingsDto {
  @ApiPropertyOptional({ default: '{title} {url}', description: TEMPLATE_DOC })
  @Optional()
  @IsString()
  @MaxLength(TEMPLATE_MAX_LENGTH, { message: `must be at most ${TEMPLATE_MAX_LENGTH} characters long` })
  template?: string;

  @ApiPropertyOptional({ type: [AccountTemplateDto], description: 'A template for some accounts, instead of the feed\'s' })
  @Optional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsObject({ each: true, message: 'must hold objects' })
  @ValidateNested({ each: true })
  @Type(() => AccountTemplateDto)
  accountTemplates?: AccountTemplateDto[];

  @ApiPropertyOptional({ enum: STRIKE_POLICIES, default: 'hold', description: 'hold: items during a strike are held like any post, then get its fate; drop: never published' })
  @Optional()
  @IsIn(STRIKE_POLICIES, { message: `must be one of: ${STRIKE_POLICIES.join(', ')}` })
  strikePolicy?: StrikePolicy;

  @ApiPropertyOptional({ default: 0, maximum: 604800, description: 'Seconds between an item being found and its post' })
  @Optional()
  @IsInt()
  @Min(0)
  @Max(604_800)
  delaySeconds?: number;

  @ApiPropertyOptional({ default: 0, maximum: 86400, description: 'At least this many seconds between two posts of this feed on an account' })
  @Optional()
  @IsInt()
  @Min(0)
  @Max(86_400)
  spacingSeconds?: number;
}

export class CreateFeedDto extends FeedSettingsDto {
  @ApiProperty({ example: 'https://example.org/feed.xml', description: 'RSS 2.0, Atom or JSON Feed; https and a public address' })
  @IsString()
  @MaxLength(2000)
  url!: string;

  @ApiProperty({ type: [String], format: 'uuid', description: 'The accounts each new item is posted on' })
  @IsArray()
  @ArrayMinSize(1, { message: 'must name at least one account' })
  @ArrayMaxSize(50)
  @ArrayUnique({ message: 'must not name an account twice' })
  @IsUUID('all', { each: true, message: 'must hold account ids' })
  accountIds!: string[];

  @ApiPropertyOptional({ default: false, description: 'Also post what the feed holds already (its back catalogue)' })
  @Optional()
  @IsBoolean()
  backCatalogue?: boolean;
}

export class UpdateFeedDto extends FeedSettingsDto {
  @ApiPropertyOptional({ type: [String], format: 'uuid' })
  @Optional()
  @IsArray()
  @ArrayMinSize(1, { message: 'must name at least one account' })
  @ArrayMaxSize(50)
  @ArrayUnique({ message: 'must not name an account twice' })
  @IsUUID('all', { each: true, message: 'must hold account ids' })
  accountIds?: string[];

  @ApiPropertyOptional({ description: 'A paused feed is not read' })
  @Optional()
  @IsBoolean()
  paused?: boolean;
}
