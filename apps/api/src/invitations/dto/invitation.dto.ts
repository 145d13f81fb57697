import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { ROLES, type Role } from '#domain/models.js';

export class CreateInvitationDto {
  @ApiProperty({ example: 'Camille', description: 'The name the member will have' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES, { message: `must be one of: ${ROLES.join(', ')}` })
  role!: Role;
}

export class InvitationView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) expiresAt!: Date;
}

export class CreatedInvitation extends InvitationView {
  @ApiProperty({ description: 'The one-time link to pass on by hand: shown this once only' }) url!: string;
}

export class InvitationPreview {
  @ApiProperty() organisationName!: string;
  @ApiProperty() memberName!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty({ type: String, format: 'date-time' }) expiresAt!: Date;
}
