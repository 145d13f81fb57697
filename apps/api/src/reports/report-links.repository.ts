import { Injectable } from '@nestjs/common';
import { recordAudit } from '#database/audit.repository.js';
import { PrismaService } from '#database/prisma.service.js';

export interface ReportLinkRecord {
  id: string;
  organisationId: string;
  strikeId: string;
  createdById: string;
  createdByName: string | null;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  revokedById: string | null;
}

interface Row {
  id: string;
  organisationId: string;
  strikeId: string;
  createdById: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  revokedById: string | null;
}

@Injectable()
export class ReportLinksRepository {
  constructor(private readonly prisma: PrismaService) {}

  private get db() {
    return this.prisma.client;
  }

  /** The link and its audit entry commit together. */
  async create(organisationId: string, strikeId: string, memberId: string, expiresAt: Date): Promise<ReportLinkRecord> {
    const row = await this.db.$transaction(async (tx) => {
      const link = await tx.reportLink.create({ data: { organisationId, strikeId, createdById: memberId, expiresAt } });
      await recordAudit(tx, { organisationId, action: 'report-link.created', actorId: memberId, strikeId, detail: { linkId: link.id, expiresAt } });
      return link;
    });
    return (await this.named([row]))[0]!;
  }

  async list(organisationId: string, strikeId: string): Promise<ReportLinkRecord[]> {
    return this.named(await this.db.reportLink.findMany({ where: { organisationId, strikeId }, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }] }));
  }

  async find(organisationId: string, id: string): Promise<ReportLinkRecord | null> {
    const row = await this.db.reportLink.findFirst({ where: { id, organisationId } });
    return row ? (await this.named([row]))[0]! : null;
  }

  /** What an anonymous visitor's link points to: no organisation is known yet. */
  async findForVisitor(id: string): Promise<Row | null> {
    return this.db.reportLink.findUnique({ where: { id } });
  }

  /** Revokes a live link (false if it was already revoked), with its audit entry. */
  async revoke(organisationId: string, id: string, actorId: string, now: Date): Promise<boolean> {
    return this.db.$transaction(async (tx) => {
      const n = await tx.reportLink.updateMany({ where: { id, organisationId, revokedAt: null }, data: { revokedAt: now, revokedById: actorId } });
      if (n.count === 0) return false;
      const link = await tx.reportLink.findUniqueOrThrow({ where: { id }, select: { strikeId: true } });
      await recordAudit(tx, { organisationId, action: 'report-link.revoked', actorId, strikeId: link.strikeId, detail: { linkId: id } });
      return true;
    });
  }

  private async named(rows: Row[]): Promise<ReportLinkRecord[]> {
    const ids = [...new Set(rows.map((r) => r.createdById))];
    const members = ids.length ? await this.db.member.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } }) : [];
    const names = new Map(members.map((m) => [m.id, m.name]));
    return rows.map((r) => ({ ...r, createdByName: names.get(r.createdById) ?? null }));
  }
}
