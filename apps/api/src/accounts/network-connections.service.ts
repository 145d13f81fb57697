import { ConflictException, Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { ACCOUNT_TOKEN_CONTEXT, OAUTH_CLIENT_SECRET_CONTEXT } from '#crypto/contexts.js';
import { SecretBox } from '#crypto/secret-box.js';
import type { AccountCapabilitiesRecord, AccountRecord, Caller } from '#domain/models.js';
import { AccountCapabilities } from '#networks/account-capabilities.js';
import { BlueskyAdapter, encodeBlueskySecret } from '#networks/bluesky/bluesky.adapter.js';
import { XAdapter } from '#networks/x/x.adapter.js';
import { OutboundHttp } from '#networks/http/outbound-http.js';
import type { VerifiedAccount } from '#networks/network-adapter.js';
import { AccountsRepository, type OAuthSessionRecord } from './accounts.repository.js';
import { checkedServerUrl, onNetwork } from './network-calls.js';

const OAUTH_SESSION_TTL_MS = 15 * 60_000;

/** Connecting X (OAuth 2.0 with PKCE) and Bluesky (handle and app password) accounts. */
@Injectable()
export class NetworkConnectionsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: AccountsRepository,
    private readonly x: XAdapter,
    private readonly bluesky: BlueskyAdapter,
    private readonly secrets: SecretBox,
    private readonly checks: AccountCapabilities,
    private readonly outbound: OutboundHttp,
  ) {}

  async connectBluesky(caller: Caller, dto: { service?: string; identifier: string; appPassword: string }) {
    const service = await checkedServerUrl(this.outbound, dto.service ?? this.config.networks.blueskyService, 'service');
    const secret = encodeBlueskySecret({ identifier: dto.identifier, appPassword: dto.appPassword });
    const verified = await onNetwork(() => this.bluesky.verify({ instanceUrl: service, accessToken: secret }), 'appPassword');
    return this.withCapabilities(await this.repo.upsertVerified(caller.organisationId, 'bluesky', service, verified, this.secrets.seal(secret, ACCOUNT_TOKEN_CONTEXT)), 'appPassword');
  }

  async startX(caller: Caller) {
    const clientId = this.config.networks.xClientId;
    if (!clientId) throw new ConflictException('X is not configured on this Piquet: set X_CLIENT_ID (and X_CLIENT_SECRET for a confidential app)');
    const redirectUri = `${this.config.http.publicUrl}/v1/oauth/x/callback`;
    const state = randomBytes(24).toString('base64url');
    const { url, codeVerifier } = this.x.authorizationUrl(clientId, redirectUri, state);
    const authorizationUrl = new URL(url);
    const configured = new URL(this.config.networks.xAuthorizeUrl);
    authorizationUrl.protocol = configured.protocol;
    authorizationUrl.host = configured.host;
    authorizationUrl.pathname = configured.pathname;
    const expiresAt = new Date(Date.now() + OAUTH_SESSION_TTL_MS);
    // The PKCE verifier waits, encrypted, with the one-time state until X sends the person back.
    await this.repo.createOAuthSession({
      id: state,
      organisationId: caller.organisationId,
      memberId: caller.memberId,
      instanceUrl: this.config.networks.xApiUrl,
      clientId,
      clientSecretCiphertext: this.secrets.seal(codeVerifier, OAUTH_CLIENT_SECRET_CONTEXT),
      redirectUri,
      expiresAt,
      sessionId: caller.sessionId ?? null,
    });
    return { authorizationUrl: authorizationUrl.toString(), state, expiresAt };
  }

  /** Turns X's code into a verified account and its sealed tokens (linking is OAuthFlowService's). */
  async exchangeX(session: OAuthSessionRecord, code: string): Promise<{ account: VerifiedAccount; tokenCiphertext: string }> {
    const codeVerifier = this.secrets.open(session.clientSecretCiphertext, OAUTH_CLIENT_SECRET_CONTEXT);
    const client = { clientId: session.clientId, clientSecret: this.config.networks.xClientSecret ?? undefined, redirectUri: session.redirectUri };
    const secret = await onNetwork(() => this.x.exchangeCode(session.instanceUrl, client, code, codeVerifier), 'code');
    const account = await onNetwork(() => this.x.verify({ instanceUrl: session.instanceUrl, accessToken: secret }), 'code');
    return { account, tokenCiphertext: this.secrets.seal(secret, ACCOUNT_TOKEN_CONTEXT) };
  }

  /** What the server offers is asked right after the account is verified, and kept with it. */
  private async withCapabilities<T extends { account: AccountRecord }>(connected: T, field: string): Promise<T & { capabilities: AccountCapabilitiesRecord }> {
    return { ...connected, capabilities: await onNetwork(() => this.checks.refresh(connected.account, 'connect'), field) };
  }
}
