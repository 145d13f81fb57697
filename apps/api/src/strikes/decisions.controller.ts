import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { S } from '../common/openapi.js';
import type { Caller } from '#domain/models.js';
import { CurrentCaller, Roles } from '../common/auth.js';
import { DecisionsService } from '#strikes/services/decisions.service.js';
import { AssemblyDto, DecisionRuleDto, ListAuditQuery, VoteDto } from './dto/decision.dto.js';
import { auditView, motionView, ruleView } from './strike.view.js';

/** How a collective decides: its rule, the motions and their votes or assembly records, the audit trail. */
@ApiTags('decisions')
@ApiBearerAuth()
@Controller('v1')
export class DecisionsController {
  constructor(private readonly service: DecisionsService) {}

  @ApiOperation({ summary: 'The organisation\'s decision rule' })
  @ApiOkResponse({ schema: S.rule })
  @Get('organisation/decision-rule')
  async rule(@CurrentCaller() caller: Caller) {
    return ruleView(await this.service.rule(caller));
  }

  @ApiOperation({ summary: 'Change the decision rule (admins); open motions keep theirs' })
  @ApiOkResponse({ schema: S.rule })
  @Put('organisation/decision-rule')
  @Roles('admin')
  async setRule(@CurrentCaller() caller: Caller, @Body() body: DecisionRuleDto) {
    return ruleView(await this.service.setRule(caller, body));
  }

  @ApiOperation({ summary: 'One motion with its votes as the ballot allows' })
  @ApiOkResponse({ schema: S.motion })
  @Get('motions/:id')
  async motion(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string) {
    const d = await this.service.motion(caller, id);
    return motionView(d.motion, d.eligibleNow);
  }

  /** Roles are checked in the service, so a viewer hears why they may not vote. */
  @ApiOperation({ summary: 'Vote on a motion (approve or reject); a vote can be changed until the decision' })
  @ApiOkResponse({ schema: S.motion })
  @Put('motions/:id/vote')
  async vote(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Body() body: VoteDto) {
    const d = await this.service.vote(caller, id, body.choice);
    return motionView(d.motion, d.eligibleNow);
  }

  @ApiOperation({ summary: 'Record an assembly\'s vote on a motion (admins)' })
  @ApiOkResponse({ schema: S.motion })
  @Post('motions/:id/assembly')
  @Roles('admin')
  @HttpCode(200)
  async assembly(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Body() body: AssemblyDto) {
    const d = await this.service.recordAssembly(caller, id, body);
    return motionView(d.motion, d.eligibleNow);
  }

  @ApiOperation({ summary: 'Withdraw an open motion' })
  @ApiOkResponse({ schema: S.motion })
  @Post('motions/:id/withdraw')
  @Roles('admin', 'community_manager', 'member')
  @HttpCode(200)
  async withdraw(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string) {
    const d = await this.service.withdraw(caller, id);
    return motionView(d.motion, d.eligibleNow);
  }

  @ApiOperation({ summary: 'The audit trail, newest first, page by page' })
  @ApiOkResponse({ schema: S.audit })
  @Get('audit')
  async audit(@CurrentCaller() caller: Caller, @Query() query: ListAuditQuery) {
    const { items, nextCursor } = await this.service.auditTrail(caller, query);
    return { items: items.map(auditView), nextCursor };
  }
}
