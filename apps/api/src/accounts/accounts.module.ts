import { Module } from '@nestjs/common';
import { AccountsController } from './accounts.controller.js';
import { AccountsRepository } from './accounts.repository.js';
import { AccountsService } from './accounts.service.js';
import { AuthRepository } from '../common/auth.repository.js';
import { NetworkConnectionsService } from './network-connections.service.js';
import { OAuthFlowService } from './oauth-flow.service.js';

@Module({
  controllers: [AccountsController],
  providers: [AccountsService, AccountsRepository, NetworkConnectionsService, OAuthFlowService, AuthRepository],
  exports: [AccountsRepository],
})
export class AccountsModule {}
