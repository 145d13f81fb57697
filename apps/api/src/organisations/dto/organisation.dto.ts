import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { IsNotBlank, Optional } from '../../common/validators.js';
import { ROLES, type Role } from '../../../../../libs/domain/models.js';

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
