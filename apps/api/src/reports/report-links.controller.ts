import { Controller, Delete, HttpCode, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Caller } from '#domain/models.js';
import { CurrentCaller } from '../common/auth.js';
import { ReportPagesService } from './report-pages.service.js';

/** Revoking a report link: admins any, other members their own. Revoking twice changes nothing. */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('v1/report-links')
export class ReportLinksController {
  constructor(private readonly pages: ReportPagesService) {}

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a report link (admins any, other members their own); it then opens a page saying so' })
  @ApiNoContentResponse({ description: 'Revoked (or already revoked)' })
  async revoke(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.pages.revokeLink(caller, id);
  }
}
