import { ConflictException, GoneException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { hashApiToken } from '#crypto/api-tokens.js';
import type { Caller, Role } from '#domain/models.js';
import { summary } from '../auth/auth.service.js';
import { hashPassphrase, normaliseLogin } from '../auth/credentials.js';
import type { SignedIn } from '../auth/dto/auth.views.js';
import { SessionIssuer } from '../auth/sessions.service.js';
import type { CreatedInvitation, InvitationPreview, InvitationView } from './dto/invitation.dto.js';
import { INVITATION_TTL_MS, invitationUrl, issueInvitationToken } from './invitation-tokens.js';
import { InvitationsRepository, type InvitationRecord } from './invitations.repository.js';

const view = (i: InvitationRecord): InvitationView => ({ id: i.id, name: i.name, role: i.role, createdAt: i.createdAt, expiresAt: i.expiresAt });

/** Admins invite; the invited person sets a login and passphrase through the one-time link. */
@Injectable()
export class InvitationsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: InvitationsRepository,
    private readonly sessions: SessionIssuer,
  ) {}

  async create(caller: Caller, name: string, role: Role): Promise<CreatedInvitation> {
    const token = issueInvitationToken();
    const inv = await this.repo.create({
      organisationId: caller.organisationId,
      name: name.trim(),
      role,
      tokenHash: token.hash,
      createdById: caller.memberId,
      expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
    });
    return { ...view(inv), url: invitationUrl(this.config.http.publicUrl, token.secret) };
  }

  async pending(caller: Caller): Promise<InvitationView[]> {
    return (await this.repo.pending(caller.organisationId, new Date())).map(view);
  }

  async revoke(caller: Caller, id: string): Promise<void> {
    if (!(await this.repo.revoke(caller.organisationId, id, caller.memberId))) throw new NotFoundException(`No pending invitation ${id} in your organisation`);
  }

  /** 404 for a link that never was (or was revoked), 410 for one used or past its 7 days. */
  async preview(token: string): Promise<InvitationPreview> {
    const inv = await this.repo.byToken(hashApiToken(token));
    if (!inv || inv.revokedAt) throw new NotFoundException('This invitation link is unknown or was withdrawn: ask an admin for a new one');
    if (inv.acceptedAt) throw new GoneException('This invitation link was already used: sign in instead');
    if (inv.expiresAt <= new Date()) throw new GoneException('This invitation link has expired (after 7 days): ask an admin for a new one');
    return { organisationName: inv.organisationName, memberName: inv.name, role: inv.role, expiresAt: inv.expiresAt };
  }

  async accept(token: string, login: string, passphrase: string, req: Request, res: Response): Promise<SignedIn> {
    await this.preview(token);
    const result = await this.repo.accept(hashApiToken(token), normaliseLogin(login), await hashPassphrase(passphrase), new Date());
    if (!result.ok) {
      switch (result.refusal) {
        case 'not-found':
          throw new NotFoundException('This invitation link is unknown or was withdrawn: ask an admin for a new one');
        case 'gone':
          throw new GoneException('This invitation link was already used or has expired');
        case 'login-taken':
          throw new ConflictException({
            statusCode: 409,
            error: 'Conflict',
            message: 'login: is already taken: choose another one',
            errors: [{ field: 'login', message: 'is already taken: choose another one' }],
          });
      }
    }
    await this.sessions.open(result.memberId, req, res);
    return { member: summary({ id: result.memberId, name: result.name, role: result.role }) };
  }
}
