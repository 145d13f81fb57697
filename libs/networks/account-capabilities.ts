import { Injectable, Logger } from '@nestjs/common';
import { CapabilitiesRepository } from '#database/capabilities.repository.js';
import type { AccountCapabilitiesRecord, AccountRecord } from '#domain/models.js';
import { AccountConnections } from './account-connections.js';
import { NetworkError } from './errors.js';
import type { Feature, FeatureCheck } from './network-adapter.js';
import { NetworkRegistry } from './network-registry.js';

export type CapabilitySource = 'connect' | 'strike-start';

/**
 * Finds out what an account's server offers and keeps it per account: at connect, and again before
 * each strike starts. Only a refused account throws; a server that cannot be asked leaves what was
 * known (the strike's steps then try each feature and learn from the answer).
 */
@Injectable()
export class AccountCapabilities {
  private readonly logger = new Logger(AccountCapabilities.name);

  constructor(
    private readonly repo: CapabilitiesRepository,
    private readonly networks: NetworkRegistry,
    private readonly connections: AccountConnections,
  ) {}

  async refresh(account: AccountRecord, source: CapabilitySource, now = new Date()): Promise<AccountCapabilitiesRecord> {
    try {
      const conn = await this.connections.open(account, now);
      const detected = await this.networks.get(account.network).detectCapabilities(conn);
      await this.repo.save(account.id, detected.features, source, now);
    } catch (err) {
      if (err instanceof NetworkError && err.kind === 'auth') throw err;
      this.logger.warn(`Capabilities of ${account.handle} could not be checked: ${(err as Error).message}`);
    }
    return this.repo.forAccount(account.id);
  }

  /** Records what using a feature showed; the next check asks again. */
  async learn(accountId: string, feature: Feature, check: FeatureCheck, now = new Date()): Promise<void> {
    await this.repo.learn(accountId, feature, check, now);
  }

  get(accountId: string): Promise<AccountCapabilitiesRecord> {
    return this.repo.forAccount(accountId);
  }

  forAccounts(accountIds: string[]): Promise<Map<string, AccountCapabilitiesRecord>> {
    return this.repo.forAccounts(accountIds);
  }
}

/** Whether a feature may be used: anything but a known `no` is tried. */
export function mayUse(capabilities: AccountCapabilitiesRecord, feature: Feature): boolean {
  return capabilities[feature]?.support !== 'no';
}
