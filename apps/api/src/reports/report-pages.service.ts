import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import type { Caller } from '../../../../libs/domain/models.js';
import { isTimeZone, type Lang } from '../../../../libs/reports/i18n.js';
import { invalidField } from '../common/errors.js';
import { ReportLinks } from './report-links.js';
import { renderReportPage } from './report-page.js';
import { ReportsRepository, type ReportStrike } from './reports.repository.js';
import { ReportsService } from './reports.service.js';

export interface PageView {
  baselineDays?: number;
  lang?: Lang;
  tz?: string;
}

/** The report page, for a member (token) or for anyone holding a signed link. */
@Injectable()
export class ReportPagesService {
  constructor(
    private readonly reports: ReportsService,
    private readonly repo: ReportsRepository,
    private readonly links: ReportLinks,
  ) {}

  async page(caller: Caller, id: string, view: PageView): Promise<string> {
    const tz = timeZone(view.tz);
    return this.render(await this.reports.strikeFor(caller, id), view, tz);
  }

  /** What a signed link opens: its signature names the strike, so no organisation is needed. */
  async publicPage(strikeId: string, view: PageView & { expires?: string; sig?: string }): Promise<string> {
    const check = this.links.check(strikeId, view.expires, view.sig);
    if (check === 'expired') throw new ForbiddenException('This report link has expired: ask a member of the organisation for a new one');
    if (check !== 'valid') throw new ForbiddenException('This report link is not valid: ask a member of the organisation for a new one');
    const tz = timeZone(view.tz);
    const strike = await this.repo.strike(strikeId);
    if (!strike) throw new NotFoundException('This strike no longer exists');
    return this.render(strike, view, tz);
  }

  async link(caller: Caller, id: string, view: { lang?: Lang; tz?: string }): Promise<{ url: string; expiresAt: Date }> {
    timeZone(view.tz);
    const strike = await this.reports.strikeFor(caller, id);
    return this.links.create(strike.id, view);
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
