import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { BALLOT_KINDS, DECISION_KINDS, VOTE_CHOICES, type BallotKind, type DecisionKind, type VoteChoice } from '#strikes/domain/strike.js';
import { IsInstantWithOffset, IsNotBlank, Optional } from '../../common/validators.js';

export class DecisionRuleDto {
  @ApiProperty({ enum: DECISION_KINDS, description: 'votes: members vote in Piquet; assembly: an admin records an assembly\'s vote' })
  @IsIn(DECISION_KINDS, { message: `must be one of: ${DECISION_KINDS.join(', ')}` })
  kind!: DecisionKind;

  @ApiProperty({ minimum: 2, description: 'Approvals needed at least, whatever the number of voters' })
  @IsInt()
  @Min(2, { message: 'must be at least 2: one person alone can never approve a strike' })
  @Max(100000)
  quorumCount!: number;

  @ApiProperty({ minimum: 1, maximum: 100, description: 'Approvals needed at least, as a percentage of the members with a vote' })
  @IsInt()
  @Min(1)
  @Max(100)
  quorumPercent!: number;

  @ApiProperty({ enum: BALLOT_KINDS, description: 'secret: nobody, admins included, can read who voted which way' })
  @IsIn(BALLOT_KINDS, { message: `must be one of: ${BALLOT_KINDS.join(', ')}` })
  ballot!: BallotKind;

  @ApiPropertyOptional({
    type: Number,
    minimum: 1,
    maximum: 43200,
    nullable: true,
    description: 'Secret ballots: close the ballot this many minutes after the motion opens; totals and the outcome are revealed only then. Unset: decided as soon as the rule is met.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(43200, { message: 'must be at most 43200 (30 days)' })
  secretBallotClosesAfterMinutes?: number | null;
}

export class VoteDto {
  @ApiProperty({ enum: VOTE_CHOICES })
  @IsIn(VOTE_CHOICES, { message: `must be one of: ${VOTE_CHOICES.join(', ')}` })
  choice!: VoteChoice;
}

export class AssemblyDto {
  @ApiProperty({ example: '2026-12-01T18:00:00+01:00', description: 'When the assembly voted (not in the future)' })
  @IsInstantWithOffset()
  heldAt!: string;

  @ApiProperty({ minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  votesFor!: number;

  @ApiProperty({ minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  votesAgainst!: number;

  @ApiProperty({ minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  votesAbstain!: number;

  @ApiProperty({ maxLength: 20000, description: 'The minutes, or a link to them' })
  @IsString()
  @IsNotBlank()
  @MaxLength(20000)
  minutes!: string;
}

export class ListAuditQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @Optional()
  @IsUUID('all', { message: 'must be a strike id' })
  strikeId?: string;

  @ApiPropertyOptional({ default: 100, maximum: 500 })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @Optional()
  @Matches(/^\d{1,19}$/, { message: 'is not a cursor this API gave' })
  cursor?: string;
}
