import { Controller, Get, Header, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/auth.js';
import { REPORT_PAGE_CSP } from './report-page.js';
import { ReportPagesService } from './report-pages.service.js';
import { PublicReportQuery } from './reports.dto.js';

/** The report page behind a signed link (POST /v1/strikes/:id/report-link): a browser opens it without a token. */
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
  page(@Param('strikeId', ParseUUIDPipe) strikeId: string, @Query() q: PublicReportQuery) {
    return this.pages.publicPage(strikeId, q);
  }
}
