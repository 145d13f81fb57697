import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
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
