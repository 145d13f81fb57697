import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { MediaModule } from '../media/media.module.js';
import { SitesModule } from '../sites/sites.module.js';
import { StrikeSpecBuilder } from '../strikes/strike-spec.service.js';
import { LiveStreams } from './live-streams.js';
import { StrikeEventsController } from './strike-events.controller.js';
import { StrikeTimelineController } from './strike-timeline.controller.js';
import { StrikeTimelineRepository } from './strike-timeline.repository.js';
import { StrikeTimelineService } from './strike-timeline.service.js';

/** Preview, live view and review of held posts: what a strike does to the timeline. */
@Module({
  imports: [AccountsModule, MediaModule, SitesModule],
  controllers: [StrikeTimelineController, StrikeEventsController],
  // StrikeSpecBuilder: a draft is previewed after the same checks as a proposal.
  providers: [LiveStreams, StrikeTimelineService, StrikeTimelineRepository, StrikeSpecBuilder],
})
export class StrikeTimelineModule {}
