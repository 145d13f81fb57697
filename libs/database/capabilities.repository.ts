import { Injectable } from '@nestjs/common';
import type { AccountCapabilitiesRecord, CapabilityRecord } from '#domain/models.js';
import type { FeatureCheck } from '#networks/network-adapter.js';
import { PrismaService } from './prisma.service.js';

/** What each account's server offers, one row per feature (account_capabilities). */
@Injectable()
export class CapabilitiesRepository {
  constructor(private readonly prisma: PrismaService) {}

  private get db() {
    return this.prisma.client;
  }

  /** Every feature checked at once replaces what was known. */
  async save(accountId: string, features: Record<string, FeatureCheck>, source: string, checkedAt: Date): Promise<void> {
    await this.db.$transaction(
      Object.entries(features).map(([feature, check]) =>
        this.db.accountCapability.upsert({
          where: { accountId_feature: { accountId, feature } },
          create: { accountId, feature, support: check.support, detail: check.detail, source, checkedAt },
          update: { support: check.support, detail: check.detail, source, checkedAt },
        }),
      ),
    );
  }

  /** Using a feature showed what the server does (say, pin answered 404 for a post that exists). */
  async learn(accountId: string, feature: string, check: FeatureCheck, checkedAt: Date): Promise<void> {
    await this.save(accountId, { [feature]: check }, 'use', checkedAt);
  }

  async forAccount(accountId: string): Promise<AccountCapabilitiesRecord> {
    return (await this.forAccounts([accountId])).get(accountId) ?? {};
  }

  async forAccounts(accountIds: string[]): Promise<Map<string, AccountCapabilitiesRecord>> {
    const rows = await this.db.accountCapability.findMany({ where: { accountId: { in: accountIds } }, orderBy: { feature: 'asc' } });
    const out = new Map<string, AccountCapabilitiesRecord>();
    for (const r of rows) {
      const record: CapabilityRecord = { support: r.support as CapabilityRecord['support'], detail: r.detail, source: r.source, checkedAt: r.checkedAt };
      out.set(r.accountId, { ...out.get(r.accountId), [r.feature]: record });
    }
    return out;
  }
}
