import { Module } from '@nestjs/common';
import { PublicReportController } from './public-report.controller.js';
import { ReportExportsService } from './report-exports.service.js';
import { ReportLinks } from './report-links.js';
import { ReportLinksController } from './report-links.controller.js';
import { ReportLinksRepository } from './report-links.repository.js';
import { ReportPagesService } from './report-pages.service.js';
import { ReportsController } from './reports.controller.js';
import { ReportsRepository } from './reports.repository.js';
import { ReportsService } from './reports.service.js';

/** Per-strike engagement reports: JSON, comments, CSV downloads, and the page the collective reads. */
@Module({
  controllers: [ReportsController, ReportLinksController, PublicReportController],
  providers: [ReportsService, ReportExportsService, ReportPagesService, ReportsRepository, ReportLinks, ReportLinksRepository],
})
export class ReportsModule {}
