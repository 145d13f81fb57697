import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { ACCOUNT_TOKEN_CONTEXT, OAUTH_CLIENT_SECRET_CONTEXT } from '#crypto/contexts.js';
import { SecretBox } from '#crypto/secret-box.js';
import type { AccountCapabilitiesRecord, AccountRecord, Caller } from '#domain/models.js';
import { AccountCapabilities } from '#networks/account-capabilities.js';
import { MastodonAdapter } from '#networks/mastodon/mastodon.adapter.js';
import type { VerifiedAccount } from '#networks/network-adapter.js';
import { DeliveryQueue } from '#queue/delivery-queue.js';
import { OutboundHttp } from '#networks/http/outbound-http.js';
import { invalidField } from '../common/errors.js';
import { AccountsRepository, type OAuthSessionRecord } from './accounts.repository.js';
import { checkedServerUrl, onNetwork } from './network-calls.js';

const OAUTH_SESSION_TTL_MS = 15 * 60_000;

@Injectable()
export class AccountsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: AccountsRepository,
    private readonly mastodon: MastodonAdapter,
    private readonly secrets: SecretBox,
    private readonly outbound: OutboundHttp,
    private readonly queue: DeliveryQueue,
    private readonly checks: AccountCapabilities,
  ) {}

  list(caller: Caller): Promise<AccountRecord[]> {
    return this.repo.list(caller.organisationId);
  }

  async listWithCapabilities(caller: Caller): Promise<{ accounts: AccountRecord[]; capabilities: Map<string, AccountCapabilitiesRecord> }> {
    const accounts = await this.list(caller);
    return { accounts, capabilities: await this.checks.forAccounts(accounts.map((a) => a.id)) };
  }

  capabilities(accountId: string): Promise<AccountCapabilitiesRecord> {
    return this.checks.get(accountId);
  }

  async get(caller: Caller, id: string): Promise<AccountRecord> {
    const account = await this.repo.find(caller.organisationId, id);
    if (!account) throw new NotFoundException(`No account ${id} in your organisation`);
    return account;
  }

  async connect(caller: Caller, rawInstanceUrl: string, accessToken: string) {
    const instanceUrl = await checkedServerUrl(this.outbound, rawInstanceUrl, 'instanceUrl');
    const verified = await this.verify(instanceUrl, accessToken);
    return this.withCapabilities(await this.repo.upsertVerified(caller.organisationId, 'mastodon', instanceUrl, verified, this.seal(accessToken)));
  }

  async reconnect(caller: Caller, id: string, accessToken: string): Promise<{ account: AccountRecord; capabilities: AccountCapabilitiesRecord }> {
    const account = await this.get(caller, id);
    const verified = await this.verify(account.instanceUrl, accessToken);
    if (verified.remoteId !== account.remoteId) {
      throw invalidField('accessToken', `belongs to ${verified.handle}, not to ${account.handle}`);
    }
    return this.withCapabilities(await this.repo.upsertVerified(caller.organisationId, account.network, account.instanceUrl, verified, this.seal(accessToken)));
  }

  async disconnect(caller: Caller, id: string): Promise<{ cancelledDeliveries: number }> {
    const account = await this.get(caller, id);
    const { cancelledDeliveryIds } = await this.repo.disconnect(account.id, `Account ${account.handle} was disconnected`);
    await this.queue.unschedule(cancelledDeliveryIds);
    return { cancelledDeliveries: cancelledDeliveryIds.length };
  }

  async startOAuth(caller: Caller, rawInstanceUrl: string) {
    const instanceUrl = await checkedServerUrl(this.outbound, rawInstanceUrl, 'instanceUrl');
    const redirectUri = `${this.config.http.publicUrl}/v1/oauth/mastodon/callback`;
    const app = await onNetwork(() => this.mastodon.registerApp(instanceUrl, redirectUri), 'instanceUrl');
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
      sessionId: caller.sessionId ?? null,
    });
    return { authorizationUrl: this.mastodon.authorizationUrl(instanceUrl, app.clientId, redirectUri, state), state, expiresAt };
  }

  /** Turns the callback's code into a verified account and its sealed token (linking is OAuthFlowService's). */
  async exchangeOAuth(session: OAuthSessionRecord, code: string): Promise<{ account: VerifiedAccount; tokenCiphertext: string }> {
    const clientSecret = this.secrets.open(session.clientSecretCiphertext, OAUTH_CLIENT_SECRET_CONTEXT);
    const accessToken = await onNetwork(
      () => this.mastodon.exchangeCode(session.instanceUrl, { clientId: session.clientId, clientSecret, redirectUri: session.redirectUri }, code),
      'code',
    );
    const account = await this.verify(session.instanceUrl, accessToken);
    return { account, tokenCiphertext: this.seal(accessToken) };
  }

  /** What the server offers is asked right after the account is verified, and kept with it. */
  private async withCapabilities<T extends { account: AccountRecord }>(connected: T): Promise<T & { capabilities: AccountCapabilitiesRecord }> {
    return { ...connected, capabilities: await onNetwork(() => this.checks.refresh(connected.account, 'connect'), 'accessToken') };
  }

  private seal(accessToken: string): string {
    return this.secrets.seal(accessToken, ACCOUNT_TOKEN_CONTEXT);
  }

  private verify(instanceUrl: string, accessToken: string): Promise<VerifiedAccount> {
    return onNetwork(() => this.mastodon.verify({ instanceUrl, accessToken }), 'accessToken');
  }

}
