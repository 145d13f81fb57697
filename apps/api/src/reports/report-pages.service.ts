import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import type { Caller } from '#domain/models.js';
import { isTimeZone, type Lang } from '#reports/i18n.js';
import { invalidField } from '../common/errors.js';
import { pageLang, REFUSAL_STATUS, renderLinkRefused, type LinkRefusal } from './link-refused-page.js';
import { LINK_VALIDITY_MS, ReportLinks } from './report-links.js';
import { ReportLinksRepository, type ReportLinkRecord } from './report-links.repository.js';
import { renderReportPage } from './report-page.js';
import { ReportsRepository, type ReportStrike } from './reports.repository.js';
import { ReportsService } from './reports.service.js';

export interface PageView {
  baselineDays?: number;
  lang?: Lang;
  tz?: string;
}

/** A report link as members see it: no signature (the URL is shown once, at creation). */
export interface ReportLinkView {
  id: string;
  strikeId: string;
  createdBy: { id: string; name: string | null };
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  revokedBy: string | null;
  state: 'active' | 'expired' | 'revoked';
}

function linkView(l: ReportLinkRecord, now: Date): ReportLinkView {
  return {
    id: l.id,
    strikeId: l.strikeId,
    createdBy: { id: l.createdById, name: l.createdByName },
    createdAt: l.createdAt,
    expiresAt: l.expiresAt,
    revokedAt: l.revokedAt,
    revokedBy: l.revokedById,
    state: l.revokedAt ? 'revoked' : l.expiresAt <= now ? 'expired' : 'active',
  };
}

/** The report page, for a member (token) or for anyone holding a signed link. */
@Injectable()
export class ReportPagesService {
  constructor(
    private readonly reports: ReportsService,
    private readonly repo: ReportsRepository,
    private readonly links: ReportLinks,
    private readonly linkRows: ReportLinksRepository,
  ) {}

  async page(caller: Caller, id: string, view: PageView): Promise<string> {
    const tz = timeZone(view.tz);
    return this.render(await this.reports.strikeFor(caller, id), view, tz);
  }

  /**
   * What a report link opens: the signature proves the link's id, its row says whether it still
   * stands. A refused link is a page in the reader's language (lang, else Accept-Language) with
   * the status that fits (REFUSAL_STATUS), never an error object.
   */
  async publicPage(
    strikeId: string,
    view: { baselineDays?: number; lang?: string; tz?: string; link?: string; sig?: string },
    acceptLanguage: string | undefined,
    now = new Date(),
  ): Promise<{ status: number; html: string }> {
    const lang = pageLang(view.lang, acceptLanguage);
    const refuse = (reason: LinkRefusal, at: Date | null = null) => ({
      status: REFUSAL_STATUS[reason],
      html: renderLinkRefused(reason, lang, at, view.tz && isTimeZone(view.tz) ? view.tz : 'UTC'),
    });
    const linkId = this.links.verify(strikeId, view.link, view.sig);
    const link = linkId ? await this.linkRows.findForVisitor(linkId) : null;
    if (!link || link.strikeId !== strikeId.toLowerCase()) return refuse('invalid');
    if (link.revokedAt) return refuse('revoked', link.revokedAt);
    if (link.expiresAt <= now) return refuse('expired', link.expiresAt);
    const strike = await this.repo.strike(link.strikeId);
    if (!strike) return refuse('gone');
    const tz = timeZone(view.tz);
    return { status: 200, html: await this.render(strike, { baselineDays: view.baselineDays, lang }, tz) };
  }

  /** A new link (a row, audited); its URL is in this answer only. */
  async link(caller: Caller, id: string, view: { lang?: Lang; tz?: string }, now = Date.now()): Promise<ReportLinkView & { url: string }> {
    timeZone(view.tz);
    const strike = await this.reports.strikeFor(caller, id);
    const record = await this.linkRows.create(caller.organisationId, strike.id, caller.memberId, new Date(now + LINK_VALIDITY_MS));
    return { ...linkView(record, new Date(now)), url: this.links.url(strike.id, record.id, view) };
  }

  async listLinks(caller: Caller, strikeId: string, now = new Date()): Promise<ReportLinkView[]> {
    const strike = await this.reports.strikeFor(caller, strikeId);
    return (await this.linkRows.list(caller.organisationId, strike.id)).map((l) => linkView(l, now));
  }

  /** Admins revoke any link of their organisation; other members the links they made. */
  async revokeLink(caller: Caller, linkId: string, now = new Date()): Promise<void> {
    const link = await this.linkRows.find(caller.organisationId, linkId);
    if (!link) throw new NotFoundException(`No report link ${linkId} in your organisation`);
    if (caller.role !== 'admin' && link.createdById !== caller.memberId) {
      throw new ForbiddenException('Only admins and the member who made a report link may revoke it');
    }
    await this.linkRows.revoke(caller.organisationId, link.id, caller.memberId, now);
  }

  private async render(strike: ReportStrike, view: PageView, tz: string): Promise<string> {
    const lang = view.lang ?? 'en';
    const report = await this.reports.build(strike, { baselineDays: view.baselineDays, lang });
    return renderReportPage(report, { lang, tz });
  }
}

function timeZone(tz: string | undefined): string {
  if (!tz) return 'UTC';
  if (!isTimeZone(tz)) throw invalidField('tz', `is not a time zone name (${tz}); use one such as Europe/Paris or UTC`);
  return tz;
}
