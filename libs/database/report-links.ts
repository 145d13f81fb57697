import { recordAudit } from './audit.repository.js';
import type { Prisma } from './generated/client.js';

/**
 * Revokes every live report link a member made, inside the caller's transaction (removing a
 * member), with one audit entry per link. Returns how many.
 */
export async function revokeLinksOf(tx: Prisma.TransactionClient, organisationId: string, memberId: string, actorId: string, now: Date): Promise<number> {
  const live = await tx.reportLink.findMany({
    where: { organisationId, createdById: memberId, revokedAt: null, expiresAt: { gt: now } },
    select: { id: true, strikeId: true },
  });
  if (!live.length) return 0;
  await tx.reportLink.updateMany({ where: { id: { in: live.map((l) => l.id) } }, data: { revokedAt: now, revokedById: actorId } });
  for (const link of live) {
    await recordAudit(tx, {
      organisationId,
      action: 'report-link.revoked',
      actorId,
      strikeId: link.strikeId,
      detail: { linkId: link.id, reason: 'its creator was removed from the organisation' },
    });
  }
  return live.length;
}
