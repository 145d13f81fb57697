import { Inject, Injectable, NotFoundException, UnauthorizedException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import type { Caller } from '#domain/models.js';
import { AuthRepository } from '../common/auth.repository.js';
import { AuthThrottleService } from '../common/auth-throttle.service.js';
import { clearSessionCookies, readCookie, SESSION_COOKIE, setCsrfCookie } from '../common/cookies.js';
import { MotionsService } from '../motions/motions.service.js';
import { normaliseLogin, passphraseMatches } from './credentials.js';
import type { MemberSummary, SessionState, SessionView, SignedIn } from './dto/auth.views.js';
import { SessionIssuer } from './sessions.service.js';
import { SignInRepository } from './sign-in.repository.js';

export const clientKey = (req: Request): string => `ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`;

/** Signing in with a login and passphrase, the current session, and a member's sessions. */
@Injectable()
export class AuthService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: SignInRepository,
    private readonly auth: AuthRepository,
    private readonly throttle: AuthThrottleService,
    private readonly sessions: SessionIssuer,
    private readonly motions: MotionsService,
  ) {}

  /** Throttled per client address and per login; unknown login and wrong passphrase answer the same. */
  async login(login: string, passphrase: string, req: Request, res: Response): Promise<SignedIn> {
    const keys = [clientKey(req), `login:${normaliseLogin(login)}`];
    for (const key of keys) await this.throttle.assertAllowed(key);
    const member = await this.repo.memberByLogin(normaliseLogin(login));
    if (!(await passphraseMatches(member?.passphraseHash ?? null, passphrase)) || !member) {
      for (const key of keys) await this.throttle.recordFailure(key);
      throw new UnauthorizedException('The login or the passphrase is wrong');
    }
    for (const key of keys) await this.throttle.reset(key);
    await this.sessions.open(member.id, req, res);
    return { member: summary(member) };
  }

  /** What the app asks at load; a stale cookie is cleared, a live one gets its CSRF cookie back. */
  async state(req: Request, res: Response): Promise<SessionState> {
    const secret = readCookie(req, SESSION_COOKIE);
    const caller = secret ? await this.auth.callerForSession(secret, this.config.sessions.idleMs) : null;
    if (!secret || !caller) {
      if (secret) clearSessionCookies(res, this.config.http.publicUrl);
      return { signedIn: false };
    }
    setCsrfCookie(res, this.config.http.publicUrl, secret, this.config.sessions.maxMs);
    const { member, organisation } = await this.repo.memberAndOrganisation(caller.memberId);
    return { signedIn: true, member, organisation, pendingVotes: await this.motions.pendingVotes(caller.organisationId, caller.memberId) };
  }

  async logout(caller: Caller, res: Response): Promise<void> {
    if (caller.sessionId) await this.repo.endSession(caller.memberId, caller.sessionId);
    clearSessionCookies(res, this.config.http.publicUrl);
  }

  async list(caller: Caller): Promise<SessionView[]> {
    const rows = await this.repo.sessions(caller.memberId, new Date(), this.config.sessions.idleMs);
    return rows.map((s) => ({ ...s, current: s.id === caller.sessionId }));
  }

  /** A member ends their own sessions only; ending the current one signs this browser out. */
  async end(caller: Caller, id: string, res: Response): Promise<void> {
    if (!(await this.repo.endSession(caller.memberId, id))) throw new NotFoundException(`No open session ${id} of yours`);
    if (id === caller.sessionId) clearSessionCookies(res, this.config.http.publicUrl);
  }
}

export const summary = (m: { id: string; name: string; role: MemberSummary['role'] }): MemberSummary => ({ id: m.id, name: m.name, role: m.role });
