import { type CanActivate, type ExecutionContext, ForbiddenException, Inject, Injectable, UseGuards, applyDecorators } from '@nestjs/common';
import type { Request } from 'express';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { foreignOrigin } from '../common/cookies.js';

/**
 * Sign-in routes are public (no session yet), so no CSRF token: a browser's Origin, when sent,
 * must still be Piquet's, or another site could sign a visitor into an account of its choosing.
 */
@Injectable()
export class OwnOriginGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  canActivate(ctx: ExecutionContext): boolean {
    const origin = foreignOrigin(ctx.switchToHttp().getRequest<Request>(), this.config.http.publicUrl);
    if (origin) throw new ForbiddenException(`csrf: this request comes from another site (${origin})`);
    return true;
  }
}

export const OwnOrigin = () => applyDecorators(UseGuards(OwnOriginGuard));
