import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { randomBytes } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { hashApiToken } from '#crypto/api-tokens.js';
import { setSessionCookies } from '../common/cookies.js';
import { SignInRepository } from './sign-in.repository.js';

/** Opens browser sessions: a random secret in the cookie, its sha256 in Postgres. */
@Injectable()
export class SessionIssuer {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: SignInRepository,
  ) {}

  async open(memberId: string, req: Request, res: Response): Promise<string> {
    const secret = randomBytes(32).toString('base64url');
    const maxMs = this.config.sessions.maxMs;
    const id = await this.repo.createSession(memberId, hashApiToken(secret), req.headers['user-agent'] ?? null, new Date(Date.now() + maxMs));
    setSessionCookies(res, this.config.http.publicUrl, secret, maxMs);
    return id;
  }
}
