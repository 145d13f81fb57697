import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { VOTE_CHOICES, type VoteChoice } from '#strikes/domain/strike.js';

export class ListMotionsQuery {
  @ApiProperty({ enum: ['open'], description: 'Only open motions are listed here; a strike lists all of its own' })
  @IsIn(['open'], { message: 'must be open' })
  state!: 'open';
}

export class OpenMotionView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['approve', 'amend', 'stop', 'extend'] }) kind!: string;
  @ApiProperty({ format: 'uuid' }) strikeId!: string;
  @ApiProperty() strikeTitle!: string;
  @ApiProperty({ type: String, format: 'date-time' }) openedAt!: Date;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'A secret ballot with a set close: counted only then' })
  closesAt!: Date | null;
  @ApiProperty({ enum: ['named', 'secret'] }) ballot!: string;
  @ApiProperty({ enum: ['votes', 'assembly'] }) decisionKind!: string;
  @ApiProperty({ enum: VOTE_CHOICES, nullable: true, description: "Your own choice on a named ballot; always null on a secret ballot (sealed, even from you)" })
  myVote!: VoteChoice | null;
  @ApiProperty() hasVoted!: boolean;
  @ApiProperty({ description: 'Votes cast by members who have a vote now' }) votedCount!: number;
  @ApiProperty({ description: 'Members who have a vote now' }) eligibleCount!: number;
}
