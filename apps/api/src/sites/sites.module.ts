import { Module } from '@nestjs/common';
import { PublicSitesController } from './public-sites.controller.js';
import { SitePublicService } from './site-public.service.js';
import { SiteStatusCache } from './site-status.cache.js';
import { SitesController } from './sites.controller.js';
import { SitesRepository } from './sites.repository.js';
import { SitesService } from './sites.service.js';
import { StrikeSitesView } from './strike-sites.view.js';

/** Websites: where a strike shows (display form) or closes them (access form); its public page and calendar. */
@Module({
  controllers: [SitesController, PublicSitesController],
  providers: [SitesService, SitesRepository, SiteStatusCache, SitePublicService, StrikeSitesView],
  exports: [SitesService, StrikeSitesView],
})
export class SitesModule {}
