import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import type { Caller, Role } from '#domain/models.js';
import { AuthRepository } from './auth.repository.js';
import { CSRF_COOKIE, csrfTokenFor, foreignOrigin, readCookie, sameSecret, SESSION_COOKIE, UNSAFE_METHODS } from './cookies.js';
import { AuthThrottleService, clientAddressKey } from './auth-throttle.service.js';

const PUBLIC = 'piquet:public';
// What issueApiToken makes; anything else is refused without a database lookup.
const API_TOKEN = /^pqt_[A-Za-z0-9_-]{10,200}$/;
const ROLES = 'piquet:roles';

/** No token needed (health, docs, sign-in, the OAuth callback a browser lands on). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC, true);
/** Roles allowed; routes without it are open to every member of the organisation (reads). */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES, roles);

export const CurrentCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => {
  const caller = ctx.switchToHttp().getRequest<Request & { caller?: Caller }>().caller;
  if (!caller) throw new UnauthorizedException();
  return caller;
});

/**
 * Either an API token (`Authorization: Bearer pqt_…`, for automation) or a browser session
 * cookie. A cookie is sent by the browser on its own, so every cookie-authenticated write must
 * also prove it comes from Piquet's own page: the x-csrf-token header (double submit, derived from
 * the session) and, when the browser says where it comes from, Piquet's own Origin.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly throttle: AuthThrottleService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const req = ctx.switchToHttp().getRequest<Request & { caller?: Caller }>();
    const caller = await this.authenticate(req);
    req.caller = caller;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(caller.role)) {
      throw new ForbiddenException(`Your role (${caller.role}) may not do this; it needs one of: ${roles.join(', ')}`);
    }
    return true;
  }

  private async authenticate(req: Request): Promise<Caller> {
    if (req.headers.authorization !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization);
      if (!match?.[1]) throw new UnauthorizedException('Authorization: a Bearer API token is required');
      // Checked before the token, so a guess that happens to be right is throttled like the others.
      const key = clientAddressKey(req);
      await this.throttle.assertAllowed(key);
      const caller = API_TOKEN.test(match[1]) ? await this.auth.callerForToken(match[1]) : null;
      if (!caller) {
        await this.throttle.recordFailure(key);
        throw new UnauthorizedException('Authorization: this token is unknown or revoked');
      }
      return caller;
    }
    const secret = readCookie(req, SESSION_COOKIE);
    if (!secret) throw new UnauthorizedException('Sign in, or send an API token (Authorization: Bearer pqt_…)');
    const caller = await this.auth.callerForSession(secret, this.config.sessions.idleMs);
    if (!caller) throw new UnauthorizedException('Your session has ended: sign in again');
    if (UNSAFE_METHODS.has(req.method)) assertSameSite(req, secret, this.config.http.publicUrl);
    return caller;
  }
}

/** The CSRF check of a cookie-authenticated write (also used by the OAuth confirmation form, with its field). */
export function assertSameSite(req: Request, sessionSecret: string, publicUrl: string, submitted = req.headers['x-csrf-token']): void {
  const origin = foreignOrigin(req, publicUrl);
  if (origin) throw new ForbiddenException(`csrf: this request comes from another site (${origin})`);
  const cookie = readCookie(req, CSRF_COOKIE);
  if (typeof submitted !== 'string' || !submitted) throw new ForbiddenException('csrf: the x-csrf-token header is missing');
  if (!cookie || !sameSecret(submitted, cookie) || !sameSecret(submitted, csrfTokenFor(sessionSecret))) {
    throw new ForbiddenException('csrf: the x-csrf-token header does not match this session');
  }
}
