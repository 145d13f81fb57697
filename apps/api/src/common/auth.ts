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

const PUBLIC = 'piquet:public';
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
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const req = ctx.switchToHttp().getRequest<Request & { caller?: Caller }>();
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match?.[1]) throw new UnauthorizedException('Authorization: a Bearer API token is required');
    const caller = await this.auth.callerForToken(match[1]);
    if (!caller) throw new UnauthorizedException('Authorization: this token is unknown or revoked');
    req.caller = caller;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(caller.role)) {
      throw new ForbiddenException(`Your role (${caller.role}) may not do this; it needs one of: ${roles.join(', ')}`);
    }
    return true;
  }
}
