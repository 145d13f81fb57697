import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '#webhooks/rules.js';
import { Optional } from '../../common/validators.js';

class WebhookSettingsDto {
  @ApiPropertyOptional({ maxLength: 500 })
  @Optional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({ type: [String], enum: WEBHOOK_EVENT_TYPES, description: 'The event types sent; empty or absent: all of them' })
  @Optional()
  @IsArray()
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @ArrayUnique({ message: 'must not name a type twice' })
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true, message: `must hold event types among: ${WEBHOOK_EVENT_TYPES.join(', ')}` })
  eventTypes?: WebhookEventType[];
}

export class CreateWebhookDto extends WebhookSettingsDto {
  @ApiProperty({ example: 'https://tools.example.org/piquet-events', description: 'https and a public address' })
  @IsString()
  @MaxLength(2000)
  url!: string;
}

export class UpdateWebhookDto extends WebhookSettingsDto {
  @ApiPropertyOptional()
  @Optional()
  @IsString()
  @MaxLength(2000)
  url?: string;

  @ApiPropertyOptional({ description: 'true re-enables a disabled endpoint (its waiting events go out, oldest first); false disables it' })
  @Optional()
  @IsBoolean()
  enabled?: boolean;
}

export class RotateSecretDto {
  @ApiPropertyOptional({ description: 'How long the old secret still signs (both signatures are sent meanwhile); default WEBHOOK_SECRET_OVERLAP_MS', maximum: 604800 })
  @Optional()
  @IsInt()
  @Min(0)
  @Max(604_800)
  overlapSeconds?: number;
}

export class ListWebhookDeliveriesQuery {
  @ApiPropertyOptional({ default: 50, maximum: 500 })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}
