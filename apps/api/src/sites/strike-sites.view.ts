import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '#clock/clock.js';
import type { Caller } from '#domain/models.js';
import type { SchemaObject } from '@nestjs/swagger';
import { SITE_FORMS } from '#sites/access.js';
import type { StrikeSiteDto } from './dto/site.dto.js';
import { SitesRepository, type StrikeSiteRecord } from './sites.repository.js';
import { SitesService } from './sites.service.js';

interface Window {
  from: Date;
  until: Date;
}

/** A strike as its live view reads: enough to tell whether its sites are struck now. */
export interface LiveStrikeWindow {
  strikeId: string;
  state: string;
  effectiveFrom: Date | null;
  endsAt: Date;
}

const line = (s: StrikeSiteRecord, window: Window) => ({ siteId: s.siteId, name: s.name, origin: s.origin, form: s.form, removed: s.removed, window });

/**
 * The sites in a strike's scope as the preview and the live view show them: each with its form and
 * the window it applies (the strike's own), and in the live view whether the form is in force now.
 * The strike-timeline controllers call this beside the timeline, so the timeline code knows no site.
 */
@Injectable()
export class StrikeSitesView {
  constructor(
    private readonly sites: SitesService,
    private readonly repo: SitesRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * The sites a preview shows: those the request names (a draft, or an edit that changes them; checked
   * as a proposal's are, 400 naming the entry), else the saved strike's.
   */
  async forPreview(caller: Caller, strikeId: string | null, given: StrikeSiteDto[] | undefined, window: Window) {
    const sites =
      given !== undefined || strikeId === null
        ? await this.repo.describe(caller.organisationId, await this.sites.checkStrikeSites(caller, given))
        : await this.sites.forStrike(caller.organisationId, strikeId);
    return sites.map((s) => line(s, window));
  }

  /** A form is in force while the strike's decided window holds the present, on a site not removed. */
  async forLive(caller: Caller, strike: LiveStrikeWindow) {
    const now = this.clock.now();
    const from = strike.effectiveFrom;
    const decided = strike.state === 'approved' || strike.state === 'running';
    const inWindow = from !== null && from <= now && now < strike.endsAt;
    return (await this.sites.forStrike(caller.organisationId, strike.strikeId)).map((s) => ({
      ...line(s, { from: from ?? strike.endsAt, until: strike.endsAt }),
      windowDecided: from !== null,
      inForce: decided && inWindow && !s.removed,
    }));
  }
}

const str: SchemaObject = { type: 'string' };
const uuid: SchemaObject = { type: 'string', format: 'uuid' };
const date: SchemaObject = { type: 'string', format: 'date-time' };
const bool: SchemaObject = { type: 'boolean' };
const obj = (properties: Record<string, SchemaObject>): SchemaObject => ({ type: 'object', properties, required: Object.keys(properties) });

const siteLine = {
  siteId: uuid,
  name: str,
  origin: str,
  form: { type: 'string', enum: [...SITE_FORMS] } as SchemaObject,
  removed: { ...bool, description: 'Removed since the strike named it: its key no longer answers' },
  window: { ...obj({ from: date, until: date }), description: 'When the form applies: the strike window' },
};

export const strikeSiteSchemas = {
  preview: { type: 'array', items: obj(siteLine) } as SchemaObject,
  live: {
    type: 'array',
    items: obj({
      ...siteLine,
      windowDecided: { ...bool, description: 'false until the strike is approved (its window then is not yet in effect)' },
      inForce: { ...bool, description: 'The form applies now: the strike is approved or running and now is inside its effective window' },
    }),
  } as SchemaObject,
};
