import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Caller } from '../../../../libs/domain/models.js';
import { CurrentCaller, Roles } from '../common/auth.js';
import { DecisionsService } from './decisions.service.js';
import { AssemblyDto, DecisionRuleDto, ListAuditQuery, VoteDto } from './dto/decision.dto.js';
import { auditView, motionView, ruleView } from './strike.view.js';

/** How a collective decides: its rule, the motions and their votes or assembly records, the audit trail. */
@ApiTags('decisions')
@ApiBearerAuth()
@Controller('v1')
export class DecisionsController {
  constructor(private readonly service: DecisionsService) {}

  @Get('organisation/decision-rule')
  async rule(@CurrentCaller() caller: Caller) {
    return ruleView(await this.service.rule(caller));
  }

  @Put('organisation/decision-rule')
  @Roles('admin')
  async setRule(@CurrentCaller() caller: Caller, @Body() body: DecisionRuleDto) {
    return ruleView(await this.service.setRule(caller, body));
  }

  @Get('motions/:id')
  async motion(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string) {
    const d = await this.service.motion(caller, id);
    return motionView(d.motion, d.eligibleNow);
  }

  /** Roles are checked in the service, so a viewer hears why they may not vote. */
  @Put('motions/:id/vote')
  async vote(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Body() body: VoteDto) {
    const d = await this.service.vote(caller, id, body.choice);
    return motionView(d.motion, d.eligibleNow);
  }

  @Post('motions/:id/assembly')
  @Roles('admin')
  @HttpCode(200)
  async assembly(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Body() body: AssemblyDto) {
    const d = await this.service.recordAssembly(caller, id, body);
    return motionView(d.motion, d.eligibleNow);
  }

  @Post('motions/:id/withdraw')
  @Roles('admin', 'community_manager', 'member')
  @HttpCode(200)
  async withdraw(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string) {
    const d = await this.service.withdraw(caller, id);
    return motionView(d.motion, d.eligibleNow);
  }

  @Get('audit')
  async audit(@CurrentCaller() caller: Caller, @Query() query: ListAuditQuery) {
    const { items, nextCursor } = await this.service.auditTrail(caller, query);
    return { items: items.map(auditView), nextCursor };
  }
}
