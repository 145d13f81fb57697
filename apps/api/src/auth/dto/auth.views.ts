import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ROLES, type Role } from '#domain/models.js';

// Response shapes, as classes so the OpenAPI document (and the web app's generated types) know them.

export class MemberSummary {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
}

export class OrganisationSummary {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'Europe/Paris', description: 'IANA time zone' }) timeZone!: string;
}

export class SignedIn {
  @ApiProperty({ type: MemberSummary }) member!: MemberSummary;
}

export class SessionState {
  @ApiProperty() signedIn!: boolean;
  @ApiPropertyOptional({ type: MemberSummary }) member?: MemberSummary;
  @ApiPropertyOptional({ type: OrganisationSummary }) organisation?: OrganisationSummary;
  @ApiPropertyOptional({ description: 'Open motions waiting for this member\'s vote' }) pendingVotes?: number;
}

export class SessionView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'The session this request came with' }) current!: boolean;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) lastSeenAt!: Date;
  @ApiProperty({ type: String, nullable: true }) userAgent!: string | null;
}

export class PasskeyView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) lastUsedAt?: Date | null;
}

/** WebAuthn options as @simplewebauthn/server makes them: pass them as `optionsJSON` to the browser library. */
export class WebAuthnOptions {
  @ApiProperty() challenge!: string;
  @ApiPropertyOptional() rpId?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) rp?: Record<string, unknown>;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) user?: Record<string, unknown>;
  @ApiPropertyOptional({ type: 'array', items: { type: 'object', additionalProperties: true } }) pubKeyCredParams?: Record<string, unknown>[];
  @ApiPropertyOptional({ type: 'array', items: { type: 'object', additionalProperties: true } }) allowCredentials?: Record<string, unknown>[];
  @ApiPropertyOptional({ type: 'array', items: { type: 'object', additionalProperties: true } }) excludeCredentials?: Record<string, unknown>[];
  @ApiPropertyOptional() timeout?: number;
  @ApiPropertyOptional() attestation?: string;
  @ApiPropertyOptional() userVerification?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) authenticatorSelection?: Record<string, unknown>;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) extensions?: Record<string, unknown>;
}
