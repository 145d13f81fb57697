import type { ProfileChanges, StrikeMessages, StrikeRecord, StrikeSpec } from '../domain/strike.js';
import type { Prisma, Strike, StrikeAccount } from '#database/generated/client.js';

type StrikeRow = Strike & { accounts: StrikeAccount[] };

export const STRIKE_INCLUDE = { accounts: true } as const;

export const toStrike = (s: StrikeRow): StrikeRecord => ({
  id: s.id,
  organisationId: s.organisationId,
  createdById: s.createdById,
  title: s.title,
  reason: s.reason,
  startsAt: s.startsAt,
  endsAt: s.endsAt,
  allAccounts: s.allAccounts,
  accountIds: s.accounts.map((a) => a.accountId).sort(),
  mode: s.mode,
  heldPolicy: s.heldPolicy,
  resumeSpacingSeconds: s.resumeSpacingSeconds,
  occupationSpacingSeconds: s.occupationSpacingSeconds,
  messages: s.messages as unknown as StrikeMessages,
  profile: (s.profile as unknown as ProfileChanges | null) ?? null,
  state: s.state,
  effectiveFrom: s.effectiveFrom,
  approvedAt: s.approvedAt,
  startedAt: s.startedAt,
  endedAt: s.endedAt,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
});

/** The columns a spec sets (accounts are written separately, as strike_accounts rows). */
export const specColumns = (spec: StrikeSpec) => ({
  title: spec.title,
  reason: spec.reason,
  startsAt: spec.startsAt,
  endsAt: spec.endsAt,
  allAccounts: spec.allAccounts,
  mode: spec.mode,
  heldPolicy: spec.heldPolicy,
  resumeSpacingSeconds: spec.resumeSpacingSeconds,
  occupationSpacingSeconds: spec.occupationSpacingSeconds,
  messages: spec.messages as unknown as Prisma.InputJsonValue,
  profile: (spec.profile ?? undefined) as unknown as Prisma.InputJsonValue | undefined,
});

/** An amend motion carries the whole new spec, as JSON. */
export const specToJson = (spec: StrikeSpec): Prisma.InputJsonValue =>
  ({ ...spec, startsAt: spec.startsAt.toISOString(), endsAt: spec.endsAt.toISOString() }) as unknown as Prisma.InputJsonValue;

export const specFromJson = (json: unknown): StrikeSpec => {
  const raw = json as Omit<StrikeSpec, 'startsAt' | 'endsAt'> & { startsAt: string; endsAt: string };
  return { ...raw, startsAt: new Date(raw.startsAt), endsAt: new Date(raw.endsAt) };
};
