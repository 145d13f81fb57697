import { Injectable } from '@nestjs/common';
import { PrismaService } from '#database/prisma.service.js';
import type { Role } from '#domain/models.js';

export interface SignInMember {
  id: string;
  organisationId: string;
  name: string;
  role: Role;
  passphraseHash: string | null;
}

export interface SessionRecord {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  userAgent: string | null;
}

export interface PasskeyRecord {
  id: string;
  memberId: string;
  credentialId: string;
  publicKey: Uint8Array;
  counter: number;
  transports: string[];
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

const SESSION_SELECT = { id: true, createdAt: true, lastSeenAt: true, userAgent: true } as const;

/** Members' credentials, sessions and passkeys. */
@Injectable()
export class SignInRepository {
  constructor(private readonly prisma: PrismaService) {}

  private get db() {
    return this.prisma.client;
  }

  async memberByLogin(login: string): Promise<SignInMember | null> {
    const m = await this.db.member.findFirst({ where: { login, removedAt: null } });
    return m ? { id: m.id, organisationId: m.organisationId, name: m.name, role: m.role, passphraseHash: m.passphraseHash } : null;
  }

  async member(id: string): Promise<SignInMember | null> {
    const m = await this.db.member.findFirst({ where: { id, removedAt: null } });
    return m ? { id: m.id, organisationId: m.organisationId, name: m.name, role: m.role, passphraseHash: m.passphraseHash } : null;
  }

  async memberAndOrganisation(memberId: string) {
    const m = await this.db.member.findFirstOrThrow({ where: { id: memberId }, include: { organisation: true } });
    return {
      member: { id: m.id, name: m.name, role: m.role },
      organisation: { id: m.organisation.id, name: m.organisation.name, timeZone: m.organisation.timeZone },
      login: m.login,
    };
  }

  async createSession(memberId: string, tokenHash: string, userAgent: string | null, expiresAt: Date): Promise<string> {
    const s = await this.db.memberSession.create({
      data: { memberId, tokenHash, userAgent: userAgent?.slice(0, 500) ?? null, expiresAt },
      select: { id: true },
    });
    return s.id;
  }

  /** The member's live sessions, newest use first. */
  async sessions(memberId: string, now: Date, idleMs: number): Promise<SessionRecord[]> {
    return this.db.memberSession.findMany({
      where: { memberId, endedAt: null, expiresAt: { gt: now }, lastSeenAt: { gt: new Date(now.getTime() - idleMs) } },
      select: SESSION_SELECT,
      orderBy: { lastSeenAt: 'desc' },
    });
  }

  async endSession(memberId: string, id: string): Promise<boolean> {
    const { count } = await this.db.memberSession.updateMany({ where: { id, memberId, endedAt: null }, data: { endedAt: new Date() } });
    return count === 1;
  }

  async passkeys(memberId: string): Promise<PasskeyRecord[]> {
    const rows = await this.db.passkey.findMany({ where: { memberId }, orderBy: { createdAt: 'asc' } });
    return rows.map((r) => ({ ...r, counter: Number(r.counter) }));
  }

  async passkeyByCredential(credentialId: string): Promise<PasskeyRecord | null> {
    const r = await this.db.passkey.findUnique({ where: { credentialId } });
    return r ? { ...r, counter: Number(r.counter) } : null;
  }

  async createPasskey(p: { memberId: string; credentialId: string; publicKey: Uint8Array; counter: number; transports: string[]; name: string }): Promise<PasskeyRecord> {
    const r = await this.db.passkey.create({
      data: { ...p, publicKey: Buffer.from(p.publicKey), counter: BigInt(p.counter) },
    });
    return { ...r, counter: Number(r.counter) };
  }

  async passkeyUsed(id: string, counter: number): Promise<void> {
    await this.db.passkey.update({ where: { id }, data: { counter: BigInt(counter), lastUsedAt: new Date() } });
  }

  async deletePasskey(memberId: string, id: string): Promise<boolean> {
    const { count } = await this.db.passkey.deleteMany({ where: { id, memberId } });
    return count === 1;
  }
}
