import { ForbiddenException, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import type { AccountCapabilitiesRecord, AccountRecord } from '#domain/models.js';
import { AccountCapabilities } from '#networks/account-capabilities.js';
import type { NetworkName, VerifiedAccount } from '#networks/network-adapter.js';
import { assertSameSite } from '../common/auth.js';
import { AuthRepository } from '../common/auth.repository.js';
import { csrfTokenFor, readCookie, SESSION_COOKIE } from '../common/cookies.js';
import { invalidField } from '../common/errors.js';
import { AccountsRepository, type PendingOAuthRecord } from './accounts.repository.js';
import { AccountsService } from './accounts.service.js';
import { NetworkConnectionsService } from './network-connections.service.js';
import { confirmPage, pickLang, refusedPage } from './oauth-pages.js';

export type OAuthNetwork = Extract<NetworkName, 'mastodon' | 'x'>;

export type CallbackOutcome =
  | { kind: 'linked'; account: AccountRecord; capabilities: AccountCapabilitiesRecord }
  | { kind: 'page'; status: number; html: string };

/**
 * Where an OAuth callback lands. A flow started with an API token (automation) links at once, as
 * before. A flow started from a browser session finishes only in that same session, and only
 * after the member confirms on a page naming the account and the organisation: a callback URL
 * opened by anyone else (a link sent to a colleague, a forged one) links nothing.
 */
@Injectable()
export class OAuthFlowService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: AccountsRepository,
    private readonly auth: AuthRepository,
    private readonly mastodon: AccountsService,
    private readonly networks: NetworkConnectionsService,
    private readonly checks: AccountCapabilities,
  ) {}

  async callback(network: OAuthNetwork, state: string, code: string, req: Request): Promise<CallbackOutcome> {
    const lang = pickLang(req.headers['accept-language']);
    const flow = await this.live(network, state);
    if (!flow.sessionId) {
      const taken = await this.repo.takeOAuthSession(state);
      if (!taken) throw stateGone();
      const account = await this.link(network, taken, await this.exchange(network, taken, code));
      return { kind: 'linked', account, capabilities: await this.checks.get(account.id) };
    }
    const secret = await this.sameSession(req, flow);
    if (!secret) return { kind: 'page', status: 403, html: refusedPage(lang) };
    // A reload of the callback shows the same confirmation: the code was already spent.
    let pending = flow.pending;
    if (!pending) {
      pending = await this.exchange(network, flow, code);
      if (!(await this.repo.setOAuthPending(state, pending.account, pending.tokenCiphertext))) throw stateGone();
    }
    const html = confirmPage({
      lang,
      network,
      account: pending.account,
      instanceUrl: flow.instanceUrl,
      organisationName: await this.repo.organisationName(flow.organisationId),
      state,
      csrf: csrfTokenFor(secret),
    });
    return { kind: 'page', status: 200, html };
  }

  /** The confirmation form: same session, CSRF field and Origin checked, then the account is linked once. */
  async confirm(network: OAuthNetwork, state: string, csrf: string, req: Request): Promise<AccountRecord> {
    const flow = await this.live(network, state);
    const secret = flow.sessionId ? await this.sameSession(req, flow) : null;
    if (!secret) throw new ForbiddenException('This connection was started in another session: nothing was connected');
    assertSameSite(req, secret, this.config.http.publicUrl, csrf);
    if (!flow.pending) throw invalidField('state', 'this connection has not come back from the network yet');
    const taken = await this.repo.takeOAuthSession(state);
    if (!taken?.pending) throw stateGone();
    return this.link(network, taken, taken.pending);
  }

  private async live(network: OAuthNetwork, state: string): Promise<PendingOAuthRecord> {
    const flow = await this.repo.findOAuthSession(state);
    // A state of another network's flow is as unknown here as a made-up one.
    if (!flow || flow.expiresAt < new Date() || !flow.redirectUri.endsWith(`/v1/oauth/${network}/callback`)) throw stateGone();
    return flow;
  }

  /** The session cookie's secret when this browser is the session that started the flow. */
  private async sameSession(req: Request, flow: PendingOAuthRecord): Promise<string | null> {
    const secret = readCookie(req, SESSION_COOKIE);
    if (!secret) return null;
    const caller = await this.auth.callerForSession(secret, this.config.sessions.idleMs);
    return caller && caller.sessionId === flow.sessionId && caller.organisationId === flow.organisationId ? secret : null;
  }

  private exchange(network: OAuthNetwork, flow: PendingOAuthRecord, code: string) {
    return network === 'x' ? this.networks.exchangeX(flow, code) : this.mastodon.exchangeOAuth(flow, code);
  }

  private async link(network: OAuthNetwork, flow: PendingOAuthRecord, got: { account: VerifiedAccount; tokenCiphertext: string }): Promise<AccountRecord> {
    const { account } = await this.repo.upsertVerified(flow.organisationId, network, flow.instanceUrl, got.account, got.tokenCiphertext);
    // What the server offers is asked once the account is linked; a server that cannot be asked now is asked before each strike.
    await this.checks.refresh(account, 'connect').catch(() => undefined);
    return account;
  }
}

const stateGone = () => invalidField('state', 'is unknown, already used or expired: start the connection again');
