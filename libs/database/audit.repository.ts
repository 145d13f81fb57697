import { Injectable } from '@nestjs/common';
import type { Prisma } from './generated/client.js';
import { PrismaService } from './prisma.service.js';

/** One line of an organisation's audit trail, as written. */
export interface AuditInput {
  organisationId: string;
  action: string;
  /** null when Piquet itself acted (a strike starting or ending on time). */
  actorId: string | null;
  strikeId?: string | null;
  motionId?: string | null;
  detail?: Record<string, unknown>;
}

/** One line of the audit trail, as read. */
export interface AuditRecord {
  /** A bigint in the database: a string here, so JSON keeps it exact. */
  id: string;
  at: Date;
  action: string;
  actorId: string | null;
  actorName: string | null;
  strikeId: string | null;
  motionId: string | null;
  detail: unknown;
}

export interface AuditFilter {
  strikeId?: string;
  /** Entries after this id (the previous page's last). */
  afterId?: bigint;
  limit: number;
}

/**
 * Writes an audit entry inside the caller's transaction, so a decision and its record commit or
 * fail together. Dates in `detail` become ISO strings.
 */
export async function recordAudit(tx: Prisma.TransactionClient, entry: AuditInput): Promise<void> {
  await tx.auditEntry.create({
    data: {
      organisationId: entry.organisationId,
      action: entry.action,
      actorId: entry.actorId,
      strikeId: entry.strikeId ?? null,
      motionId: entry.motionId ?? null,
      detail: JSON.parse(JSON.stringify(entry.detail ?? {})) as Prisma.InputJsonValue,
    },
  });
}

@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  record(tx: Prisma.TransactionClient, entry: AuditInput): Promise<void> {
    return recordAudit(tx, entry);
  }

  /** Oldest first: a trail reads in the order things were written. */
  async list(organisationId: string, f: AuditFilter): Promise<AuditRecord[]> {
    const rows = await this.prisma.client.auditEntry.findMany({
      where: { organisationId, ...(f.strikeId ? { strikeId: f.strikeId } : {}), ...(f.afterId !== undefined ? { id: { gt: f.afterId } } : {}) },
      orderBy: { id: 'asc' },
      take: f.limit,
    });
    const actorIds = [...new Set(rows.flatMap((r) => (r.actorId ? [r.actorId] : [])))];
    const members = actorIds.length
      ? await this.prisma.client.member.findMany({ where: { organisationId, id: { in: actorIds } }, select: { id: true, name: true } })
      : [];
    const names = new Map(members.map((m) => [m.id, m.name]));
    return rows.map((r) => ({
      id: r.id.toString(),
      at: r.at,
      action: r.action,
      actorId: r.actorId,
      actorName: r.actorId ? (names.get(r.actorId) ?? null) : null,
      strikeId: r.strikeId,
      motionId: r.motionId,
      detail: r.detail,
    }));
  }
}
