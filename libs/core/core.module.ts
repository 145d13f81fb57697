import { type DynamicModule, Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { REDACTED, redactHeaders, redactRequest, redactText, redactValue } from './log-redaction.js';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { CLOCK, systemClock } from '#clock/clock.js';
import { SecretBox } from '#crypto/secret-box.js';
import { DeliveriesRepository } from '#database/deliveries.repository.js';
import { PrismaService } from '#database/prisma.service.js';
import { DeliveryQueue } from '#queue/delivery-queue.js';
import { StrikeQueue } from '#queue/strike-queue.js';
import { EngagementQueue } from '#queue/engagement-queue.js';
import { PublishMetrics } from '#queue/metrics.js';
import { EngagementRepository } from '#database/engagement.repository.js';
import { ReplyThreadsRepository } from '#database/reply-threads.repository.js';
import { GateRepository } from '#strikes/persistence/gate.repository.js';
import { OccupationsRepository } from '#strikes/persistence/occupations.repository.js';
import { StrikeLifecycleRepository } from '#strikes/persistence/strike-lifecycle.repository.js';
import { StrikeScheduler } from '#strikes/services/strike-scheduler.js';
import { MastodonAdapter } from '#networks/mastodon/mastodon.adapter.js';
import { BlueskyAdapter } from '#networks/bluesky/bluesky.adapter.js';
import { XAdapter } from '#networks/x/x.adapter.js';
import { NETWORK_ADAPTERS } from '#networks/network-adapter.js';
import { NetworkRegistry } from '#networks/network-registry.js';
import { AccountConnections } from '#networks/account-connections.js';
import { AccountSecretsRepository } from '#database/account-secrets.repository.js';
import { CapabilitiesRepository } from '#database/capabilities.repository.js';
import { OccupationStepsRepository } from '#strikes/persistence/occupation-steps.repository.js';
import { AccountCapabilities } from '#networks/account-capabilities.js';
import { OutboundHttp } from '#networks/http/outbound-http.js';

/**
 * Secrets never reach the logs, whatever object they travel in: these paths, plus every line
 * cleaned by libs/core/log-redaction.ts (query strings, credentials, secret-named fields).
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.accessToken',
  '*.access_token',
  '*.token',
  '*.clientSecret',
  '*.client_secret',
  '*.password',
  '*.code',
];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

const SHARED = [
  PrismaService,
  DeliveriesRepository,
  DeliveryQueue,
  StrikeQueue,
  EngagementQueue,
  PublishMetrics,
  GateRepository,
  StrikeLifecycleRepository,
  OccupationsRepository,
  EngagementRepository,
  ReplyThreadsRepository,
  StrikeScheduler,
  MastodonAdapter,
  XAdapter,
  BlueskyAdapter,
  NetworkRegistry,
  AccountSecretsRepository,
  AccountConnections,
  CapabilitiesRepository,
  AccountCapabilities,
  OccupationStepsRepository,
];

/** What both processes share: the validated config, Postgres, the queue, secrets and network adapters. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, processName: 'api' | 'worker'): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            base: { process: processName },
            redact: { paths: REDACTED_PATHS, censor: REDACTED },
            serializers: {
              req: (req: Record<string, unknown>) => redactRequest(req),
              res: (res: Record<string, unknown>) => ({ ...res, ...(isObject(res['headers']) && { headers: redactHeaders(res['headers']) }) }),
            },
            formatters: { log: (object: Record<string, unknown>) => redactValue(object) as Record<string, unknown> },
            // The message and its interpolation values (Nest's Logger passes stacks as strings).
            hooks: {
              logMethod(args: unknown[], method: (...a: unknown[]) => void) {
                method.apply(this, args.map((a) => (typeof a === 'string' ? redactText(a) : a)));
              },
            },
            autoLogging: processName === 'api',
          },
        }),
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        // Everything strike-related reads the time here (libs/clock): tests set a fixed clock.
        { provide: CLOCK, useValue: systemClock },
        { provide: SecretBox, useValue: new SecretBox(config.encryptionKey) },
        // Every outbound request of the process goes through this one guard (libs/networks/http).
        { provide: OutboundHttp, useFactory: () => OutboundHttp.fromConfig(config) },
        ...SHARED,
        {
          provide: NETWORK_ADAPTERS,
          useFactory: (m: MastodonAdapter, x: XAdapter, b: BlueskyAdapter) => [m, x, b],
          inject: [MastodonAdapter, XAdapter, BlueskyAdapter],
        },
      ],
      exports: [APP_CONFIG, CLOCK, SecretBox, OutboundHttp, ...SHARED],
    };
  }
}
