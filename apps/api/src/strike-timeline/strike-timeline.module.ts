import { Module } from '@nestjs/common';
import { StrikesModule } from '../strikes/strikes.module.js';
import { StrikeTimelineController } from './strike-timeline.controller.js';
import { StrikeTimelineRepository } from './strike-timeline.repository.js';
import { StrikeTimelineService } from './strike-timeline.service.js';

/** Preview, live view and review of held posts: what a strike does to the timeline. */
@Module({
  imports: [StrikesModule],
  controllers: [StrikeTimelineController],
  providers: [StrikeTimelineService, StrikeTimelineRepository],
})
export class StrikeTimelineModule {}
