import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Caller } from '../../../../libs/domain/models.js';
import { CurrentCaller, Roles } from '../common/auth.js';
import { CreateMemberDto, CreateTokenDto, OrganisationView, UpdateMemberDto, UpdateOrganisationDto } from './dto/organisation.dto.js';
import { OrganisationsService } from './organisations.service.js';

@ApiTags('organisation')
@ApiBearerAuth()
@Controller('v1')
export class OrganisationsController {
  constructor(private readonly service: OrganisationsService) {}

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

  @Get('me')
  async me(@CurrentCaller() caller: Caller) {
    return this.service.member(caller, caller.memberId);
  }

  @Get('members')
  members(@CurrentCaller() caller: Caller) {
    return this.service.members(caller);
  }

  @Post('members')
  @Roles('admin')
  createMember(@CurrentCaller() caller: Caller, @Body() body: CreateMemberDto) {
    return this.service.createMember(caller, body.name, body.role);
  }

  @Patch('members/:id')
  @Roles('admin')
  updateMember(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateMemberDto) {
    return this.service.updateRole(caller, id, body.role);
  }

  @Delete('members/:id')
  @Roles('admin')
  @HttpCode(204)
  removeMember(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string) {
    return this.service.removeMember(caller, id);
  }

  @Get('members/:id/tokens')
  tokens(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string) {
    return this.service.tokens(caller, id);
  }

  @Post('members/:id/tokens')
  createToken(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Body() body: CreateTokenDto) {
    return this.service.createToken(caller, id, body.name);
  }

  @Post('tokens/:id/revoke')
  revokeToken(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string) {
    return this.service.revokeToken(caller, id);
  }
}
