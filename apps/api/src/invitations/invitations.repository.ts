import { Injectable } from '@nestjs/common';
import { recordAudit } from '#database/audit.repository.js';
import { Prisma } from '#database/generated/client.js';
import { PrismaService } from '#database/prisma.service.js';
import type { Role } from '#domain/models.js';

export interface InvitationRecord {
  id: string;
  organisationId: string;
  memberId: string | null;
  name: string;
  role: Role;
  createdAt: Date;
  expiresAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
}

export type AcceptResult =
  | { ok: true; memberId: string; name: string; role: Role }
  | { ok: false; refusal: 'not-found' | 'gone' | 'login-taken' };

const SELECT = { id: true, organisationId: true, memberId: true, name: true, role: true, createdAt: true, expiresAt: true, acceptedAt: true, revokedAt: true } as const;

@Injectable()
export class InvitationsRepository {
  constructor(private readonly prisma: PrismaService) {}

  private get db() {
    return this.prisma.client;
  }

  async create(input: { organisationId: string; memberId?: string; name: string; role: Role; tokenHash: string; createdById: string | null; expiresAt: Date }): Promise<InvitationRecord> {
    return this.db.$transaction(async (tx) => {
      const inv = await tx.invitation.create({ data: { ...input, memberId: input.memberId ?? null }, select: SELECT });
      await recordAudit(tx, {
        organisationId: input.organisationId,
        actorId: input.createdById,
        action: 'invitation.created',
        detail: { invitationId: inv.id, name: inv.name, role: inv.role, expiresAt: inv.expiresAt },
      });
      return inv;
    });
  }

  pending(organisationId: string, now: Date): Promise<InvitationRecord[]> {
    return this.db.invitation.findMany({
      where: { organisationId, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
      select: SELECT,
      orderBy: { createdAt: 'asc' },
    });
  }

  async revoke(organisationId: string, id: string, actorId: string): Promise<boolean> {
    return this.db.$transaction(async (tx) => {
      const { count } = await tx.invitation.updateMany({ where: { id, organisationId, acceptedAt: null, revokedAt: null }, data: { revokedAt: new Date() } });
      if (count === 1) await recordAudit(tx, { organisationId, actorId, action: 'invitation.revoked', detail: { invitationId: id } });
      return count === 1;
    });
  }

  async byToken(tokenHash: string): Promise<(InvitationRecord & { organisationName: string }) | null> {
    const inv = await this.db.invitation.findUnique({ where: { tokenHash }, select: { ...SELECT, tokenHash: false } });
    if (!inv) return null;
    const org = await this.db.organisation.findUniqueOrThrow({ where: { id: inv.organisationId }, select: { name: true } });
    return { ...inv, organisationName: org.name };
  }

  /**
   * One use: the invitation is taken (guarded update) in the same transaction that sets the
   * member's login and passphrase, so two tabs accepting at once make one member.
   */
  async accept(tokenHash: string, login: string, passphraseHash: string, now: Date): Promise<AcceptResult> {
    try {
      return await this.db.$transaction(async (tx): Promise<AcceptResult> => {
        const inv = await tx.invitation.findUnique({ where: { tokenHash }, select: SELECT });
        if (!inv || inv.revokedAt) return { ok: false, refusal: 'not-found' };
        const { count } = await tx.invitation.updateMany({
          where: { id: inv.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
          data: { acceptedAt: now },
        });
        if (count !== 1) return { ok: false, refusal: 'gone' };
        let memberId: string;
        if (inv.memberId) {
          const { count: updated } = await tx.member.updateMany({
            where: { id: inv.memberId, removedAt: null, passphraseHash: null },
            data: { login, passphraseHash },
          });
          if (updated !== 1) throw new GoneError();
          memberId = inv.memberId;
        } else {
          const m = await tx.member.create({ data: { organisationId: inv.organisationId, name: inv.name, role: inv.role, login, passphraseHash } });
          memberId = m.id;
          await tx.invitation.update({ where: { id: inv.id }, data: { memberId } });
        }
        await recordAudit(tx, {
          organisationId: inv.organisationId,
          actorId: memberId,
          action: 'invitation.accepted',
          detail: { invitationId: inv.id, memberId, role: inv.role },
        });
        return { ok: true, memberId, name: inv.name, role: inv.role };
      });
    } catch (err) {
      if (err instanceof GoneError) return { ok: false, refusal: 'gone' };
      // The unique index on members.login: someone else has this login.
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') return { ok: false, refusal: 'login-taken' };
      throw err;
    }
  }
}

/** Rolls the acceptance back: the invited member was removed (or already has credentials). */
class GoneError extends Error {}
