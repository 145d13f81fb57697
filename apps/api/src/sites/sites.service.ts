import { randomBytes } from 'node:crypto';
import { Injectable, NotFoundException } from '@nestjs/common';
import type { Caller } from '#domain/models.js';
import { prefixProblem, siteOrigin, type SiteForm } from '#sites/access.js';
import { sameSites, type StrikeSiteChoice } from '#sites/persistence/strike-sites.js';
import { invalid, invalidField, type FieldError } from '../common/errors.js';
import type { CreateSiteDto, StrikeSiteDto, UpdateSiteDto } from './dto/site.dto.js';
import { SiteStatusCache } from './site-status.cache.js';
import { SitesRepository, type SiteFields, type SiteRecord, type StrikeSiteRecord } from './sites.repository.js';

/** A site's public key: it names the site in its script tag and its proxy's configuration. */
export const newSiteKey = (): string => `pqs_${randomBytes(16).toString('base64url')}`;
export const SITE_KEY = /^pqs_[A-Za-z0-9_-]{22}$/;
const newFeedKey = (): string => `pqc_${randomBytes(24).toString('base64url')}`;
export const FEED_KEY = /^pqc_[A-Za-z0-9_-]{32}$/;

@Injectable()
export class SitesService {
  constructor(
    private readonly sites: SitesRepository,
    private readonly cache: SiteStatusCache,
  ) {}

  list(caller: Caller): Promise<SiteRecord[]> {
    return this.sites.list(caller.organisationId);
  }

  async get(caller: Caller, id: string): Promise<SiteRecord> {
    const site = await this.sites.find(caller.organisationId, id);
    if (!site) throw new NotFoundException(`No site ${id} in your organisation`);
    return site;
  }

  async create(caller: Caller, dto: CreateSiteDto): Promise<SiteRecord> {
    const errors: FieldError[] = [];
    const origin = this.origin(dto.origin, errors);
    const kind = dto.kind ?? 'own';
    if (kind === 'partner' && !dto.consent) errors.push({ field: 'consent', message: 'is required for a partner site: who agreed, and to what' });
    if (kind === 'own' && dto.consent) errors.push({ field: 'consent', message: 'is for partner sites only (kind: partner)' });
    const consent = dto.consent ? this.consent(dto.consent, errors) : null;
    prefixErrors('closedPrefixes', dto.closedPrefixes, errors);
    prefixErrors('exceptPrefixes', dto.exceptPrefixes, errors);
    if (errors.length) throw invalid(errors);
    return this.sites.create(caller.organisationId, caller.memberId, newSiteKey(), {
      name: dto.name.trim(),
      origin: origin!,
      kind,
      consentBy: consent?.by ?? null,
      consentAt: consent?.at ?? null,
      consentNote: consent?.note ?? null,
      closedPrefixes: dto.closedPrefixes ?? [],
      exceptPrefixes: dto.exceptPrefixes ?? [],
    });
  }

  async update(caller: Caller, id: string, dto: UpdateSiteDto): Promise<SiteRecord> {
    const current = await this.get(caller, id);
    const errors: FieldError[] = [];
    const fields: Partial<SiteFields> = {};
    if (dto.name !== undefined) fields.name = dto.name.trim();
    if (dto.origin !== undefined) fields.origin = this.origin(dto.origin, errors) ?? '';
    if (dto.consent !== undefined) {
      if (current.kind !== 'partner') errors.push({ field: 'consent', message: 'is for partner sites only' });
      const consent = this.consent(dto.consent, errors);
      Object.assign(fields, { consentBy: consent.by, consentAt: consent.at, consentNote: consent.note });
    }
    prefixErrors('closedPrefixes', dto.closedPrefixes, errors);
    prefixErrors('exceptPrefixes', dto.exceptPrefixes, errors);
    if (dto.closedPrefixes !== undefined) fields.closedPrefixes = dto.closedPrefixes;
    if (dto.exceptPrefixes !== undefined) fields.exceptPrefixes = dto.exceptPrefixes;
    if (errors.length) throw invalid(errors);
    const changes = Object.keys(fields);
    if (changes.length === 0) throw invalidField('body', 'changes nothing: give at least one field');
    const site = await this.sites.update(caller.organisationId, caller.memberId, id, fields, changes);
    if (!site) throw new NotFoundException(`No site ${id} in your organisation`);
    this.cache.forget(current.publicKey);
    return site;
  }

  /** A new key; the old one stops answering (its script tag and proxy configuration must change). */
  async rotateKey(caller: Caller, id: string): Promise<SiteRecord> {
    const current = await this.get(caller, id);
    const site = await this.sites.rotateKey(caller.organisationId, caller.memberId, id, newSiteKey());
    if (!site) throw new NotFoundException(`No site ${id} in your organisation`);
    this.cache.forget(current.publicKey);
    return site;
  }

  async remove(caller: Caller, id: string): Promise<void> {
    const current = await this.get(caller, id);
    if (!(await this.sites.remove(caller.organisationId, caller.memberId, id))) throw new NotFoundException(`No site ${id} in your organisation`);
    this.cache.forget(current.publicKey);
  }

  async calendar(caller: Caller): Promise<{ enabled: boolean; createdAt: Date | null; feedKey: string | null }> {
    const row = await this.sites.calendar(caller.organisationId);
    return { enabled: row !== null, createdAt: row?.createdAt ?? null, feedKey: row?.feedKey ?? null };
  }

  async setCalendar(caller: Caller, enabled: boolean): Promise<{ enabled: boolean; createdAt: Date | null; feedKey: string | null }> {
    const row = await this.sites.setCalendar(caller.organisationId, caller.memberId, enabled ? newFeedKey() : null);
    return { enabled: row !== null, createdAt: row?.createdAt ?? null, feedKey: row?.feedKey ?? null };
  }

  // --- a strike's sites (called by the strikes service) ---

  /** Checks the sites of a proposal: every one a live site of the organisation, once. 400 naming the entry otherwise. */
  async checkStrikeSites(caller: Caller, sites: StrikeSiteDto[] | undefined): Promise<{ siteId: string; form: SiteForm }[]> {
    if (!sites?.length) return [];
    const found = await this.sites.existing(caller.organisationId, sites.map((s) => s.siteId));
    const errors: FieldError[] = [];
    const seen = new Set<string>();
    sites.forEach((s, i) => {
      if (!found.has(s.siteId)) errors.push({ field: `sites.${i}.siteId`, message: `is not a site of your organisation (${s.siteId})` });
      if (seen.has(s.siteId)) errors.push({ field: `sites.${i}.siteId`, message: 'names a site twice' });
      seen.add(s.siteId);
    });
    if (errors.length) throw invalid(errors);
    return sites.map((s) => ({ siteId: s.siteId, form: s.form }));
  }

  attachToStrike(caller: Caller, strikeId: string, sites: { siteId: string; form: SiteForm }[]): Promise<void> {
    return this.sites.attachToStrike(caller.organisationId, caller.memberId, strikeId, sites);
  }

  forStrike(organisationId: string, strikeId: string): Promise<StrikeSiteRecord[]> {
    return this.sites.forStrike(organisationId, strikeId);
  }

  /**
   * The sites an edit gives, checked, when they differ from the strike's; undefined when the edit
   * leaves them as they are (not given, or the same sites and forms).
   */
  async changedSites(caller: Caller, strikeId: string, given: StrikeSiteDto[] | undefined): Promise<StrikeSiteChoice[] | undefined> {
    if (given === undefined) return undefined;
    const sites = await this.checkStrikeSites(caller, given);
    const current = await this.sites.forStrike(caller.organisationId, strikeId);
    return sameSites(current, sites) ? undefined : sites;
  }

  private origin(input: string, errors: FieldError[]): string | null {
    const origin = siteOrigin(input.trim());
    if (!origin) errors.push({ field: 'origin', message: 'must be an http(s) origin such as https://journal.example (no path, query or credentials)' });
    return origin;
  }

  private consent(c: NonNullable<CreateSiteDto['consent']>, errors: FieldError[]): { by: string; note: string; at: Date } {
    const at = c.at ? new Date(c.at) : new Date();
    if (at.getTime() > Date.now() + 60_000) errors.push({ field: 'consent.at', message: 'is in the future: consent is recorded once given' });
    return { by: c.by.trim(), note: c.note.trim(), at };
  }
}

function prefixErrors(field: string, prefixes: string[] | undefined, errors: FieldError[]): void {
  prefixes?.forEach((p, i) => {
    const problem = prefixProblem(p);
    if (problem) errors.push({ field: `${field}.${i}`, message: `${problem} (${JSON.stringify(p)})` });
  });
}
