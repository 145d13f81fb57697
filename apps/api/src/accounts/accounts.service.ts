import { BadGatewayException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../../../../libs/config/config.js';
import { ACCOUNT_TOKEN_CONTEXT, OAUTH_CLIENT_SECRET_CONTEXT } from '../../../../libs/crypto/contexts.js';
import { SecretBox } from '../../../../libs/crypto/secret-box.js';
import type { AccountRecord, Caller } from '../../../../libs/domain/models.js';
import { InstanceUrlError, NetworkError } from '../../../../libs/networks/errors.js';
import { MastodonAdapter } from '../../../../libs/networks/mastodon/mastodon.adapter.js';
import type { VerifiedAccount } from '../../../../libs/networks/network-adapter.js';
import { checkInstanceUrl } from '../../../../libs/networks/url-guard.js';
import { DeliveryQueue } from '../../../../libs/queue/delivery-queue.js';
import { invalidField } from '../common/errors.js';
import { AccountsRepository } from './accounts.repository.js';

const OAUTH_SESSION_TTL_MS = 15 * 60_000;

@Injectable()
export class AccountsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: AccountsRepository,
    private readonly mastodon: MastodonAdapter,
    private readonly secrets: SecretBox,
    private readonly queue: DeliveryQueue,
  ) {}

  list(caller: Caller): Promise<AccountRecord[]> {
    return this.repo.list(caller.organisationId);
  }

  async get(caller: Caller, id: string): Promise<AccountRecord> {
    const account = await this.repo.find(caller.organisationId, id);
    if (!account) throw new NotFoundException(`No account ${id} in your organisation`);
    return account;
  }

  async connect(caller: Caller, rawInstanceUrl: string, accessToken: string) {
    const instanceUrl = await this.instanceUrl(rawInstanceUrl, 'instanceUrl');
    const verified = await this.verify(instanceUrl, accessToken);
    return this.repo.upsertVerified(caller.organisationId, 'mastodon', instanceUrl, verified, this.seal(accessToken));
  }

  async reconnect(caller: Caller, id: string, accessToken: string): Promise<AccountRecord> {
    const account = await this.get(caller, id);
    const verified = await this.verify(account.instanceUrl, accessToken);
    if (verified.remoteId !== account.remoteId) {
      throw invalidField('accessToken', `belongs to ${verified.handle}, not to ${account.handle}`);
    }
    const { account: updated } = await this.repo.upsertVerified(
      caller.organisationId, account.network, account.instanceUrl, verified, this.seal(accessToken),
    );
    return updated;
  }

  async disconnect(caller: Caller, id: string): Promise<{ cancelledDeliveries: number }> {
    const account = await this.get(caller, id);
    const { cancelledDeliveryIds } = await this.repo.disconnect(account.id, `Account ${account.handle} was disconnected`);
    await this.queue.unschedule(cancelledDeliveryIds);
    return { cancelledDeliveries: cancelledDeliveryIds.length };
  }

  async startOAuth(caller: Caller, rawInstanceUrl: string) {
    const instanceUrl = await this.instanceUrl(rawInstanceUrl, 'instanceUrl');
    const redirectUri = `${this.config.http.publicUrl}/v1/oauth/mastodon/callback`;
    const app = await this.callInstance(() => this.mastodon.registerApp(instanceUrl, redirectUri));
    const state = randomBytes(24).toString('base64url');
    const expiresAt = new Date(Date.now() + OAUTH_SESSION_TTL_MS);
    await this.repo.createOAuthSession({
      id: state,
      organisationId: caller.organisationId,
      memberId: caller.memberId,
      instanceUrl,
      clientId: app.clientId,
      clientSecretCiphertext: this.secrets.seal(app.clientSecret, OAUTH_CLIENT_SECRET_CONTEXT),
      redirectUri,
      expiresAt,
    });
    return { authorizationUrl: this.mastodon.authorizationUrl(instanceUrl, app.clientId, redirectUri, state), state, expiresAt };
  }

  async finishOAuth(state: string, code: string) {
    const session = await this.repo.takeOAuthSession(state);
    if (!session || session.expiresAt < new Date()) {
      throw invalidField('state', 'is unknown, already used or expired: start the connection again');
    }
    const clientSecret = this.secrets.open(session.clientSecretCiphertext, OAUTH_CLIENT_SECRET_CONTEXT);
    const accessToken = await this.callInstance(
      () => this.mastodon.exchangeCode(session.instanceUrl, { clientId: session.clientId, clientSecret, redirectUri: session.redirectUri }, code),
      'code',
    );
    const verified = await this.verify(session.instanceUrl, accessToken);
    return this.repo.upsertVerified(session.organisationId, 'mastodon', session.instanceUrl, verified, this.seal(accessToken));
  }

  private seal(accessToken: string): string {
    return this.secrets.seal(accessToken, ACCOUNT_TOKEN_CONTEXT);
  }

  private async instanceUrl(raw: string, field: string): Promise<string> {
    try {
      return await checkInstanceUrl(raw, this.config.networks.allowPrivateInstances);
    } catch (err) {
      if (err instanceof InstanceUrlError) throw invalidField(field, err.message);
      throw err;
    }
  }

  private verify(instanceUrl: string, accessToken: string): Promise<VerifiedAccount> {
    return this.callInstance(() => this.mastodon.verify({ instanceUrl, accessToken }), 'accessToken');
  }

  /** Turns the instance's refusal into a 400 naming the field, and its absence into a 502. */
  private async callInstance<T>(call: () => Promise<T>, field = 'instanceUrl'): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof NetworkError)) throw err;
      if (err.kind === 'auth') throw invalidField(field, `was refused by the instance (${err.message})`);
      if (err.kind === 'permanent') throw invalidField(field, err.message);
      throw new BadGatewayException(`The instance could not be reached or failed: ${err.message}`);
    }
  }
}
