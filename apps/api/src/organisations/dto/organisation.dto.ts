import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { IsNotBlank, IsTimeZone, Optional } from '../../common/validators.js';
import { ROLES, type Role } from '#domain/models.js';

export class CreateMemberDto {
  @ApiProperty({ example: 'Camille' })
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES, { message: `must be one of: ${ROLES.join(', ')}` })
  role!: Role;
}

export class UpdateMemberDto {
  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES, { message: `must be one of: ${ROLES.join(', ')}` })
  role!: Role;
}

export class CreateTokenDto {
  @ApiProperty({ example: 'laptop', required: false })
  @Optional()
  @IsString()
  @IsNotBlank()
  @MaxLength(100)
  name?: string;
}

export class UpdateOrganisationDto {
  @ApiPropertyOptional({ example: 'Rédaction' })
  @Optional()
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ example: 'Europe/Paris', description: 'IANA time zone the web app shows dates in' })
  @Optional()
  @IsTimeZone()
  timeZone?: string;
}

export class OrganisationView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'Europe/Paris', description: 'IANA time zone' }) timeZone!: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
}
