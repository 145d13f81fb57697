import { Module } from '@nestjs/common';
import { LiveStreams } from './live-streams.js';
import { StrikeEventsController } from './strike-events.controller.js';
import { StrikeTimelineController } from './strike-timeline.controller.js';
import { StrikeTimelineRepository } from './strike-timeline.repository.js';
import { StrikeTimelineService } from './strike-timeline.service.js';

/** Preview, live view and review of held posts: what a strike does to the timeline. */
@Module({
  controllers: [StrikeTimelineController, StrikeEventsController],
  providers: [LiveStreams, StrikeTimelineService, StrikeTimelineRepository],
})
export class StrikeTimelineModule {}
