import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Caller } from '#domain/models.js';
import { CurrentCaller, Public } from '../common/auth.js';
import { AuthService } from './auth.service.js';
import { AuthenticationOptionsDto, LoginDto, PasskeyLoginDto, PasskeyRegistrationDto } from './dto/auth.dto.js';
import { PasskeyView, SessionState, SessionView, SignedIn, WebAuthnOptions } from './dto/auth.views.js';
import { OwnOrigin } from './own-origin.guard.js';
import { PasskeysService } from './passkeys.service.js';

/** Signing in from a browser: passphrase or passkey, a session cookie, the member's sessions. */
@ApiTags('auth')
@ApiBearerAuth()
@Controller('v1/auth')
export class AuthController {
  constructor(
    private readonly service: AuthService,
    private readonly passkeys: PasskeysService,
  ) {}

  @Post('login')
  @Public()
  @OwnOrigin()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with a login and passphrase: sets the session and CSRF cookies' })
  @ApiOkResponse({ type: SignedIn })
  login(@Body() body: LoginDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<SignedIn> {
    return this.service.login(body.login, body.passphrase, req, res);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'End the current session and clear its cookies' })
  @ApiNoContentResponse()
  logout(@CurrentCaller() caller: Caller, @Res({ passthrough: true }) res: Response): Promise<void> {
    return this.service.logout(caller, res);
  }

  @Get('session')
  @Public()
  @ApiOperation({ summary: 'Whether this browser is signed in: the member, the organisation, the votes waiting for them' })
  @ApiOkResponse({ type: SessionState })
  session(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<SessionState> {
    return this.service.state(req, res);
  }

  @Get('sessions')
  @ApiOperation({ summary: 'Your open sessions' })
  @ApiOkResponse({ type: [SessionView] })
  sessions(@CurrentCaller() caller: Caller): Promise<SessionView[]> {
    return this.service.list(caller);
  }

  @Delete('sessions/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'End one of your sessions' })
  @ApiNoContentResponse()
  endSession(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Res({ passthrough: true }) res: Response): Promise<void> {
    return this.service.end(caller, id, res);
  }

  @Post('passkeys/registration-options')
  @HttpCode(200)
  @ApiOperation({ summary: 'Options to create a passkey (give them to startRegistration)' })
  @ApiOkResponse({ type: WebAuthnOptions })
  registrationOptions(@CurrentCaller() caller: Caller): Promise<WebAuthnOptions> {
    return this.passkeys.registrationOptions(caller);
  }

  @Post('passkeys')
  @ApiOperation({ summary: 'Add a passkey from the browser\'s registration response' })
  @ApiCreatedResponse({ type: PasskeyView })
  addPasskey(@CurrentCaller() caller: Caller, @Body() body: PasskeyRegistrationDto): Promise<PasskeyView> {
    return this.passkeys.register(caller, body.response, body.name);
  }

  @Get('passkeys')
  @ApiOperation({ summary: 'Your passkeys' })
  @ApiOkResponse({ type: [PasskeyView] })
  listPasskeys(@CurrentCaller() caller: Caller): Promise<PasskeyView[]> {
    return this.passkeys.list(caller);
  }

  @Delete('passkeys/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove one of your passkeys' })
  @ApiNoContentResponse()
  removePasskey(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.passkeys.remove(caller, id);
  }

  @Post('passkeys/authentication-options')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Options to sign in with a passkey (give them to startAuthentication)' })
  @ApiOkResponse({ type: WebAuthnOptions })
  authenticationOptions(@Body() body: AuthenticationOptionsDto): Promise<WebAuthnOptions> {
    return this.passkeys.authenticationOptions(body.login);
  }

  @Post('passkeys/login')
  @Public()
  @OwnOrigin()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with a passkey: sets the session and CSRF cookies' })
  @ApiOkResponse({ type: SignedIn })
  passkeyLogin(@Body() body: PasskeyLoginDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<SignedIn> {
    return this.passkeys.login(body.response, req, res);
  }
}
