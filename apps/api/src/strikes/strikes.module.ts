import { Module } from '@nestjs/common';
import { AuditRepository } from '#database/audit.repository.js';
import { AccountsModule } from '../accounts/accounts.module.js';
import { MediaModule } from '../media/media.module.js';
import { SitesModule } from '../sites/sites.module.js';
import { BallotClock } from './ballot-clock.js';
import { DecisionsController } from './decisions.controller.js';
import { DecisionsRepository } from './decisions.repository.js';
import { DecisionsService } from './decisions.service.js';
import { StrikeSpecBuilder } from './strike-spec.service.js';
import { StrikesController } from './strikes.controller.js';
import { StrikesRepository } from './strikes.repository.js';
import { StrikesService } from './strikes.service.js';

/** Strikes and the collective decisions that authorise and change them (docs/strikes.md rule 4). */
@Module({
  imports: [AccountsModule, MediaModule, SitesModule],
  controllers: [StrikesController, DecisionsController],
  providers: [BallotClock, StrikesService, StrikesRepository, StrikeSpecBuilder, DecisionsService, DecisionsRepository, AuditRepository],
  exports: [DecisionsService],
})
export class StrikesModule {}
