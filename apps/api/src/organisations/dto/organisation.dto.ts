import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { ROLES, type Role } from '../../../../../libs/domain/models.js';

export class CreateMemberDto {
  @ApiProperty({ example: 'Camille' })
  @IsString()
  @IsNotEmpty()
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
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name?: string;
}
