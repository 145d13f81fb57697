import { Global, Module } from '@nestjs/common';
import { AuthThrottleService } from './auth-throttle.service.js';

/** Global, so every module that authenticates someone (API tokens, sign-in) counts failures in one place. */
@Global()
@Module({ providers: [AuthThrottleService], exports: [AuthThrottleService] })
export class AuthThrottleModule {}
