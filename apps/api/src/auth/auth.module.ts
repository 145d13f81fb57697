import { Module } from '@nestjs/common';
import { AuthRepository } from '../common/auth.repository.js';
import { AuthThrottleService } from '../common/auth-throttle.service.js';
import { MotionsModule } from '../motions/motions.module.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { OwnOriginGuard } from './own-origin.guard.js';
import { PasskeysService } from './passkeys.service.js';
import { SessionIssuer } from './sessions.service.js';
import { SignInRepository } from './sign-in.repository.js';
import { WebAuthnChallenges } from './webauthn-challenges.js';

@Module({
  imports: [MotionsModule],
  controllers: [AuthController],
  providers: [AuthService, PasskeysService, SessionIssuer, SignInRepository, WebAuthnChallenges, AuthThrottleService, AuthRepository, OwnOriginGuard],
  exports: [SessionIssuer, SignInRepository, AuthRepository, OwnOriginGuard],
})
export class AuthModule {}
