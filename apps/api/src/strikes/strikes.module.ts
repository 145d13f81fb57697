import { Module } from '@nestjs/common';
import { AuditRepository } from '#database/audit.repository.js';
import { DecisionsRepository } from '#strikes/persistence/decisions.repository.js';
import { StrikesRepository } from '#strikes/persistence/strikes.repository.js';
import { BallotClock } from '#strikes/services/ballot-clock.js';
import { DecisionsService } from '#strikes/services/decisions.service.js';
import { StrikesService } from '#strikes/services/strikes.service.js';
import { AccountsModule } from '../accounts/accounts.module.js';
import { MediaModule } from '../media/media.module.js';
import { SitesModule } from '../sites/sites.module.js';
import { DecisionsController } from './decisions.controller.js';
import { StrikeSpecBuilder } from './strike-spec.service.js';
import { StrikesController } from './strikes.controller.js';

/**
 * Strikes and the collective decisions that authorise and change them (docs/strikes.md rule 4): the
 * HTTP side. The services and repositories are libs/strikes'; StrikeSpecBuilder checks a request
 * against the organisation's accounts and media before it becomes a spec.
 */
@Module({
  imports: [AccountsModule, MediaModule, SitesModule],
  controllers: [StrikesController, DecisionsController],
  providers: [BallotClock, StrikesService, StrikesRepository, StrikeSpecBuilder, DecisionsService, DecisionsRepository, AuditRepository],
  exports: [DecisionsService],
})
export class StrikesModule {}
