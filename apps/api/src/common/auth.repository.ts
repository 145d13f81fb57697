import { Injectable } from '@nestjs/common';
import { hashApiToken } from '#crypto/api-tokens.js';
import { PrismaService } from '#database/prisma.service.js';
import type { Caller } from '#domain/models.js';

// Last use is informative (and the idle clock only needs minutes): not worth a write on every request.
const TOUCH_EVERY_MS = 60_000;

@Injectable()
export class AuthRepository {
  constructor(private readonly prisma: PrismaService) {}

  async callerForToken(secret: string): Promise<Caller | null> {
    const token = await this.prisma.client.apiToken.findUnique({
      where: { tokenHash: hashApiToken(secret) },
      include: { member: true },
    });
    if (!token || token.revokedAt || token.member.removedAt) return null;
    if (!token.lastUsedAt || Date.now() - token.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
      await this.prisma.client.apiToken.update({ where: { id: token.id }, data: { lastUsedAt: new Date() } });
    }
    return { memberId: token.memberId, organisationId: token.member.organisationId, role: token.member.role };
  }

  /** A live session: not ended, within its absolute limit, used within the idle limit, its member still there. */
  async callerForSession(secret: string, idleMs: number, now = new Date()): Promise<Caller | null> {
    const session = await this.prisma.client.memberSession.findUnique({
      where: { tokenHash: hashApiToken(secret) },
      include: { member: true },
    });
    if (!session || session.endedAt || session.member.removedAt) return null;
    if (session.expiresAt <= now || session.lastSeenAt.getTime() + idleMs <= now.getTime()) return null;
    if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
      await this.prisma.client.memberSession.update({ where: { id: session.id }, data: { lastSeenAt: now } });
    }
    return { memberId: session.memberId, organisationId: session.member.organisationId, role: session.member.role, sessionId: session.id };
  }
}
