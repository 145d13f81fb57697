import { Module } from '@nestjs/common';
import { AuthRepository } from '../common/auth.repository.js';
import { AuthThrottleModule } from '../common/auth-throttle.module.js';
import { MotionsModule } from '../motions/motions.module.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { OwnOriginGuard } from './own-origin.guard.js';
import { PasskeysService } from './passkeys.service.js';
import { SessionIssuer } from './sessions.service.js';
import { SignInRepository } from './sign-in.repository.js';
import { WebAuthnChallenges } from './webauthn-challenges.js';

@Module({
  imports: [MotionsModule, AuthThrottleModule],
  controllers: [AuthController],
  providers: [AuthService, PasskeysService, SessionIssuer, SignInRepository, WebAuthnChallenges, AuthRepository, OwnOriginGuard],
  exports: [SessionIssuer, SignInRepository, AuthRepository, OwnOriginGuard],
})
export class AuthModule {}
