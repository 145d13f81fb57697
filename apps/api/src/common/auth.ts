import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Caller, Role } from '../../../../libs/domain/models.js';
import { AuthRepository } from './auth.repository.js';
import { AuthThrottleService, clientAddressKey } from './auth-throttle.service.js';

const PUBLIC = 'piquet:public';
// What issueApiToken makes; anything else is refused without a database lookup.
const API_TOKEN = /^pqt_[A-Za-z0-9_-]{10,200}$/;
const ROLES = 'piquet:roles';

/** No token needed (health, docs, the OAuth callback a browser lands on). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC, true);
/** Roles allowed; routes without it are open to every member of the organisation (reads). */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES, roles);

export const CurrentCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => {
  const caller = ctx.switchToHttp().getRequest<Request & { caller?: Caller }>().caller;
  if (!caller) throw new UnauthorizedException();
  return caller;
});

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthRepository,
    private readonly throttle: AuthThrottleService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const req = ctx.switchToHttp().getRequest<Request & { caller?: Caller }>();
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match?.[1]) throw new UnauthorizedException('Authorization: a Bearer API token is required');
    // Checked before the token, so a guess that happens to be right is throttled like the others.
    const key = clientAddressKey(req);
    await this.throttle.assertAllowed(key);
    const caller = API_TOKEN.test(match[1]) ? await this.auth.callerForToken(match[1]) : null;
    if (!caller) {
      await this.throttle.recordFailure(key);
      throw new UnauthorizedException('Authorization: this token is unknown or revoked');
    }
    req.caller = caller;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(caller.role)) {
      throw new ForbiddenException(`Your role (${caller.role}) may not do this; it needs one of: ${roles.join(', ')}`);
    }
    return true;
  }
}
