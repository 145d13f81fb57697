import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { ACCOUNT_TOKEN_CONTEXT } from '#crypto/contexts.js';
import { SecretBox } from '#crypto/secret-box.js';
import { AccountSecretsRepository } from '#database/account-secrets.repository.js';
import type { AccountRecord } from '#domain/models.js';
import type { AccountConnection } from './network-adapter.js';
import { NetworkRegistry } from './network-registry.js';

/**
 * The one way to talk to an account: decrypts its secret and, on networks with short-lived tokens,
 * renews them first and stores the new ones. A refused renewal throws NetworkAuthError, which every
 * caller already turns into "needs reconnecting".
 */
@Injectable()
export class AccountConnections {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly secrets: SecretBox,
    private readonly networks: NetworkRegistry,
    private readonly repo: AccountSecretsRepository,
  ) {}

  async open(account: Pick<AccountRecord, 'id' | 'network' | 'instanceUrl' | 'tokenCiphertext'>, now = new Date()): Promise<AccountConnection> {
    const adapter = this.networks.get(account.network);
    const connection = (ciphertext: string): AccountConnection => ({
      instanceUrl: account.instanceUrl,
      accessToken: this.secrets.open(ciphertext, ACCOUNT_TOKEN_CONTEXT),
    });
    const current = connection(account.tokenCiphertext);
    // The lock is taken only when a renewal is due: most calls go straight through.
    if (!adapter.renewCredentials || (adapter.credentialsDue && !adapter.credentialsDue(current, now))) return current;
    const ciphertext = await this.repo.withSecretLock(
      account.id,
      async (current) => {
        const fresh = await adapter.renewCredentials!(connection(current), now);
        return fresh ? this.secrets.seal(fresh, ACCOUNT_TOKEN_CONTEXT) : null;
      },
      this.config.networks.timeoutMs,
    );
    return connection(ciphertext);
  }
}
