import { Inject, Injectable, NotFoundException, UnauthorizedException } from '@nestjs/common';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import type { Caller } from '#domain/models.js';
import { AuthThrottleService } from '../common/auth-throttle.service.js';
import { invalidField } from '../common/errors.js';
import { clientKey, summary } from './auth.service.js';
import { normaliseLogin } from './credentials.js';
import type { PasskeyView, SignedIn, WebAuthnOptions } from './dto/auth.views.js';
import { SessionIssuer } from './sessions.service.js';
import { SignInRepository, type PasskeyRecord } from './sign-in.repository.js';
import { WebAuthnChallenges } from './webauthn-challenges.js';

const view = (p: PasskeyRecord): PasskeyView => ({ id: p.id, name: p.name, createdAt: p.createdAt, lastUsedAt: p.lastUsedAt });

/** Passkeys (WebAuthn): the relying party is PUBLIC_URL's host, the only accepted origin PUBLIC_URL's. */
@Injectable()
export class PasskeysService {
  private readonly rpID: string;
  private readonly origin: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly repo: SignInRepository,
    private readonly challenges: WebAuthnChallenges,
    private readonly throttle: AuthThrottleService,
    private readonly sessions: SessionIssuer,
  ) {
    const url = new URL(config.http.publicUrl);
    this.rpID = url.hostname;
    this.origin = url.origin;
  }

  async list(caller: Caller): Promise<PasskeyView[]> {
    return (await this.repo.passkeys(caller.memberId)).map(view);
  }

  async registrationOptions(caller: Caller): Promise<WebAuthnOptions> {
    const { member, organisation, login } = await this.repo.memberAndOrganisation(caller.memberId);
    const existing = await this.repo.passkeys(caller.memberId);
    const options = await generateRegistrationOptions({
      rpName: `Piquet — ${organisation.name}`,
      rpID: this.rpID,
      userName: login ?? member.name,
      userDisplayName: member.name,
      userID: new TextEncoder().encode(member.id),
      attestationType: 'none',
      excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    });
    await this.challenges.put(`reg:${caller.memberId}`, options.challenge);
    return options as unknown as WebAuthnOptions;
  }

  async register(caller: Caller, response: Record<string, unknown>, name: string): Promise<PasskeyView> {
    const challenge = await this.challenges.take(`reg:${caller.memberId}`);
    if (!challenge) throw invalidField('response', 'no passkey registration is waiting (or it took over 5 minutes): ask for registration options again');
    let verified;
    try {
      verified = await verifyRegistrationResponse({
        response: response as unknown as RegistrationResponseJSON,
        expectedChallenge: challenge,
        expectedOrigin: this.origin,
        expectedRPID: this.rpID,
        requireUserVerification: false,
      });
    } catch (err) {
      throw invalidField('response', `is not a valid passkey registration: ${(err as Error).message}`);
    }
    if (!verified.verified) throw invalidField('response', 'the passkey registration could not be verified');
    const { credential } = verified.registrationInfo;
    const record = await this.repo.createPasskey({
      memberId: caller.memberId,
      credentialId: credential.id,
      publicKey: credential.publicKey,
      counter: credential.counter,
      transports: credential.transports ?? [],
      name,
    });
    return view(record);
  }

  async remove(caller: Caller, id: string): Promise<void> {
    if (!(await this.repo.deletePasskey(caller.memberId, id))) throw new NotFoundException(`No passkey ${id} of yours`);
  }

  /** Public: with a login, only that member's passkeys are offered; without, the browser offers what it has. */
  async authenticationOptions(login: string | undefined): Promise<WebAuthnOptions> {
    const member = login ? await this.repo.memberByLogin(normaliseLogin(login)) : null;
    const passkeys = member ? await this.repo.passkeys(member.id) : [];
    const options = await generateAuthenticationOptions({
      rpID: this.rpID,
      allowCredentials: passkeys.map((p) => ({ id: p.credentialId, transports: p.transports as AuthenticatorTransport[] })),
      userVerification: 'preferred',
    });
    await this.challenges.put(`auth:${options.challenge}`, '1');
    return options as unknown as WebAuthnOptions;
  }

  async login(response: Record<string, unknown>, req: Request, res: Response): Promise<SignedIn> {
    const key = clientKey(req);
    await this.throttle.assertAllowed(key);
    const refuse = async (): Promise<never> => {
      await this.throttle.recordFailure(key);
      throw new UnauthorizedException('This passkey could not sign you in');
    };
    const assertion = response as unknown as AuthenticationResponseJSON;
    const challenge = challengeOf(assertion);
    if (!challenge || !(await this.challenges.take(`auth:${challenge}`))) return refuse();
    const passkey = typeof assertion.id === 'string' ? await this.repo.passkeyByCredential(assertion.id) : null;
    const member = passkey ? await this.repo.member(passkey.memberId) : null;
    if (!passkey || !member) return refuse();
    let verified;
    try {
      verified = await verifyAuthenticationResponse({
        response: assertion,
        expectedChallenge: challenge,
        expectedOrigin: this.origin,
        expectedRPID: this.rpID,
        credential: {
          id: passkey.credentialId,
          publicKey: new Uint8Array(passkey.publicKey),
          counter: passkey.counter,
          transports: passkey.transports as AuthenticatorTransport[],
        },
        requireUserVerification: false,
      });
    } catch {
      return refuse();
    }
    if (!verified.verified) return refuse();
    await this.repo.passkeyUsed(passkey.id, verified.authenticationInfo.newCounter);
    await this.throttle.reset(key);
    await this.sessions.open(member.id, req, res);
    return { member: summary(member) };
  }
}

/** The challenge the browser signed, read from clientDataJSON (verified again by the library). */
function challengeOf(assertion: AuthenticationResponseJSON): string | null {
  try {
    const data = JSON.parse(Buffer.from(assertion.response.clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown };
    return typeof data.challenge === 'string' ? data.challenge : null;
  } catch {
    return null;
  }
}
