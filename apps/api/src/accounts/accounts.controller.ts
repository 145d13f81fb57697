import { Body, Controller, Delete, Get, NotFoundException, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { S } from '../common/openapi.js';
import type { Caller } from '#domain/models.js';
import { CurrentCaller, Public, Roles } from '../common/auth.js';
import { accountView } from './account.view.js';
import { AccountsService } from './accounts.service.js';
import { ConnectAccountDto, ConnectBlueskyDto, OAuthCallbackQuery, OAuthConfirmDto, ReconnectAccountDto, StartOAuthDto } from './dto/account.dto.js';
import { NetworkConnectionsService } from './network-connections.service.js';
import { OAuthFlowService, type OAuthNetwork } from './oauth-flow.service.js';
import { PAGE_CSP } from './oauth-pages.js';

const oauthNetwork = (n: string): OAuthNetwork => {
  if (n === 'mastodon' || n === 'x') return n;
  throw new NotFoundException(`No OAuth connection for ${n}`);
};

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('v1')
export class AccountsController {
  constructor(
    private readonly service: AccountsService,
    private readonly networks: NetworkConnectionsService,
    private readonly flows: OAuthFlowService,
  ) {}

  @ApiOperation({ summary: 'List the organisation\'s connected accounts' })
  @ApiOkResponse({ schema: S.accounts })
  @Get('accounts')
  async list(@CurrentCaller() caller: Caller) {
    const { accounts, capabilities } = await this.service.listWithCapabilities(caller);
    return accounts.map((a) => accountView(a, capabilities.get(a.id)));
  }

  @ApiOperation({ summary: 'One account (never its token)' })
  @ApiOkResponse({ schema: S.account })
  @Get('accounts/:id')
  async get(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string) {
    const account = await this.service.get(caller, id);
    return accountView(account, await this.service.capabilities(account.id));
  }

  @ApiOperation({ summary: 'Connect a Mastodon account with an access token (200 when it was already connected)' })
  @ApiCreatedResponse({ schema: S.account })
  @ApiOkResponse({ schema: S.account, description: 'Already connected' })
  @Post('accounts')
  @Roles('admin', 'community_manager')
  async connect(@CurrentCaller() caller: Caller, @Body() body: ConnectAccountDto, @Res({ passthrough: true }) res: Response) {
    const { account, created, capabilities } = await this.service.connect(caller, body.instanceUrl, body.accessToken);
    res.status(created ? 201 : 200);
    return accountView(account, capabilities);
  }

  @ApiOperation({ summary: 'Give an account a new access token' })
  @ApiCreatedResponse({ schema: S.account })
  @Post('accounts/:id/reconnect')
  @Roles('admin', 'community_manager')
  async reconnect(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Body() body: ReconnectAccountDto) {
    const { account, capabilities } = await this.service.reconnect(caller, id, body.accessToken);
    return accountView(account, capabilities);
  }

  @ApiOperation({ summary: 'Disconnect an account; its scheduled deliveries are cancelled' })
  @ApiOkResponse({ schema: S.disconnected })
  @Delete('accounts/:id')
  @Roles('admin', 'community_manager')
  disconnect(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string) {
    return this.service.disconnect(caller, id);
  }

  @ApiOperation({ summary: 'Start connecting a Mastodon account by OAuth: where to send the person' })
  @ApiCreatedResponse({ schema: S.authorizeUrl })
  @Post('accounts/oauth/mastodon')
  @Roles('admin', 'community_manager')
  startOAuth(@CurrentCaller() caller: Caller, @Body() body: StartOAuthDto) {
    return this.service.startOAuth(caller, body.instanceUrl);
  }

  @ApiOperation({ summary: 'Connect a Bluesky account with a handle and an app password' })
  @ApiCreatedResponse({ schema: S.account })
  @ApiOkResponse({ schema: S.account, description: 'Already connected' })
  @Post('accounts/bluesky')
  @Roles('admin', 'community_manager')
  async connectBluesky(@CurrentCaller() caller: Caller, @Body() body: ConnectBlueskyDto, @Res({ passthrough: true }) res: Response) {
    const { account, created, capabilities } = await this.networks.connectBluesky(caller, body);
    res.status(created ? 201 : 200);
    return accountView(account, capabilities);
  }

  @ApiOperation({ summary: 'Start connecting an X account (OAuth 2.0 with PKCE): where to send the person' })
  @ApiCreatedResponse({ schema: S.authorizeUrl })
  @Post('accounts/oauth/x')
  @Roles('admin', 'community_manager')
  startX(@CurrentCaller() caller: Caller) {
    return this.networks.startX(caller);
  }

  /**
   * Where the network sends the browser back. A flow started with an API token links at once
   * (JSON); one started from a browser session shows a confirmation page in that session only.
   */
  @Get('oauth/:network/callback')
  @Public()
  @ApiExcludeEndpoint()
  async callback(@Param('network') network: string, @Query() query: OAuthCallbackQuery, @Req() req: Request, @Res() res: Response) {
    const outcome = await this.flows.callback(oauthNetwork(network), query.state, query.code, req);
    if (outcome.kind === 'linked') {
      res.status(200).json(accountView(outcome.account, outcome.capabilities));
      return;
    }
    res.status(outcome.status).setHeader('content-security-policy', PAGE_CSP).setHeader('cache-control', 'no-store').type('html').send(outcome.html);
  }

  /** The confirmation page's form (same session, its CSRF field): links the account, back to the app. */
  @Post('oauth/:network/confirm')
  @Public()
  @ApiExcludeEndpoint()
  async confirm(@Param('network') network: string, @Body() body: OAuthConfirmDto, @Req() req: Request, @Res() res: Response) {
    const account = await this.flows.confirm(oauthNetwork(network), body.state, body.csrf, req);
    res.redirect(303, `/accounts?connected=${encodeURIComponent(account.id)}`);
  }
}
