import { Injectable } from '@nestjs/common';
import { toAccount } from '#database/mappers.js';
import { Prisma } from '#database/generated/client.js';
import { PrismaService } from '#database/prisma.service.js';
import type { AccountRecord } from '#domain/models.js';
import type { NetworkName, VerifiedAccount } from '#networks/network-adapter.js';

export interface OAuthSessionRecord {
  id: string;
  organisationId: string;
  memberId: string;
  instanceUrl: string;
  clientId: string;
  clientSecretCiphertext: string;
  redirectUri: string;
  expiresAt: Date;
  /** The browser session that started the flow; null when an API token did (automation). */
  sessionId: string | null;
}

/** A flow whose callback has come back in the right session: the account waits for the member's confirmation. */
export interface PendingOAuthRecord extends OAuthSessionRecord {
  pending: { account: VerifiedAccount; tokenCiphertext: string } | null;
}

@Injectable()
export class AccountsRepository {
  constructor(private readonly prisma: PrismaService) {}

  private get db() {
    return this.prisma.client;
  }

  async list(organisationId: string): Promise<AccountRecord[]> {
    const rows = await this.db.account.findMany({ where: { organisationId, disconnectedAt: null }, orderBy: { createdAt: 'asc' } });
    return rows.map(toAccount);
  }

  async find(organisationId: string, id: string): Promise<AccountRecord | null> {
    const a = await this.db.account.findFirst({ where: { id, organisationId, disconnectedAt: null } });
    return a ? toAccount(a) : null;
  }

  async findMany(organisationId: string, ids: string[]): Promise<AccountRecord[]> {
    const rows = await this.db.account.findMany({ where: { id: { in: ids }, organisationId, disconnectedAt: null } });
    return rows.map(toAccount);
  }

  /** Connecting an account that was connected before brings the same record back, with its history. */
  async upsertVerified(
    organisationId: string,
    network: NetworkName,
    instanceUrl: string,
    verified: VerifiedAccount,
    tokenCiphertext: string,
  ): Promise<{ account: AccountRecord; created: boolean }> {
    const data = {
      handle: verified.handle,
      displayName: verified.displayName,
      profileUrl: verified.profileUrl,
      tokenCiphertext,
      maxCharacters: verified.limits.maxCharacters,
      maxMedia: verified.limits.maxMedia,
      charactersPerUrl: verified.limits.charactersPerUrl,
      status: 'active' as const,
      statusReason: null,
      disconnectedAt: null,
    };
    const key = { organisationId, network, instanceUrl, remoteId: verified.remoteId };
    const existing = await this.db.account.findUnique({ where: { organisationId_network_instanceUrl_remoteId: key } });
    const row = existing
      ? await this.db.account.update({ where: { id: existing.id }, data })
      : await this.db.account.create({ data: { ...key, ...data } });
    return { account: toAccount(row), created: !existing || existing.disconnectedAt !== null };
  }

  /** Disconnecting forgets the token and cancels what was still to be published there. */
  async disconnect(id: string, reason: string): Promise<{ cancelledDeliveryIds: string[] }> {
    return this.db.$transaction(async (tx) => {
      await tx.account.update({ where: { id }, data: { disconnectedAt: new Date(), tokenCiphertext: '', status: 'needs_reconnection', statusReason: reason } });
      const due = await tx.delivery.findMany({ where: { accountId: id, state: 'scheduled' }, select: { id: true } });
      await tx.delivery.updateMany({
        where: { accountId: id, state: 'scheduled' },
        data: { state: 'cancelled', cancelReason: reason },
      });
      return { cancelledDeliveryIds: due.map((d) => d.id) };
    });
  }

  async createOAuthSession(s: OAuthSessionRecord): Promise<void> {
    await this.db.oAuthSession.create({ data: s });
  }

  async organisationName(id: string): Promise<string> {
    return (await this.db.organisation.findUniqueOrThrow({ where: { id }, select: { name: true } })).name;
  }

  /** Reads a flow without using it up (a callback opened in the wrong session must not spend it). */
  async findOAuthSession(id: string): Promise<PendingOAuthRecord | null> {
    const s = await this.db.oAuthSession.findUnique({ where: { id } });
    if (!s) return null;
    const { pendingAccount, pendingSecretCiphertext } = s;
    return {
      id: s.id,
      organisationId: s.organisationId,
      memberId: s.memberId,
      instanceUrl: s.instanceUrl,
      clientId: s.clientId,
      clientSecretCiphertext: s.clientSecretCiphertext,
      redirectUri: s.redirectUri,
      expiresAt: s.expiresAt,
      sessionId: s.sessionId,
      pending: pendingAccount && pendingSecretCiphertext ? { account: pendingAccount as unknown as VerifiedAccount, tokenCiphertext: pendingSecretCiphertext } : null,
    };
  }

  /** Keeps the verified account (its token sealed) until the member confirms; once only. */
  async setOAuthPending(id: string, account: VerifiedAccount, tokenCiphertext: string): Promise<boolean> {
    const { count } = await this.db.oAuthSession.updateMany({
      where: { id, pendingAccount: { equals: Prisma.DbNull } },
      data: { pendingAccount: JSON.parse(JSON.stringify(account)) as Prisma.InputJsonValue, pendingSecretCiphertext: tokenCiphertext },
    });
    return count === 1;
  }

  /** Single use: the session is deleted as it is read. */
  async takeOAuthSession(id: string): Promise<PendingOAuthRecord | null> {
    const session = await this.findOAuthSession(id);
    if (!session) return null;
    const { count } = await this.db.oAuthSession.deleteMany({ where: { id } });
    return count === 1 ? session : null;
  }
}
