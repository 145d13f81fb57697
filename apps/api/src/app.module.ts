import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import type { AppConfig } from '#config/config.js';
import { CoreModule } from '#core/core.module.js';
import { AccountsModule } from './accounts/accounts.module.js';
import { AuthModule } from './auth/auth.module.js';
import { AuthGuard } from './common/auth.js';
import { AuthRepository } from './common/auth.repository.js';
import { AuthThrottleModule } from './common/auth-throttle.module.js';
import { AllExceptionsFilter } from './common/exception.filter.js';
import { createValidationPipe } from './common/validation.js';
import { FeedsModule } from './feeds/feeds.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { HealthController } from './health/health.controller.js';
import { InvitationsModule } from './invitations/invitations.module.js';
import { MediaModule } from './media/media.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { MotionsModule } from './motions/motions.module.js';
import { QueueDashboardModule } from './queue-dashboard/queue-dashboard.module.js';
import { OrganisationsModule } from './organisations/organisations.module.js';
import { PostsModule } from './posts/posts.module.js';
import { ReportsModule } from './reports/reports.module.js';
import { StrikeTimelineModule } from './strike-timeline/strike-timeline.module.js';
import { SitesModule } from './sites/sites.module.js';
import { StrikesModule } from './strikes/strikes.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(config, 'api'), AuthThrottleModule, OrganisationsModule, AccountsModule, MediaModule, PostsModule, StrikesModule, StrikeTimelineModule, ReportsModule, AuthModule, InvitationsModule, MotionsModule, SitesModule, FeedsModule, WebhooksModule, MetricsModule, QueueDashboardModule],
      controllers: [HealthController],
      providers: [
        AuthRepository,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
      ],
    };
  }
}
