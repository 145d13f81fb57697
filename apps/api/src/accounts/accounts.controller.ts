import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { S } from '../common/openapi.js';
import type { Response } from 'express';
import type { Caller } from '../../../../libs/domain/models.js';
import { CurrentCaller, Public, Roles } from '../common/auth.js';
import { accountView } from './account.view.js';
import { AccountsService } from './accounts.service.js';
import { ConnectAccountDto, ConnectBlueskyDto, OAuthCallbackQuery, ReconnectAccountDto, StartOAuthDto } from './dto/account.dto.js';
import { NetworkConnectionsService } from './network-connections.service.js';

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('v1')
export class AccountsController {
  constructor(
    private readonly service: AccountsService,
    private readonly networks: NetworkConnectionsService,
  ) {}

  @ApiOperation({ summary: 'List the organisation\'s connected accounts' })
  @ApiOkResponse({ schema: S.accounts })
  @Get('accounts')
  async list(@CurrentCaller() caller: Caller) {
    return (await this.service.list(caller)).map(accountView);
  }

  @ApiOperation({ summary: 'One account (never its token)' })
  @ApiOkResponse({ schema: S.account })
  @Get('accounts/:id')
  async get(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string) {
    return accountView(await this.service.get(caller, id));
  }

  @ApiOperation({ summary: 'Connect a Mastodon account with an access token (200 when it was already connected)' })
  @ApiCreatedResponse({ schema: S.account })
  @ApiOkResponse({ schema: S.account, description: 'Already connected' })
  @Post('accounts')
  @Roles('admin', 'community_manager')
  async connect(@CurrentCaller() caller: Caller, @Body() body: ConnectAccountDto, @Res({ passthrough: true }) res: Response) {
    const { account, created } = await this.service.connect(caller, body.instanceUrl, body.accessToken);
    res.status(created ? 201 : 200);
    return accountView(account);
  }

  @ApiOperation({ summary: 'Give an account a new access token' })
  @ApiCreatedResponse({ schema: S.account })
  @Post('accounts/:id/reconnect')
  @Roles('admin', 'community_manager')
  async reconnect(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Body() body: ReconnectAccountDto) {
    return accountView(await this.service.reconnect(caller, id, body.accessToken));
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
    const { account, created } = await this.networks.connectBluesky(caller, body);
    res.status(created ? 201 : 200);
    return accountView(account);
  }

  @ApiOperation({ summary: 'Start connecting an X account (OAuth 2.0 with PKCE): where to send the person' })
  @ApiCreatedResponse({ schema: S.authorizeUrl })
  @Post('accounts/oauth/x')
  @Roles('admin', 'community_manager')
  startX(@CurrentCaller() caller: Caller) {
    return this.networks.startX(caller);
  }

  @ApiOperation({ summary: 'Where X sends the person back: finishes connecting the account' })
  @ApiOkResponse({ schema: S.account })
  @Get('oauth/x/callback')
  @Public()
  async xCallback(@Query() query: OAuthCallbackQuery) {
    const { account } = await this.networks.finishX(query.state, query.code);
    return accountView(account);
  }

  /** Where the instance sends the browser back; the one-time `state` stands for the caller. */
  @ApiOperation({ summary: 'Where the Mastodon instance sends the person back: finishes connecting the account' })
  @ApiOkResponse({ schema: S.account })
  @Get('oauth/mastodon/callback')
  @Public()
  async callback(@Query() query: OAuthCallbackQuery) {
    const { account } = await this.service.finishOAuth(query.state, query.code);
    return accountView(account);
  }
}
