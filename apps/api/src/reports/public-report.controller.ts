import { Controller, Get, Header, Headers, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/auth.js';
import { REPORT_PAGE_CSP } from './report-page.js';
import { ReportPagesService } from './report-pages.service.js';
import { PublicReportQuery } from './reports.dto.js';

/**
 * The report page behind a link (POST /v1/strikes/:id/report-link): a browser opens it without a
 * token. A bad, expired or revoked link opens a page saying so, with a status that fits.
 */
@ApiTags('reports')
@Controller('reports')
export class PublicReportController {
  constructor(private readonly pages: ReportPagesService) {}

  @Get(':strikeId')
  @Public()
  @ApiProduces('text/html')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', REPORT_PAGE_CSP)
  // The address carries the signature: it must not leave in a Referer header, be cached or indexed.
  @Header('Referrer-Policy', 'no-referrer')
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'private, no-store')
  @Header('X-Robots-Tag', 'noindex, nofollow')
  async page(
    @Param('strikeId') strikeId: string,
    @Query() q: PublicReportQuery,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const page = await this.pages.publicPage(strikeId, q, acceptLanguage);
    res.status(page.status);
    return page.html;
  }
}
