import { Injectable } from '@nestjs/common';
import { hashApiToken } from '../../../../libs/crypto/api-tokens.js';
import { PrismaService } from '../../../../libs/database/prisma.service.js';
import type { Caller } from '../../../../libs/domain/models.js';

@Injectable()
export class AuthRepository {
  constructor(private readonly prisma: PrismaService) {}

  async callerForToken(secret: string): Promise<Caller | null> {
    const token = await this.prisma.client.apiToken.findUnique({
      where: { tokenHash: hashApiToken(secret) },
      include: { member: true },
    });
    if (!token || token.revokedAt || token.member.removedAt) return null;
    // Last use is informative only: not worth a write on every request.
    if (!token.lastUsedAt || Date.now() - token.lastUsedAt.getTime() > 60_000) {
      await this.prisma.client.apiToken.update({ where: { id: token.id }, data: { lastUsedAt: new Date() } });
    }
    return { memberId: token.memberId, organisationId: token.member.organisationId, role: token.member.role };
  }
}
