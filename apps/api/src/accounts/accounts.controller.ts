import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
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

  @Get('accounts')
  async list(@CurrentCaller() caller: Caller) {
    const { accounts, capabilities } = await this.service.listWithCapabilities(caller);
    return accounts.map((a) => accountView(a, capabilities.get(a.id)));
  }

  @Get('accounts/:id')
  async get(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string) {
    const account = await this.service.get(caller, id);
    return accountView(account, await this.service.capabilities(account.id));
  }

  @Post('accounts')
  @Roles('admin', 'community_manager')
  async connect(@CurrentCaller() caller: Caller, @Body() body: ConnectAccountDto, @Res({ passthrough: true }) res: Response) {
    const { account, created, capabilities } = await this.service.connect(caller, body.instanceUrl, body.accessToken);
    res.status(created ? 201 : 200);
    return accountView(account, capabilities);
  }

  @Post('accounts/:id/reconnect')
  @Roles('admin', 'community_manager')
  async reconnect(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Body() body: ReconnectAccountDto) {
    const { account, capabilities } = await this.service.reconnect(caller, id, body.accessToken);
    return accountView(account, capabilities);
  }

  @Delete('accounts/:id')
  @Roles('admin', 'community_manager')
  disconnect(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string) {
    return this.service.disconnect(caller, id);
  }

  @Post('accounts/oauth/mastodon')
  @Roles('admin', 'community_manager')
  startOAuth(@CurrentCaller() caller: Caller, @Body() body: StartOAuthDto) {
    return this.service.startOAuth(caller, body.instanceUrl);
  }

  @Post('accounts/bluesky')
  @Roles('admin', 'community_manager')
  async connectBluesky(@CurrentCaller() caller: Caller, @Body() body: ConnectBlueskyDto, @Res({ passthrough: true }) res: Response) {
    const { account, created, capabilities } = await this.networks.connectBluesky(caller, body);
    res.status(created ? 201 : 200);
    return accountView(account, capabilities);
  }

  @Post('accounts/oauth/x')
  @Roles('admin', 'community_manager')
  startX(@CurrentCaller() caller: Caller) {
    return this.networks.startX(caller);
  }

  @Get('oauth/x/callback')
  @Public()
  async xCallback(@Query() query: OAuthCallbackQuery) {
    const { account, capabilities } = await this.networks.finishX(query.state, query.code);
    return accountView(account, capabilities);
  }

  /** Where the instance sends the browser back; the one-time `state` stands for the caller. */
  @Get('oauth/mastodon/callback')
  @Public()
  async callback(@Query() query: OAuthCallbackQuery) {
    const { account, capabilities } = await this.service.finishOAuth(query.state, query.code);
    return accountView(account, capabilities);
  }
}
