import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { HELD_POLICIES, STRIKE_MODES, STRIKE_STATES, type HeldPolicy, type StrikeMode, type StrikeState } from '#strikes/domain/strike.js';
import { IsInstantWithOffset, IsNotBlank, Optional } from '../../common/validators.js';
import { MAX_MEDIA_PER_POST, PostMediaDto } from '../../posts/dto/post.dto.js';
import { StrikeSiteDto } from '../../sites/dto/site.dto.js';

export const MAX_ROTATION = 20;

export class PerNetworkTextDto {
  @ApiPropertyOptional({ maxLength: 10000 })
  @Optional()
  @IsString()
  @IsNotBlank()
  @MaxLength(10000)
  mastodon?: string;

  @ApiPropertyOptional({ maxLength: 10000, description: 'Counted as X counts: URLs 23, some characters 2' })
  @Optional()
  @IsString()
  @IsNotBlank()
  @MaxLength(10000)
  x?: string;

  @ApiPropertyOptional({ maxLength: 10000, description: 'Counted in graphemes' })
  @Optional()
  @IsString()
  @IsNotBlank()
  @MaxLength(10000)
  bluesky?: string;
}

export class StrikeMessageDto {
  @ApiProperty({ maxLength: 10000, description: 'Checked against the limit of every account on strike' })
  @IsString()
  @IsNotBlank()
  @MaxLength(10000)
  text!: string;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Content warning (spoiler text)' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  contentWarning?: string | null;

  @ApiPropertyOptional({ type: [PostMediaDto], maxItems: MAX_MEDIA_PER_POST })
  @Optional()
  @IsArray()
  @ArrayMaxSize(MAX_MEDIA_PER_POST, { message: `must hold at most ${MAX_MEDIA_PER_POST} images` })
  @IsObject({ each: true, message: 'must hold objects' })
  @ValidateNested({ each: true })
  @Type(() => PostMediaDto)
  media?: PostMediaDto[];

  @ApiPropertyOptional({ type: PerNetworkTextDto, description: 'A text of its own for a network, such as a shorter one for X' })
  @Optional()
  @IsObject({ message: 'must be an object' })
  @ValidateNested()
  @Type(() => PerNetworkTextDto)
  perNetwork?: PerNetworkTextDto;
}

export class StrikeMessagesDto {
  @ApiPropertyOptional({ type: StrikeMessageDto, description: 'Published on every account in scope at the start (required in occupation mode)' })
  @Optional()
  @IsObject({ message: 'must be an object' })
  @ValidateNested()
  @Type(() => StrikeMessageDto)
  opening?: StrikeMessageDto;

  @ApiPropertyOptional({ type: [StrikeMessageDto], description: 'Published in turn in the slots of held posts; defaults to [opening]' })
  @Optional()
  @IsArray()
  @ArrayMinSize(1, { message: 'must hold at least one message when given' })
  @ArrayMaxSize(MAX_ROTATION, { message: `must hold at most ${MAX_ROTATION} messages` })
  @IsObject({ each: true, message: 'must hold objects' })
  @ValidateNested({ each: true })
  @Type(() => StrikeMessageDto)
  rotation?: StrikeMessageDto[];

  @ApiPropertyOptional({ type: StrikeMessageDto, description: 'Published on every account in scope at the end' })
  @Optional()
  @IsObject({ message: 'must be an object' })
  @ValidateNested()
  @Type(() => StrikeMessageDto)
  closing?: StrikeMessageDto;
}

export class StrikeProfileDto {
  @ApiPropertyOptional({ type: String, nullable: true, example: '✊', description: 'Put before the display name' })
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(30)
  displayNamePrefix?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'en grève', description: 'Put after the display name' })
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(30)
  displayNameSuffix?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 500, description: 'Replaces the bio during the strike' })
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(500)
  bio?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid', description: 'An image from POST /v1/media' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a media id' })
  avatarMediaId?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid', description: 'An image from POST /v1/media' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a media id' })
  headerMediaId?: string | null;

  @ApiPropertyOptional({ description: 'Pin the opening post while the strike runs' })
  @Optional()
  @IsBoolean()
  pinOpening?: boolean;
}

/** The fields of a strike; creation requires some, an edit none. */
class StrikeFieldsDto {
  @ApiPropertyOptional({ type: [StrikeSiteDto], maxItems: 100, description: 'Websites in scope (see /v1/sites) and the form the strike takes on each. On an edit: the whole new list ([] for none); left out, unchanged' })
  @Optional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsObject({ each: true, message: 'must hold objects' })
  @ValidateNested({ each: true })
  @Type(() => StrikeSiteDto)
  sites?: StrikeSiteDto[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'The accounts on strike (or allAccounts: true)' })
  @Optional()
  @IsArray()
  @ArrayMinSize(1, { message: 'must name at least one account' })
  @ArrayMaxSize(200)
  @ArrayUnique({ message: 'must not name an account twice' })
  @IsUUID('all', { each: true, message: 'must hold account ids' })
  accountIds?: string[];

  @ApiPropertyOptional({ description: 'Every connected account of the organisation (instead of accountIds)' })
  @Optional()
  @IsBoolean()
  allAccounts?: boolean;

  @ApiPropertyOptional({ enum: HELD_POLICIES, default: 'resume', description: 'What becomes of the ordinary posts held during the strike' })
  @Optional()
  @IsIn(HELD_POLICIES, { message: `must be one of: ${HELD_POLICIES.join(', ')}` })
  heldPolicy?: HeldPolicy;

  @ApiPropertyOptional({ default: 300, minimum: 1, maximum: 86400, description: 'Gap between two resumed posts on one account' })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(86400)
  resumeSpacingSeconds?: number;

  @ApiPropertyOptional({ default: 900, minimum: 0, maximum: 86400, description: 'Gap between two strike posts on one account' })
  @Optional()
  @IsInt()
  @Min(0)
  @Max(86400)
  occupationSpacingSeconds?: number;

  @ApiPropertyOptional({ type: StrikeMessagesDto, description: 'Occupation mode only' })
  @Optional()
  @IsObject({ message: 'must be an object' })
  @ValidateNested()
  @Type(() => StrikeMessagesDto)
  messages?: StrikeMessagesDto;

  @ApiPropertyOptional({ type: StrikeProfileDto, nullable: true, description: 'Profile occupation (occupation mode only); null removes it' })
  @IsOptional()
  @IsObject({ message: 'must be an object' })
  @ValidateNested()
  @Type(() => StrikeProfileDto)
  profile?: StrikeProfileDto | null;
}

export class CreateStrikeDto extends StrikeFieldsDto {
  @ApiProperty({ maxLength: 200 })
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  title!: string;

  @ApiProperty({ maxLength: 5000, description: 'The public reason for the strike' })
  @IsString()
  @IsNotBlank()
  @MaxLength(5000)
  reason!: string;

  @ApiProperty({ example: '2026-12-05T09:00:00+01:00' })
  @IsInstantWithOffset()
  startsAt!: string;

  @ApiProperty({ example: '2026-12-06T09:00:00+01:00' })
  @IsInstantWithOffset()
  endsAt!: string;

  @ApiProperty({ enum: STRIKE_MODES })
  @IsIn(STRIKE_MODES, { message: `must be one of: ${STRIKE_MODES.join(', ')}` })
  mode!: StrikeMode;
}

/** Every field optional. `messages` and `profile`, when given, replace the whole object. */
export class UpdateStrikeDto extends StrikeFieldsDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @Optional()
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  title?: string;

  @ApiPropertyOptional({ maxLength: 5000 })
  @Optional()
  @IsString()
  @IsNotBlank()
  @MaxLength(5000)
  reason?: string;

  @ApiPropertyOptional({ example: '2026-12-05T09:00:00+01:00' })
  @Optional()
  @IsInstantWithOffset()
  startsAt?: string;

  @ApiPropertyOptional({ example: '2026-12-06T09:00:00+01:00' })
  @Optional()
  @IsInstantWithOffset()
  endsAt?: string;

  @ApiPropertyOptional({ enum: STRIKE_MODES })
  @Optional()
  @IsIn(STRIKE_MODES, { message: `must be one of: ${STRIKE_MODES.join(', ')}` })
  mode?: StrikeMode;
}

export class StopStrikeDto {
  @ApiPropertyOptional({ maxLength: 2000, description: 'Why the strike should stop (shown with the motion)' })
  @Optional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class ExtendStrikeDto {
  @ApiProperty({ example: '2026-12-07T09:00:00+01:00', description: 'The new end, later than the current one' })
  @IsInstantWithOffset()
  endsAt!: string;
}

export class ListStrikesQuery {
  @ApiPropertyOptional({ enum: STRIKE_STATES })
  @Optional()
  @IsIn(STRIKE_STATES, { message: `must be one of: ${STRIKE_STATES.join(', ')}` })
  state?: StrikeState;

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
