import { Injectable } from '@nestjs/common';
import type { IssuedToken } from '../../../../libs/crypto/api-tokens.js';
import { toMember } from '../../../../libs/database/mappers.js';
import { PrismaService } from '../../../../libs/database/prisma.service.js';
import type { MemberRecord, Role } from '../../../../libs/domain/models.js';

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

  async updateRole(id: string, role: Role): Promise<MemberRecord> {
    return toMember(await this.db.member.update({ where: { id }, data: { role } }));
  }

  async countAdmins(organisationId: string): Promise<number> {
    return this.db.member.count({ where: { organisationId, role: 'admin', removedAt: null } });
  }

  /** Removing a member revokes their tokens and ends their sessions in the same step. */
  async removeMember(id: string): Promise<void> {
    const now = new Date();
    await this.db.$transaction([
      this.db.apiToken.updateMany({ where: { memberId: id, revokedAt: null }, data: { revokedAt: now } }),
      this.db.memberSession.updateMany({ where: { memberId: id, endedAt: null }, data: { endedAt: now } }),
      this.db.member.update({ where: { id }, data: { removedAt: now } }),
    ]);
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
