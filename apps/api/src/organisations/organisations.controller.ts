import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { S } from '../common/openapi.js';
import type { Caller } from '#domain/models.js';
import { CurrentCaller, Roles } from '../common/auth.js';
import { CreateMemberDto, CreateTokenDto, OrganisationView, UpdateMemberDto, UpdateOrganisationDto } from './dto/organisation.dto.js';
import { OrganisationsService } from './organisations.service.js';

@ApiTags('organisation')
@ApiBearerAuth()
@Controller('v1')
export class OrganisationsController {
  constructor(private readonly service: OrganisationsService) {}

  @ApiOperation({ summary: 'The caller\'s organisation' })
  @Get('organisation')
  @ApiOkResponse({ type: OrganisationView })
  organisation(@CurrentCaller() caller: Caller): Promise<OrganisationView> {
    return this.service.organisation(caller);
  }

  @Patch('organisation')
  @Roles('admin')
  @ApiOperation({ summary: "Rename the organisation or set its time zone (admins)" })
  @ApiOkResponse({ type: OrganisationView })
  updateOrganisation(@CurrentCaller() caller: Caller, @Body() body: UpdateOrganisationDto): Promise<OrganisationView> {
    return this.service.updateOrganisation(caller, body);
  }

  @ApiOperation({ summary: 'The member the token belongs to' })
  @ApiOkResponse({ schema: S.member })
  @Get('me')
  async me(@CurrentCaller() caller: Caller) {
    return this.service.member(caller, caller.memberId);
  }

  @ApiOperation({ summary: 'The organisation\'s members and their roles' })
  @ApiOkResponse({ schema: S.members })
  @Get('members')
  members(@CurrentCaller() caller: Caller) {
    return this.service.members(caller);
  }

  @ApiOperation({ summary: 'Add a member (admin, community_manager, member or viewer); every role but viewer votes' })
  @ApiCreatedResponse({ schema: S.member })
  @Post('members')
  @Roles('admin')
  createMember(@CurrentCaller() caller: Caller, @Body() body: CreateMemberDto) {
    return this.service.createMember(caller, body.name, body.role);
  }

  @ApiOperation({ summary: 'Change a member\'s role' })
  @ApiOkResponse({ schema: S.member })
  @Patch('members/:id')
  @Roles('admin')
  updateMember(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateMemberDto) {
    return this.service.updateRole(caller, id, body.role);
  }

  @ApiOperation({ summary: 'Remove a member: their tokens stop working, their votes stop counting' })
  @ApiNoContentResponse({ description: 'Done' })
  @Delete('members/:id')
  @Roles('admin')
  @HttpCode(204)
  removeMember(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string) {
    return this.service.removeMember(caller, id);
  }

  @ApiOperation({ summary: 'A member\'s API tokens (never the secrets)' })
  @ApiOkResponse({ schema: S.tokens })
  @Get('members/:id/tokens')
  tokens(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string) {
    return this.service.tokens(caller, id);
  }

  @ApiOperation({ summary: 'Give a member an API token (pqt_…), shown once' })
  @ApiCreatedResponse({ schema: S.newToken })
  @Post('members/:id/tokens')
  createToken(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Body() body: CreateTokenDto) {
    return this.service.createToken(caller, id, body.name);
  }

  @ApiOperation({ summary: 'Revoke an API token' })
  @ApiCreatedResponse({ schema: S.token })
  @Post('tokens/:id/revoke')
  revokeToken(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string) {
    return this.service.revokeToken(caller, id);
  }
}
