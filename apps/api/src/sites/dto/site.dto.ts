import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsObject, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { SITE_FORMS, SITE_KINDS, type SiteForm, type SiteKind } from '#sites/access.js';
import { IsInstantWithOffset, IsNotBlank, Optional } from '../../common/validators.js';

export const MAX_PREFIXES = 50;

export class SiteConsentDto {
  @ApiProperty({ maxLength: 200, example: 'Comité de rédaction de la revue X', description: 'Who agreed, for the partner' })
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  by!: string;

  @ApiProperty({ maxLength: 2000, example: 'Vote du 3 décembre: bannière et fermeture pendant les grèves votées', description: 'What they agreed to, and how' })
  @IsString()
  @IsNotBlank()
  @MaxLength(2000)
  note!: string;

  @ApiPropertyOptional({ example: '2026-12-03T18:00:00+01:00', description: 'When they agreed (default: now)' })
  @Optional()
  @IsInstantWithOffset()
  at?: string;
}

class SiteFieldsDto {
  @ApiPropertyOptional({ type: [String], maxItems: MAX_PREFIXES, example: ['/articles'], description: 'Path prefixes a strike closes (access form); none: the whole site' })
  @Optional()
  @IsArray()
  @ArrayMaxSize(MAX_PREFIXES)
  @ArrayUnique({ message: 'must not name a prefix twice' })
  @IsString({ each: true })
  @MaxLength(500, { each: true })
  closedPrefixes?: string[];

  @ApiPropertyOptional({ type: [String], maxItems: MAX_PREFIXES, example: ['/legal', '/status'], description: 'Path prefixes never closed' })
  @Optional()
  @IsArray()
  @ArrayMaxSize(MAX_PREFIXES)
  @ArrayUnique({ message: 'must not name a prefix twice' })
  @IsString({ each: true })
  @MaxLength(500, { each: true })
  exceptPrefixes?: string[];
}

export class CreateSiteDto extends SiteFieldsDto {
  @ApiProperty({ maxLength: 200, example: 'Le site du journal' })
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ maxLength: 500, example: 'https://journal.example', description: 'The site\'s origin: scheme, host and port, no path' })
  @IsString()
  @MaxLength(500)
  origin!: string;

  @ApiPropertyOptional({ enum: SITE_KINDS, default: 'own', description: 'partner: another organisation\'s site that asked for it (consent required)' })
  @Optional()
  @IsIn(SITE_KINDS, { message: `must be one of: ${SITE_KINDS.join(', ')}` })
  kind?: SiteKind;

  @ApiPropertyOptional({ type: SiteConsentDto, description: 'Required for a partner site' })
  @Optional()
  @IsObject({ message: 'must be an object' })
  @ValidateNested()
  @Type(() => SiteConsentDto)
  consent?: SiteConsentDto;
}

export class UpdateSiteDto extends SiteFieldsDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @Optional()
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @Optional()
  @IsString()
  @MaxLength(500)
  origin?: string;

  @ApiPropertyOptional({ type: SiteConsentDto, description: 'A new consent for a partner site' })
  @Optional()
  @IsObject({ message: 'must be an object' })
  @ValidateNested()
  @Type(() => SiteConsentDto)
  consent?: SiteConsentDto;
}

/** One site in a strike's scope and the form the strike takes there. */
export class StrikeSiteDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'must be a site id' })
  siteId!: string;

  @ApiProperty({ enum: SITE_FORMS, description: 'banner, full page (page), full page with a link on (page-continue), or closed by the reverse proxy' })
  @IsIn(SITE_FORMS, { message: `must be one of: ${SITE_FORMS.join(', ')}` })
  form!: SiteForm;
}

export class CalendarDto {
  @ApiProperty({ description: 'true: publish the feed of approved public strikes (a new URL each time); false: stop it' })
  @IsBoolean()
  enabled!: boolean;
}

export class PublicLangQuery {
  @ApiPropertyOptional({ enum: ['fr', 'en'] })
  @Optional()
  @IsIn(['fr', 'en'], { message: 'must be fr or en' })
  lang?: 'fr' | 'en';
}

export class AccessQuery {
  @ApiPropertyOptional({ maxLength: 4000, description: 'The path asked (else the X-Original-URI or X-Forwarded-Uri header)' })
  @Optional()
  @IsString()
  @MaxLength(4000)
  path?: string;
}
