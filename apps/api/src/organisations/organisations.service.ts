import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { issueApiToken } from '#crypto/api-tokens.js';
import type { Caller, MemberRecord, Role } from '#domain/models.js';
import { OrganisationsRepository, type MembershipChange, type TokenRecord } from './organisations.repository.js';

@Injectable()
export class OrganisationsService {
  constructor(private readonly repo: OrganisationsRepository) {}

  organisation(caller: Caller) {
    return this.repo.organisation(caller.organisationId);
  }

  async updateOrganisation(caller: Caller, changes: { name?: string; timeZone?: string }) {
    const name = changes.name?.trim();
    if (name !== undefined) {
      const current = await this.repo.organisation(caller.organisationId);
      if (name !== current.name && (await this.repo.organisationNameExists(name))) {
        throw new ConflictException({ statusCode: 409, error: 'Conflict', message: 'name: another organisation has this name', errors: [{ field: 'name', message: 'another organisation has this name' }] });
      }
    }
    return this.repo.updateOrganisation(caller.organisationId, { ...(name !== undefined && { name }), ...(changes.timeZone !== undefined && { timeZone: changes.timeZone }) });
  }

  members(caller: Caller): Promise<MemberRecord[]> {
    return this.repo.members(caller.organisationId);
  }

  async member(caller: Caller, id: string): Promise<MemberRecord> {
    const m = await this.repo.member(caller.organisationId, id);
    if (!m) throw new NotFoundException(`No member ${id} in your organisation`);
    return m;
  }

  createMember(caller: Caller, name: string, role: Role): Promise<MemberRecord> {
    return this.repo.createMember(caller.organisationId, name, role);
  }

  async updateRole(caller: Caller, id: string, role: Role): Promise<MemberRecord> {
    return this.changed(id, await this.repo.changeMembership(caller.organisationId, caller.memberId, id, { role }));
  }

  /** Also revokes their tokens and the report links they made. */
  async removeMember(caller: Caller, id: string): Promise<void> {
    this.changed(id, await this.repo.changeMembership(caller.organisationId, caller.memberId, id, { remove: true }));
  }

  async tokens(caller: Caller, memberId: string): Promise<TokenRecord[]> {
    await this.mayManageTokensOf(caller, memberId);
    return this.repo.tokens(memberId);
  }

  /** The secret is returned here, once; only its hash is kept. */
  async createToken(caller: Caller, memberId: string, name: string | undefined): Promise<TokenRecord & { token: string }> {
    await this.mayManageTokensOf(caller, memberId);
    const issued = issueApiToken();
    const record = await this.repo.createToken(memberId, name ?? 'api', issued);
    return { ...record, token: issued.secret };
  }

  async revokeToken(caller: Caller, tokenId: string): Promise<TokenRecord> {
    const token = await this.repo.token(caller.organisationId, tokenId);
    if (!token) throw new NotFoundException(`No token ${tokenId} in your organisation`);
    await this.mayManageTokensOf(caller, token.memberId);
    return token.revokedAt ? token : this.repo.revokeToken(token.id);
  }

  /** Admins manage everyone's tokens; every member manages their own. */
  private async mayManageTokensOf(caller: Caller, memberId: string): Promise<void> {
    await this.member(caller, memberId);
    if (caller.role !== 'admin' && caller.memberId !== memberId) {
      throw new ForbiddenException("Only admins may manage another member's tokens");
    }
  }

  private changed(id: string, result: MembershipChange): MemberRecord {
    if (result.ok) return result.member;
    if (result.reason === 'not-found') throw new NotFoundException(`No member ${id} in your organisation`);
    if (result.reason === 'caller-not-admin') {
      throw new ConflictException('You are no longer an admin of this organisation (your role changed while this request waited): nothing was changed');
    }
    throw new ConflictException('An organisation keeps at least one admin: make another member admin first');
  }
}
