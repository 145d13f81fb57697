import { Readable } from 'node:stream';
import { Body, Controller, Get, Header, HttpCode, Param, ParseUUIDPipe, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { S } from '../common/openapi.js';
import type { Caller } from '#domain/models.js';
import { CSV_CONTENT_TYPE } from '#reports/csv.js';
import { CurrentCaller } from '../common/auth.js';
import { REPORT_PAGE_CSP } from './report-page.js';
import { ReportExportsService } from './report-exports.service.js';
import { ReportPagesService } from './report-pages.service.js';
import { CommentFilterQuery, ListCommentsQuery, ReportLinkDto, ReportPageQuery, ReportQuery } from './reports.dto.js';
import { ReportsService } from './reports.service.js';

/** A CSV download: built in memory (a string) or streamed chunk by chunk, as the reader takes it. */
function csv(body: string | AsyncIterable<string>, strikeId: string, name: string): StreamableFile {
  const options = { type: CSV_CONTENT_TYPE, disposition: `attachment; filename="strike-${strikeId}-${name}.csv"` };
  return typeof body === 'string' ? new StreamableFile(Buffer.from(body, 'utf8'), options) : new StreamableFile(Readable.from(body), options);
}

/** A strike's engagement report, its comments and downloads: any member may read them. */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('v1/strikes/:id')
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly exports: ReportExportsService,
    private readonly pages: ReportPagesService,
  ) {}

  @ApiOperation({ summary: 'The strike report: its story (decision, accounts, held posts, failures) and engagement figures' })
  @ApiOkResponse({ schema: S.report })
  @Get('report')
  report(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Query() q: ReportQuery) {
    return this.reports.report(caller, id, q);
  }

  @ApiOperation({ summary: 'Comments under the strike posts, filtered, page by page' })
  @ApiOkResponse({ schema: S.comments })
  @Get('comments')
  comments(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Query() q: ListCommentsQuery) {
    const { limit, cursor, ...filter } = q;
    return this.exports.comments(caller, id, { ...filter, includeDeleted: filter.includeDeleted ?? false }, { limit, cursor });
  }

  @ApiOperation({ summary: 'The strike posts with their latest counts, as CSV' })
  @ApiOkResponse({ schema: S.csv })
  @Get('report/posts.csv')
  @ApiProduces(CSV_CONTENT_TYPE)
  async postsCsv(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string) {
    return csv(await this.exports.postsCsv(caller, id), id, 'posts');
  }

  @ApiOperation({ summary: 'Every snapshot of every strike post, as CSV' })
  @ApiOkResponse({ schema: S.csv })
  @Get('report/snapshots.csv')
  @ApiProduces(CSV_CONTENT_TYPE)
  async snapshotsCsv(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string) {
    return csv(await this.exports.snapshotsCsv(caller, id), id, 'snapshots');
  }

  @ApiOperation({ summary: 'Every comment (the organisation\'s own marked), as CSV' })
  @ApiOkResponse({ schema: S.csv })
  @Get('report/comments.csv')
  @ApiProduces(CSV_CONTENT_TYPE)
  async commentsCsv(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Query() q: CommentFilterQuery) {
    return csv(await this.exports.commentsCsv(caller, id, { ...q, includeDeleted: q.includeDeleted ?? false }), id, 'comments');
  }

  @ApiOperation({ summary: 'Every held post with its fate and times, as CSV' })
  @ApiOkResponse({ schema: S.csv })
  @Get('report/held.csv')
  @ApiProduces(CSV_CONTENT_TYPE)
  async heldCsv(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string) {
    return csv(await this.exports.heldCsv(caller, id), id, 'held');
  }

  @ApiOperation({ summary: 'The report as a printable HTML page (English or French)' })
  @ApiOkResponse({ schema: S.html })
  @Get('report.html')
  @ApiProduces('text/html')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', REPORT_PAGE_CSP)
  @Header('Referrer-Policy', 'no-referrer')
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'private, no-store')
  page(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Query() q: ReportPageQuery) {
    return this.pages.page(caller, id, q);
  }

  /** A link to the report page that opens without a token, for 30 days or until revoked; its URL is shown here only. */
  @ApiOperation({ summary: 'A signed link to the report page that opens without a token, for 30 days or until revoked' })
  @ApiOkResponse({ schema: S.reportLink })
  @Post('report-link')
  @HttpCode(200)
  link(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Body() body: ReportLinkDto) {
    return this.pages.link(caller, id, body);
  }

  /** The strike's report links: who made them, until when, revoked or not (no URL: it carries the signature). */
  @ApiOperation({ summary: "The strike's report links: who made them, until when, revoked or not (never their URL)" })
  @ApiOkResponse({ schema: S.reportLinks })
  @Get('report-links')
  links(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string) {
    return this.pages.listLinks(caller, id);
  }
}
