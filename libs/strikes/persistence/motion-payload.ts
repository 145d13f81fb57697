import type { Prisma } from '#database/generated/client.js';
import { sitesFromPayload } from '#sites/persistence/strike-sites.js';
import type { MotionProposal } from '../domain/motion.js';
import type { MotionKind } from '../domain/strike.js';
import { specFromJson, specToJson } from './strike-mappers.js';

/**
 * A motion's payload column, for repositories only (applyMotion reads it back with proposalFromJson):
 * amend: the whole new spec (and `sites` when it changes them); extend: { endsAt: iso }; stop: { note }; approve: {}.
 */
export function proposalToJson(p: MotionProposal): Prisma.InputJsonValue {
  switch (p.kind) {
    case 'approve':
      return {};
    case 'amend':
      return p.sites ? ({ ...(specToJson(p.spec) as object), sites: p.sites.map((s) => ({ ...s })) } as Prisma.InputJsonValue) : specToJson(p.spec);
    case 'stop':
      return p.note ? { note: p.note } : {};
    case 'extend':
      return { endsAt: p.endsAt.toISOString() };
  }
}

export function proposalFromJson(kind: MotionKind, payload: unknown): MotionProposal {
  switch (kind) {
    case 'approve':
      return { kind };
    case 'amend':
      return { kind, spec: specFromJson(payload), sites: sitesFromPayload(payload) };
    case 'stop':
      return { kind, note: (payload as { note?: string } | null)?.note ?? null };
    case 'extend':
      return { kind, endsAt: new Date((payload as { endsAt: string }).endsAt) };
  }
}
