import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Caller } from '#domain/models.js';
import { SetCredentialsDto } from '../auth/dto/auth.dto.js';
import { SignedIn } from '../auth/dto/auth.views.js';
import { OwnOrigin } from '../auth/own-origin.guard.js';
import { CurrentCaller, Public, Roles } from '../common/auth.js';
import { CreatedInvitation, CreateInvitationDto, InvitationPreview, InvitationView } from './dto/invitation.dto.js';
import { InvitationsService } from './invitations.service.js';

@ApiTags('invitations')
@ApiBearerAuth()
@Controller('v1')
export class InvitationsController {
  constructor(private readonly service: InvitationsService) {}

  @Post('invitations')
  @Roles('admin')
  @ApiOperation({ summary: 'Invite a member: a one-time link valid 7 days, shown this once' })
  @ApiCreatedResponse({ type: CreatedInvitation })
  create(@CurrentCaller() caller: Caller, @Body() body: CreateInvitationDto): Promise<CreatedInvitation> {
    return this.service.create(caller, body.name, body.role);
  }

  @Get('invitations')
  @Roles('admin')
  @ApiOperation({ summary: 'Pending invitations (their links are never shown again)' })
  @ApiOkResponse({ type: [InvitationView] })
  pending(@CurrentCaller() caller: Caller): Promise<InvitationView[]> {
    return this.service.pending(caller);
  }

  @Delete('invitations/:id')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Withdraw a pending invitation' })
  @ApiNoContentResponse()
  revoke(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.service.revoke(caller, id);
  }

  @Get('auth/invitations/:token')
  @Public()
  @ApiOperation({ summary: 'What an invitation link is for (404 unknown, 410 used or expired)' })
  @ApiOkResponse({ type: InvitationPreview })
  preview(@Param('token') token: string): Promise<InvitationPreview> {
    return this.service.preview(token);
  }

  @Post('auth/invitations/:token/accept')
  @Public()
  @OwnOrigin()
  @HttpCode(200)
  @ApiOperation({ summary: 'Accept an invitation: set your login and passphrase, and sign in' })
  @ApiOkResponse({ type: SignedIn })
  accept(@Param('token') token: string, @Body() body: SetCredentialsDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<SignedIn> {
    return this.service.accept(token, body.login, body.passphrase, req, res);
  }
}
