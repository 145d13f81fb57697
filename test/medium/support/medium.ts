import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { FixedClock } from '#clock/clock.js';
import type { AppConfig } from '#config/config.js';
import { ACCOUNT_TOKEN_CONTEXT } from '#crypto/contexts.js';
import { SecretBox } from '#crypto/secret-box.js';
import { AuditRepository } from '#database/audit.repository.js';
import { CapabilitiesRepository } from '#database/capabilities.repository.js';
import { GateRepository } from '#strikes/persistence/gate.repository.js';
import type { PrismaClient } from '#database/generated/client.js';
import { PrismaService } from '#database/prisma.service.js';
import type { Caller } from '#domain/models.js';
import { AccountSecretsRepository } from '#database/account-secrets.repository.js';
import { AccountCapabilities } from '#networks/account-capabilities.js';
import { AccountConnections } from '#networks/account-connections.js';
import { OutboundHttp } from '#networks/http/outbound-http.js';
import { MastodonAdapter } from '#networks/mastodon/mastodon.adapter.js';
import { NetworkRegistry } from '#networks/network-registry.js';
import type { StrikeSpec } from '#strikes/domain/strike.js';
import { OccupationStepsRepository } from '#strikes/persistence/occupation-steps.repository.js';
import { OccupationsRepository } from '#strikes/persistence/occupations.repository.js';
import { StrikeLifecycleRepository } from '#strikes/persistence/strike-lifecycle.repository.js';
import { OccupationService } from '#strikes/services/occupation.service.js';
import { StrikeTimelineRepository } from '../../../apps/api/src/strike-timeline/strike-timeline.repository.js';
import { StrikeTimelineService } from '../../../apps/api/src/strike-timeline/strike-timeline.service.js';
import { DecisionsRepository } from '#strikes/persistence/decisions.repository.js';
import { StrikesRepository } from '#strikes/persistence/strikes.repository.js';
import { createTestEnv, type TestEnv } from '../../support/env.js';

/**
 * The medium tier (after immich's newMediumService): the product's own services and repositories,
 * wired by hand as CoreModule wires them, on a real Postgres schema of their own, with a fixed
 * clock. No HTTP API, no queue, no worker process: what crosses processes stays in the e2e tests.
 * Network calls go to servers a test starts in-process (apps/sandbox), over loopback HTTP.
 */
export interface Medium {
  env: TestEnv;
  config: AppConfig;
  clock: FixedClock;
  db: PrismaClient;
  /** Gate margin: how long a publish the gate let through may still take to land. */
  marginMs: number;
  decisions: DecisionsRepository;
  strikes: StrikesRepository;
  lifecycle: StrikeLifecycleRepository;
  gate: GateRepository;
  /** Preview and live view only: the network and queue parts are not wired here. */
  timeline: StrikeTimelineService;
  /** Each account's occupation and restoration, with Mastodon's adapter (point accounts at a FakeMastodon). */
  occupation: OccupationService;
  box: SecretBox;
  close(): Promise<void>;
}

export const MIN = 60_000;

export async function newMedium(at: Date | string = '2026-12-05T09:00:00Z'): Promise<Medium> {
  const env = await createTestEnv({}, { schemaPrefix: 'm_' });
  const { config } = env;
  const clock = new FixedClock(at);
  const prisma = new PrismaService(config);
  const audit = new AuditRepository(prisma);
  const box = new SecretBox(config.encryptionKey);
  const none = undefined as never;
  const timelineRepo = new StrikeTimelineRepository(prisma);
  const outbound = OutboundHttp.fromConfig(config);
  const networks = new NetworkRegistry([new MastodonAdapter(config, outbound)]);
  const connections = new AccountConnections(config, box, networks, new AccountSecretsRepository(prisma));
  const capabilities = new AccountCapabilities(new CapabilitiesRepository(prisma), networks, connections);
  return {
    env,
    config,
    clock,
    db: prisma.client,
    marginMs: config.networks.timeoutMs,
    decisions: new DecisionsRepository(prisma, audit, box, config, clock),
    strikes: new StrikesRepository(prisma, audit, clock),
    lifecycle: new StrikeLifecycleRepository(prisma),
    gate: new GateRepository(prisma),
    timeline: new StrikeTimelineService(timelineRepo, none, none, none, capabilities, none, config, clock),
    occupation: new OccupationService(new OccupationsRepository(prisma), networks, connections, capabilities, new OccupationStepsRepository(prisma), clock),
    box,
    async close() {
      await outbound.close();
      await prisma.onApplicationShutdown();
      await env.cleanup();
    },
  };
}

export interface Org {
  organisationId: string;
  admin: Caller;
  voters: Caller[];
  accountIds: string[];
}

/** An organisation with `voters` members who vote (the first is the admin) and `accounts` Mastodon accounts. */
export async function seedOrganisation(m: Medium, opts: { voters?: number; accounts?: number; rule?: { quorumCount?: number; quorumPercent?: number; ballot?: 'named' | 'secret'; decisionKind?: 'votes' | 'assembly'; ballotClosesAfterMinutes?: number } } = {}): Promise<Org> {
  const org = await m.db.organisation.create({ data: { name: `medium-${randomBytes(4).toString('hex')}`, ...opts.rule } });
  const voters: Caller[] = [];
  for (let i = 0; i < (opts.voters ?? 2); i++) {
    const role = i === 0 ? 'admin' : 'member';
    const member = await m.db.member.create({ data: { organisationId: org.id, name: `member ${i}`, role } });
    voters.push({ memberId: member.id, organisationId: org.id, role });
  }
  const box = new SecretBox(m.config.encryptionKey);
  const accountIds: string[] = [];
  for (let i = 0; i < (opts.accounts ?? 1); i++) {
    const account = await m.db.account.create({
      data: {
        organisationId: org.id,
        network: 'mastodon',
        instanceUrl: 'http://127.0.0.1:9',
        remoteId: String(1000 + i),
        handle: `@account${i}@127.0.0.1`,
        displayName: `account${i}`,
        tokenCiphertext: box.seal(randomBytes(8).toString('hex'), ACCOUNT_TOKEN_CONTEXT),
        maxCharacters: 500,
        maxMedia: 4,
        charactersPerUrl: 23,
      },
    });
    accountIds.push(account.id);
  }
  return { organisationId: org.id, admin: voters[0]!, voters, accountIds };
}

/** One ordinary post per time, on every given account (one delivery each), in one statement per call. */
export async function seedPosts(m: Medium, org: Org, times: Date[], accountIds = org.accountIds): Promise<{ deliveryId: string; accountId: string; scheduledAt: Date }[]> {
  if (times.length === 0) return [];
  const rows = await m.db.$queryRaw<{ id: string; account_id: string; scheduled_at: Date }[]>`
    WITH src AS MATERIALIZED (
      SELECT g, gen_random_uuid() AS post_id, t.at
      FROM unnest(${times.map((t) => t.toISOString())}::timestamptz[]) WITH ORDINALITY AS t(at, g)),
    p AS (
      INSERT INTO posts (id, organisation_id, created_by_id, text, scheduled_at, updated_at)
      SELECT post_id, ${org.organisationId}::uuid, ${org.admin.memberId}::uuid, 'post ' || g, at, now() FROM src)
    INSERT INTO deliveries (id, organisation_id, post_id, account_id, state, scheduled_at, updated_at)
    SELECT gen_random_uuid(), ${org.organisationId}::uuid, src.post_id, a.id, 'scheduled', src.at, now()
    FROM src CROSS JOIN unnest(${accountIds}::uuid[]) AS a(id)
    RETURNING id::text AS id, account_id::text AS account_id, scheduled_at`;
  return rows.map((r) => ({ deliveryId: r.id, accountId: r.account_id, scheduledAt: r.scheduled_at }));
}

const message = (text: string) => ({ text, contentWarning: null, media: [] });

/** A strike spec over the organisation's accounts; override what a test is about. */
export function strikeSpec(org: Org, over: Partial<StrikeSpec> & Pick<StrikeSpec, 'startsAt' | 'endsAt'>): StrikeSpec {
  return {
    title: 'Grève',
    reason: 'Salaires',
    allAccounts: false,
    accountIds: org.accountIds,
    mode: 'occupation',
    heldPolicy: 'resume',
    resumeSpacingSeconds: 300,
    occupationSpacingSeconds: 900,
    messages: { opening: message('Nous sommes en grève.'), rotation: [message('R1'), message('R2')], closing: message('Fin de la grève.') },
    profile: null,
    ...over,
  };
}

/** Proposes a strike and approves it through the real decision path (every voter approves, at the clock's time). */
export async function approvedStrike(m: Medium, org: Org, spec: StrikeSpec): Promise<string> {
  const strike = await m.strikes.propose(org.organisationId, org.admin.memberId, spec, {});
  const motion = (await m.decisions.forStrike(org.organisationId, strike.id))[0]!;
  for (const v of org.voters) {
    const r = await m.decisions.castVote(org.organisationId, motion.id, v.memberId, 'approve');
    if (!r.ok) throw new Error(`vote refused: ${r.refusal}`);
    if (r.decision) break;
  }
  const after = await m.lifecycle.find(strike.id);
  if (after?.state !== 'approved') throw new Error(`strike ${strike.id} is ${after?.state}, expected approved`);
  return strike.id;
}
