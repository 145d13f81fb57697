import { Module } from '@nestjs/common';
import { StrikesModule } from '../strikes/strikes.module.js';
import { MotionsController } from './motions.controller.js';
import { MotionsRepository } from './motions.repository.js';
import { MotionsService } from './motions.service.js';

/** What waits for members' votes: the open motions list and the banner's count. */
@Module({
  imports: [StrikesModule],
  controllers: [MotionsController],
  providers: [MotionsService, MotionsRepository],
  exports: [MotionsService],
})
export class MotionsModule {}
