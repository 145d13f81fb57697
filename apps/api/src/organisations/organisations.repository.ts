import { Injectable } from '@nestjs/common';
import type { IssuedToken } from '#crypto/api-tokens.js';
import { toMember } from '#database/mappers.js';
import { revokeLinksOf } from '#database/report-links.js';
import { PrismaService } from '#database/prisma.service.js';
import type { MemberRecord, Role } from '#domain/models.js';

export type MembershipChange = { ok: true; member: MemberRecord } | { ok: false; reason: 'not-found' | 'caller-not-admin' | 'last-admin' };

export interface TokenRecord {
  id: string;
  memberId: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const tokenSelect = { id: true, memberId: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true };

@Injectable()
export class OrganisationsRepository {
  constructor(private readonly prisma: PrismaService) {}

  private get db() {
    return this.prisma.client;
  }

  async organisationNameExists(name: string): Promise<boolean> {
    return (await this.db.organisation.count({ where: { name } })) > 0;
  }

  /** One transaction: an organisation never exists without its first admin and token. */
  async createWithAdmin(name: string, adminName: string, token: IssuedToken) {
    return this.db.$transaction(async (tx) => {
      const org = await tx.organisation.create({ data: { name } });
      const admin = await tx.member.create({ data: { organisationId: org.id, name: adminName, role: 'admin' } });
      await tx.apiToken.create({
        data: { memberId: admin.id, name: 'bootstrap', tokenHash: token.hash, prefix: token.prefix },
      });
      return { organisationId: org.id, memberId: admin.id };
    });
  }

  async organisation(id: string) {
    const org = await this.db.organisation.findUniqueOrThrow({ where: { id } });
    return { id: org.id, name: org.name, timeZone: org.timeZone, createdAt: org.createdAt };
  }

  async updateOrganisation(id: string, changes: { name?: string; timeZone?: string }) {
    const org = await this.db.organisation.update({ where: { id }, data: changes });
    return { id: org.id, name: org.name, timeZone: org.timeZone, createdAt: org.createdAt };
  }

  async members(organisationId: string): Promise<MemberRecord[]> {
    const rows = await this.db.member.findMany({ where: { organisationId, removedAt: null }, orderBy: { createdAt: 'asc' } });
    return rows.map(toMember);
  }

  async member(organisationId: string, id: string): Promise<MemberRecord | null> {
    const m = await this.db.member.findFirst({ where: { id, organisationId, removedAt: null } });
    return m ? toMember(m) : null;
  }

  async createMember(organisationId: string, name: string, role: Role): Promise<MemberRecord> {
    return toMember(await this.db.member.create({ data: { organisationId, name, role } }));
  }

  /**
   * Changes a member's role, or removes them (revoking their tokens and report links, ending their sessions), keeping at
   * least one admin whatever runs at the same time: the organisation's row is locked first, so
   * every change of membership in it is serialised, and the caller and the target are read again
   * under that lock (two admins demoting each other: the second finds the caller no longer admin).
   */
  async changeMembership(organisationId: string, callerId: string, memberId: string, change: { role: Role } | { remove: true }): Promise<MembershipChange> {
    return this.db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT id FROM organisations WHERE id = ${organisationId}::uuid FOR UPDATE`;
        const [caller, member] = await Promise.all([
          tx.member.findFirst({ where: { id: callerId, organisationId, removedAt: null } }),
          tx.member.findFirst({ where: { id: memberId, organisationId, removedAt: null } }),
        ]);
        if (!member) return { ok: false, reason: 'not-found' } as const;
        if (caller?.role !== 'admin') return { ok: false, reason: 'caller-not-admin' } as const;
        const losesAdmin = member.role === 'admin' && ('remove' in change || change.role !== 'admin');
        if (losesAdmin) {
          const others = await tx.member.count({ where: { organisationId, role: 'admin', removedAt: null, id: { not: member.id } } });
          if (others === 0) return { ok: false, reason: 'last-admin' } as const;
        }
        if ('role' in change) {
          return { ok: true, member: toMember(await tx.member.update({ where: { id: member.id }, data: { role: change.role } })) } as const;
        }
        const now = new Date();
        await tx.apiToken.updateMany({ where: { memberId: member.id, revokedAt: null }, data: { revokedAt: now } });
        await tx.memberSession.updateMany({ where: { memberId: member.id, endedAt: null }, data: { endedAt: now } });
        await revokeLinksOf(tx, organisationId, member.id, callerId, now);
        return { ok: true, member: toMember(await tx.member.update({ where: { id: member.id }, data: { removedAt: now } })) } as const;
      },
      { maxWait: 30_000, timeout: 30_000 },
    );
  }

  async tokens(memberId: string): Promise<TokenRecord[]> {
    return this.db.apiToken.findMany({ where: { memberId }, select: tokenSelect, orderBy: { createdAt: 'asc' } });
  }

  async createToken(memberId: string, name: string, token: IssuedToken): Promise<TokenRecord> {
    return this.db.apiToken.create({
      data: { memberId, name, tokenHash: token.hash, prefix: token.prefix },
      select: tokenSelect,
    });
  }

  async token(organisationId: string, id: string): Promise<TokenRecord | null> {
    return this.db.apiToken.findFirst({ where: { id, member: { organisationId } }, select: tokenSelect });
  }

  async revokeToken(id: string): Promise<TokenRecord> {
    return this.db.apiToken.update({ where: { id }, data: { revokedAt: new Date() }, select: tokenSelect });
  }
}
