import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '#clock/clock.js';
import type { Caller } from '#domain/models.js';
import { DecisionsService } from '#strikes/services/decisions.service.js';
import { MotionsRepository, type OpenMotionRecord } from './motions.repository.js';

@Injectable()
export class MotionsService {
  constructor(
    private readonly repo: MotionsRepository,
    private readonly decisions: DecisionsService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async open(caller: Caller): Promise<OpenMotionRecord[]> {
    // A ballot whose close has come is counted first, so it is not shown as still open.
    await this.decisions.closeDueBallots();
    return this.repo.open(caller.organisationId, caller.memberId);
  }

  pendingVotes(organisationId: string, memberId: string): Promise<number> {
    return this.repo.pendingCount(organisationId, memberId, this.clock.now());
  }
}
