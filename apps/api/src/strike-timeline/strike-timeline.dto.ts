import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { HOLD_FATES, type HoldFate } from '../../../../libs/domain/strikes.js';
import { IsInstantWithOffset } from '../common/validators.js';

export class ResumeHoldDto {
  @ApiPropertyOptional({ example: '2026-12-06T09:00:00+01:00', description: 'When to publish it; now if left out' })
  @IsOptional()
  @IsInstantWithOffset()
  scheduledAt?: string;
}

export class DropHoldDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class ListHoldsQuery {
  @ApiPropertyOptional({ enum: HOLD_FATES })
  @IsOptional()
  @IsIn(HOLD_FATES, { message: `must be one of: ${HOLD_FATES.join(', ')}` })
  fate?: HoldFate;

  @ApiPropertyOptional({ default: 200, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsUUID('all', { message: 'is not a cursor this API gave' })
  cursor?: string;
}
