import { Module } from '@nestjs/common';
import { AccountsController } from './accounts.controller.js';
import { AccountsRepository } from './accounts.repository.js';
import { AccountsService } from './accounts.service.js';
import { NetworkConnectionsService } from './network-connections.service.js';

@Module({
  controllers: [AccountsController],
  providers: [AccountsService, AccountsRepository, NetworkConnectionsService],
  exports: [AccountsRepository],
})
export class AccountsModule {}
