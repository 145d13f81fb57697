import { Injectable } from '@nestjs/common';
import { recordAudit } from '#database/audit.repository.js';
import { PrismaService } from '#database/prisma.service.js';
import type { SiteForm, SiteKind, SiteStrikeWindow } from '#sites/access.js';
import type { StrikeSiteChoice } from '#sites/persistence/strike-sites.js';

export interface SiteRecord {
  id: string;
  organisationId: string;
  name: string;
  origin: string;
  publicKey: string;
  kind: SiteKind;
  consentBy: string | null;
  consentAt: Date | null;
  consentNote: string | null;
  closedPrefixes: string[];
  exceptPrefixes: string[];
  createdById: string;
  createdAt: Date;
  updatedAt: Date;
}

export type SiteFields = Pick<SiteRecord, 'name' | 'origin' | 'kind' | 'consentBy' | 'consentAt' | 'consentNote' | 'closedPrefixes' | 'exceptPrefixes'>;

export interface StrikeSiteRecord {
  siteId: string;
  name: string;
  origin: string;
  form: SiteForm;
  /** Removed since the strike named it: its key no longer answers. */
  removed: boolean;
}

/** What a site's public answers are made of: the site's rules and the windows of the strikes that name it. */
export interface SiteSnapshot {
  siteId: string;
  organisationId: string;
  origin: string;
  closedPrefixes: string[];
  exceptPrefixes: string[];
  timeZone: string;
  windows: PublicWindow[];
}

/** A strike as the public may see it on a site: only what the strike makes public. */
export interface PublicWindow extends SiteStrikeWindow {
  title: string;
  reason: string;
}

/** States in which a strike's decision stands: its window is public. */
const DECIDED = ['approved', 'running', 'ended'] as const;

export interface PublicStrike {
  id: string;
  organisationId: string;
  organisationName: string;
  timeZone: string;
  title: string;
  reason: string;
  state: string;
  startsAt: Date;
  endsAt: Date;
  effectiveFrom: Date | null;
  endedAt: Date | null;
  messages: unknown;
  decision: PublicDecision | null;
  posts: { network: string; handle: string; url: string; publishedAt: Date | null }[];
  sites: { name: string; origin: string }[];
}

/** How the strike was approved: the rule and the totals frozen at the decision, never who chose what. */
export interface PublicDecision {
  kind: 'votes' | 'assembly';
  ballot: 'named' | 'secret';
  quorumCount: number;
  quorumPercent: number;
  decidedAt: Date | null;
  approvals: number | null;
  rejections: number | null;
  eligible: number | null;
  assemblyDate: Date | null;
  votesFor: number | null;
  votesAgainst: number | null;
  votesAbstain: number | null;
}

const SITE_SELECT = {
  id: true,
  organisationId: true,
  name: true,
  origin: true,
  publicKey: true,
  kind: true,
  consentBy: true,
  consentAt: true,
  consentNote: true,
  closedPrefixes: true,
  exceptPrefixes: true,
  createdById: true,
  createdAt: true,
  updatedAt: true,
} as const;

const asSite = (row: Omit<SiteRecord, 'kind'> & { kind: string }): SiteRecord => ({ ...row, kind: row.kind as SiteKind });

/** Sites, the sites a strike names, and the public reads of strikes (read-only on strikes). */
@Injectable()
export class SitesRepository {
  constructor(private readonly prisma: PrismaService) {}

  private get db() {
    return this.prisma.client;
  }

  async list(organisationId: string): Promise<SiteRecord[]> {
    const rows = await this.db.site.findMany({ where: { organisationId, removedAt: null }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], select: SITE_SELECT });
    return rows.map(asSite);
  }

  async find(organisationId: string, id: string): Promise<SiteRecord | null> {
    const row = await this.db.site.findFirst({ where: { id, organisationId, removedAt: null }, select: SITE_SELECT });
    return row ? asSite(row) : null;
  }

  async create(organisationId: string, actorId: string, publicKey: string, fields: SiteFields): Promise<SiteRecord> {
    return this.db.$transaction(async (tx) => {
      const row = await tx.site.create({ data: { organisationId, createdById: actorId, publicKey, ...fields }, select: SITE_SELECT });
      await recordAudit(tx, { organisationId, actorId, action: 'site.created', detail: { siteId: row.id, name: row.name, origin: row.origin, kind: row.kind, consentBy: row.consentBy } });
      return asSite(row);
    });
  }

  async update(organisationId: string, actorId: string, id: string, fields: Partial<SiteFields>, changes: string[]): Promise<SiteRecord | null> {
    return this.db.$transaction(async (tx) => {
      const { count } = await tx.site.updateMany({ where: { id, organisationId, removedAt: null }, data: fields });
      if (count === 0) return null;
      const row = await tx.site.findUniqueOrThrow({ where: { id }, select: SITE_SELECT });
      await recordAudit(tx, { organisationId, actorId, action: 'site.updated', detail: { siteId: id, changes } });
      return asSite(row);
    });
  }

  async rotateKey(organisationId: string, actorId: string, id: string, publicKey: string): Promise<SiteRecord | null> {
    return this.db.$transaction(async (tx) => {
      const { count } = await tx.site.updateMany({ where: { id, organisationId, removedAt: null }, data: { publicKey } });
      if (count === 0) return null;
      await recordAudit(tx, { organisationId, actorId, action: 'site.key-rotated', detail: { siteId: id } });
      return asSite(await tx.site.findUniqueOrThrow({ where: { id }, select: SITE_SELECT }));
    });
  }

  /** A removed site keeps its row (strikes named it) and stops answering at once. */
  async remove(organisationId: string, actorId: string, id: string): Promise<boolean> {
    return this.db.$transaction(async (tx) => {
      const { count } = await tx.site.updateMany({ where: { id, organisationId, removedAt: null }, data: { removedAt: new Date() } });
      if (count > 0) await recordAudit(tx, { organisationId, actorId, action: 'site.removed', detail: { siteId: id } });
      return count > 0;
    });
  }

  /** The ids among those given that are live sites of the organisation. */
  async existing(organisationId: string, ids: string[]): Promise<Set<string>> {
    const rows = await this.db.site.findMany({ where: { organisationId, id: { in: ids }, removedAt: null }, select: { id: true } });
    return new Set(rows.map((r) => r.id));
  }

  /** Records the sites a new strike names, and says so in its audit trail. */
  async attachToStrike(organisationId: string, actorId: string, strikeId: string, sites: { siteId: string; form: SiteForm }[]): Promise<void> {
    if (sites.length === 0) return;
    await this.db.$transaction(async (tx) => {
      await tx.strikeSite.createMany({ data: sites.map((s) => ({ strikeId, siteId: s.siteId, form: s.form })), skipDuplicates: true });
      await recordAudit(tx, { organisationId, actorId, strikeId, action: 'strike.sites', detail: { sites } });
    });
  }

  async forStrike(organisationId: string, strikeId: string): Promise<StrikeSiteRecord[]> {
    const rows = await this.db.strikeSite.findMany({
      where: { strikeId, site: { organisationId } },
      select: { siteId: true, form: true, site: { select: { name: true, origin: true, removedAt: true } } },
      orderBy: { site: { name: 'asc' } },
    });
    return rows.map((r) => ({ siteId: r.siteId, name: r.site.name, origin: r.site.origin, form: r.form as SiteForm, removed: r.site.removedAt !== null }));
  }

  /** Names and origins of the organisation's live sites among those given, for a preview of sites not saved yet. */
  async describe(organisationId: string, sites: readonly StrikeSiteChoice[]): Promise<StrikeSiteRecord[]> {
    const rows = await this.db.site.findMany({ where: { organisationId, id: { in: sites.map((s) => s.siteId) }, removedAt: null }, select: { id: true, name: true, origin: true } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return sites
      .flatMap((s) => {
        const row = byId.get(s.siteId);
        return row ? [{ siteId: s.siteId, name: row.name, origin: row.origin, form: s.form, removed: false }] : [];
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Everything a site's public answers need, in two indexed reads: the live site by its key, and the
   * approved or running strikes naming it whose window has not ended.
   */
  async snapshot(publicKey: string, now: Date): Promise<SiteSnapshot | null> {
    const [site] = await this.db.$queryRaw<{ id: string; organisationId: string; origin: string; closedPrefixes: string[]; exceptPrefixes: string[]; timeZone: string }[]>`
      SELECT si.id::text AS "id", si.organisation_id::text AS "organisationId", si.origin, si.closed_prefixes AS "closedPrefixes",
             si.except_prefixes AS "exceptPrefixes", o.time_zone AS "timeZone"
      FROM sites si JOIN organisations o ON o.id = si.organisation_id
      WHERE si.public_key = ${publicKey} AND si.removed_at IS NULL`;
    if (!site) return null;
    const rows = await this.db.$queryRaw<{ id: string; form: string; title: string; reason: string; effective_from: Date; starts_at: Date; ends_at: Date }[]>`
      SELECT s.id::text AS id, ss.form, s.title, s.reason, s.effective_from, s.starts_at, s.ends_at
      FROM strike_sites ss JOIN strikes s ON s.id = ss.strike_id
      WHERE ss.site_id = ${site.id}::uuid
        AND s.organisation_id = ${site.organisationId}::uuid
        AND s.state IN ('approved', 'running')
        AND s.effective_from IS NOT NULL
        AND s.ends_at > ${now}
      ORDER BY s.effective_from, s.id
      LIMIT 20`;
    return {
      siteId: site.id,
      organisationId: site.organisationId,
      origin: site.origin,
      closedPrefixes: site.closedPrefixes,
      exceptPrefixes: site.exceptPrefixes,
      timeZone: site.timeZone,
      windows: rows.map((r) => ({
        strikeId: r.id,
        form: r.form as SiteForm,
        title: r.title,
        reason: r.reason,
        effectiveFrom: r.effective_from,
        startsAt: r.starts_at,
        endsAt: r.ends_at,
      })),
    };
  }

  /**
   * A public strike: decided (approved, running or ended) and naming at least one live site. Any
   * other strike is not public and reads as absent.
   */
  async publicStrike(strikeId: string): Promise<PublicStrike | null> {
    const strike = await this.db.strike.findFirst({
      where: { id: strikeId, state: { in: [...DECIDED] } },
      select: {
        id: true,
        organisationId: true,
        title: true,
        reason: true,
        state: true,
        startsAt: true,
        endsAt: true,
        effectiveFrom: true,
        endedAt: true,
        messages: true,
        motions: {
          where: { kind: 'approve', status: 'approved' },
          select: {
            decisionKind: true,
            ballot: true,
            quorumCount: true,
            quorumPercent: true,
            decidedAt: true,
            approvals: true,
            rejections: true,
            eligible: true,
            assemblyDate: true,
            votesFor: true,
            votesAgainst: true,
            votesAbstain: true,
          },
          take: 1,
        },
      },
    });
    if (!strike) return null;
    const sites = await this.db.strikeSite.findMany({
      where: { strikeId, site: { organisationId: strike.organisationId, removedAt: null } },
      select: { site: { select: { name: true, origin: true } } },
      orderBy: { site: { name: 'asc' } },
    });
    if (sites.length === 0) return null;
    const [organisation, posts] = await Promise.all([
      this.db.organisation.findUniqueOrThrow({ where: { id: strike.organisationId }, select: { name: true, timeZone: true } }),
      this.db.delivery.findMany({
        where: { strikeId, state: 'published', remoteUrl: { not: null } },
        select: { remoteUrl: true, publishedAt: true, account: { select: { network: true, handle: true } } },
        orderBy: [{ publishedAt: 'asc' }, { id: 'asc' }],
        take: 200,
      }),
    ]);
    const m = strike.motions[0];
    return {
      id: strike.id,
      organisationId: strike.organisationId,
      organisationName: organisation.name,
      timeZone: organisation.timeZone,
      title: strike.title,
      reason: strike.reason,
      state: strike.state,
      startsAt: strike.startsAt,
      endsAt: strike.endsAt,
      effectiveFrom: strike.effectiveFrom,
      endedAt: strike.endedAt,
      messages: strike.messages,
      decision: m
        ? {
            kind: m.decisionKind,
            ballot: m.ballot,
            quorumCount: m.quorumCount,
            quorumPercent: m.quorumPercent,
            decidedAt: m.decidedAt,
            approvals: m.approvals,
            rejections: m.rejections,
            eligible: m.eligible,
            assemblyDate: m.assemblyDate,
            votesFor: m.votesFor,
            votesAgainst: m.votesAgainst,
            votesAbstain: m.votesAbstain,
          }
        : null,
      posts: posts.map((p) => ({ network: p.account.network, handle: p.account.handle, url: p.remoteUrl!, publishedAt: p.publishedAt })),
      sites: sites.map((s) => s.site),
    };
  }

  /** The organisation's public strikes for its calendar feed: decided, naming a live site, most recent first. */
  async publicStrikesOf(organisationId: string): Promise<{ id: string; title: string; reason: string; startsAt: Date; endsAt: Date; updatedAt: Date }[]> {
    return this.db.strike.findMany({
      where: {
        organisationId,
        state: { in: [...DECIDED] },
        id: { in: (await this.db.strikeSite.findMany({ where: { site: { organisationId, removedAt: null } }, select: { strikeId: true } })).map((r) => r.strikeId) },
      },
      select: { id: true, title: true, reason: true, startsAt: true, endsAt: true, updatedAt: true },
      orderBy: [{ startsAt: 'desc' }, { id: 'asc' }],
      take: 500,
    });
  }

  async calendar(organisationId: string): Promise<{ feedKey: string; createdAt: Date } | null> {
    return this.db.strikeCalendar.findUnique({ where: { organisationId }, select: { feedKey: true, createdAt: true } });
  }

  async calendarByKey(feedKey: string): Promise<{ organisationId: string; name: string } | null> {
    const row = await this.db.strikeCalendar.findUnique({ where: { feedKey }, select: { organisationId: true } });
    if (!row) return null;
    const org = await this.db.organisation.findUniqueOrThrow({ where: { id: row.organisationId }, select: { name: true } });
    return { organisationId: row.organisationId, name: org.name };
  }

  /** Opt in (a new key each time, the old URL stops) or out; in the audit trail. */
  async setCalendar(organisationId: string, actorId: string, feedKey: string | null): Promise<{ feedKey: string; createdAt: Date } | null> {
    return this.db.$transaction(async (tx) => {
      await tx.strikeCalendar.deleteMany({ where: { organisationId } });
      const row = feedKey ? await tx.strikeCalendar.create({ data: { organisationId, feedKey }, select: { feedKey: true, createdAt: true } }) : null;
      await recordAudit(tx, { organisationId, actorId, action: feedKey ? 'calendar.enabled' : 'calendar.disabled' });
      return row;
    });
  }
}
