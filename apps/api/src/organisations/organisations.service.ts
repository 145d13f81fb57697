import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { issueApiToken } from '../../../../libs/crypto/api-tokens.js';
import type { Caller, MemberRecord, Role } from '../../../../libs/domain/models.js';
import { OrganisationsRepository, type TokenRecord } from './organisations.repository.js';

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
    const m = await this.member(caller, id);
    if (m.role === 'admin' && role !== 'admin') await this.keepOneAdmin(caller);
    return this.repo.updateRole(m.id, role);
  }

  async removeMember(caller: Caller, id: string): Promise<void> {
    const m = await this.member(caller, id);
    if (m.role === 'admin') await this.keepOneAdmin(caller);
    await this.repo.removeMember(m.id);
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

  private async keepOneAdmin(caller: Caller): Promise<void> {
    if ((await this.repo.countAdmins(caller.organisationId)) <= 1) {
      throw new ConflictException('An organisation keeps at least one admin');
    }
  }
}
