import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { FeedsController } from './feeds.controller.js';
import { FeedsRepository } from './feeds.repository.js';
import { FeedsService } from './feeds.service.js';

@Module({
  imports: [AccountsModule],
  controllers: [FeedsController],
  providers: [FeedsService, FeedsRepository],
})
export class FeedsModule {}
