import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsObject, IsOptional, IsString, Length, MaxLength, MinLength } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'camille@example.org', maxLength: 100 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  login!: string;

  @ApiProperty({ maxLength: 1024 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  passphrase!: string;
}

export class SetCredentialsDto {
  @ApiProperty({ example: 'camille@example.org', minLength: 3, maxLength: 100, description: 'Unique, whatever the case; an email is fine' })
  @IsString()
  @Length(3, 100, { message: 'must be 3 to 100 characters long' })
  login!: string;

  @ApiProperty({ minLength: 12, maxLength: 1024, description: 'At least 12 characters: a few words make a good one' })
  @IsString()
  @MinLength(12, { message: 'must be at least 12 characters long (a few words make a good one)' })
  @MaxLength(1024)
  passphrase!: string;
}

export class PasskeyRegistrationDto {
  @ApiProperty({ description: 'What @simplewebauthn/browser startRegistration() returned', type: 'object', additionalProperties: true })
  @IsObject()
  response!: Record<string, unknown>;

  @ApiProperty({ example: 'Laptop', maxLength: 100 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;
}

export class PasskeyLoginDto {
  @ApiProperty({ description: 'What @simplewebauthn/browser startAuthentication() returned', type: 'object', additionalProperties: true })
  @IsObject()
  response!: Record<string, unknown>;
}

export class AuthenticationOptionsDto {
  @ApiPropertyOptional({ description: "Limit the passkeys offered to this login's" })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  login?: string;
}
