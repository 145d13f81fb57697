import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export class ConnectAccountDto {
  @ApiProperty({ enum: ['mastodon'] })
  @IsIn(['mastodon'], { message: 'must be one of: mastodon' })
  network!: 'mastodon';

  @ApiProperty({ example: 'https://mastodon.social' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  instanceUrl!: string;

  @ApiProperty({ description: 'An access token with read and write scopes; stored encrypted, never returned.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  accessToken!: string;
}

export class ReconnectAccountDto {
  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  accessToken!: string;
}

export class StartOAuthDto {
  @ApiProperty({ example: 'https://mastodon.social' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  instanceUrl!: string;
}

export class OAuthCallbackQuery {
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  code!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  state!: string;
}

/** The OAuth confirmation page's form. */
export class OAuthConfirmDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  state!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  csrf!: string;
}

export class ConnectBlueskyDto {
  @ApiPropertyOptional({ example: 'https://bsky.social', description: 'The PDS or entryway; BLUESKY_SERVICE by default' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  service?: string;

  @ApiProperty({ example: 'journal.bsky.social', description: 'Handle, DID or e-mail' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  identifier!: string;

  @ApiProperty({ description: 'An app password (Settings → App passwords); stored encrypted, never returned.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  appPassword!: string;
}
