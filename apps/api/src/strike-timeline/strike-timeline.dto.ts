import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { HOLD_FATES, type HoldFate } from '#strikes/domain/strike.js';
import { IsInstantWithOffset, Optional } from '../common/validators.js';

export class ResumeHoldDto {
  @ApiPropertyOptional({ example: '2026-12-06T09:00:00+01:00', description: 'When to publish it; now if left out' })
  @Optional()
  @IsInstantWithOffset()
  scheduledAt?: string;
}

export class DropHoldDto {
  @ApiPropertyOptional()
  @Optional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class ListHoldsQuery {
  @ApiPropertyOptional({ enum: HOLD_FATES })
  @Optional()
  @IsIn(HOLD_FATES, { message: `must be one of: ${HOLD_FATES.join(', ')}` })
  fate?: HoldFate;

  @ApiPropertyOptional({ default: 200, maximum: 1000 })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @Optional()
  @IsUUID('all', { message: 'is not a cursor this API gave' })
  cursor?: string;
}
