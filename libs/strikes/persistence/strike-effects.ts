import type { Prisma } from '#database/generated/client.js';
import { replaceStrikeSites } from '#sites/persistence/strike-sites.js';
import { planMotion, type ApprovedMotion, type MotionEffect } from '../domain/motion-effects.js';
import type { StrikeRecord } from '../domain/strike.js';
import { giveFates } from './strike-lifecycle.repository.js';
import { specColumns, STRIKE_INCLUDE, toStrike } from './strike-mappers.js';
import { proposalFromJson } from './motion-payload.js';
import { createStrikePost, strikeTargets } from './strike-posts.js';
import { moveStrike } from './strike-state.js';

type Tx = Prisma.TransactionClient;

export interface DecidedMotion {
  id: string;
  strikeId: string;
  kind: 'approve' | 'amend' | 'stop' | 'extend';
  payload: unknown;
}

/** A motion's stored payload, read. */
export function approvedMotion(motion: Pick<DecidedMotion, 'kind' | 'payload'>): ApprovedMotion {
  const proposal = proposalFromJson(motion.kind, motion.payload);
  // A stop's note is for the people voting: it changes nothing in what the stop does.
  return proposal.kind === 'stop' ? { kind: 'stop' } : proposal;
}

/**
 * What an approved motion does to its strike, inside the transaction that records the decision:
 * the domain plans it (domain/motion-effects.ts), this writes the plan in order.
 */
export async function applyMotion(tx: Tx, motion: DecidedMotion, decidedAt: Date, gateMarginMs: number): Promise<void> {
  // Serialises decisions on one strike with its start and end steps.
  await tx.$queryRaw`SELECT id FROM strikes WHERE id = ${motion.strikeId}::uuid FOR UPDATE`;
  const strike = await load(tx, motion.strikeId);
  await applyEffects(tx, strike, motion.id, planMotion(strike, approvedMotion(motion), decidedAt, gateMarginMs), decidedAt);
}

async function applyEffects(tx: Tx, initial: StrikeRecord, motionId: string, plan: MotionEffect[], decidedAt: Date): Promise<void> {
  let strike = initial;
  for (const effect of plan) {
    switch (effect.kind) {
      case 'move':
        // The strike's row is locked and the plan checked its state: a refusal here is a bug.
        if (!(await moveStrike(tx, strike.id, effect.move, effect.set))) throw new Error(`Strike ${strike.id} cannot ${effect.move} from ${strike.state}`);
        break;
      case 'replace-spec': {
        const { spec } = effect;
        await tx.strikeAccount.deleteMany({ where: { strikeId: strike.id } });
        await tx.strike.update({
          where: { id: strike.id },
          data: {
            ...specColumns(spec),
            profile: spec.profile ? (spec.profile as unknown as Prisma.InputJsonValue) : (null as unknown as Prisma.InputJsonValue),
            accounts: { create: spec.allAccounts ? [] : spec.accountIds.map((accountId) => ({ accountId })) },
          },
        });
        strike = await load(tx, strike.id);
        break;
      }
      case 'replace-sites':
        await replaceStrikeSites(tx, strike, effect.sites, { motionId });
        break;
      case 'create-strike-posts': {
        const targets = await strikeTargets(tx, strike);
        if (strike.messages.opening) await createStrikePost(tx, strike, 'opening', strike.messages.opening, effect.opening, targets);
        if (strike.messages.closing) await createStrikePost(tx, strike, 'closing', strike.messages.closing, effect.closing, targets);
        break;
      }
      case 'cancel-strike-posts':
        await cancelStrikePosts(tx, strike.id, effect.reason, effect.after);
        break;
      case 'set-end':
        await tx.strike.update({ where: { id: strike.id }, data: { endsAt: effect.endsAt } });
        await moveClosing(tx, strike.id, effect.endsAt);
        break;
      case 'give-fates':
        await giveFates(tx, strike, decidedAt);
        break;
      case 'audit':
        await tx.auditEntry.create({ data: { organisationId: strike.organisationId, strikeId: strike.id, motionId, action: effect.action, detail: effect.detail } });
        break;
    }
  }
}

async function load(tx: Tx, strikeId: string): Promise<StrikeRecord> {
  return toStrike(await tx.strike.findUniqueOrThrow({ where: { id: strikeId }, include: STRIKE_INCLUDE }));
}

async function cancelStrikePosts(tx: Tx, strikeId: string, reason: string, after?: Date): Promise<void> {
  await tx.delivery.updateMany({
    where: {
      strikeId,
      state: 'scheduled',
      ...(after ? { scheduledAt: { gte: after }, post: { strikeRole: { not: 'closing' } } } : {}),
    },
    data: { state: 'cancelled', cancelReason: reason },
  });
}

async function moveClosing(tx: Tx, strikeId: string, at: Date): Promise<void> {
  await tx.post.updateMany({ where: { strikeId, strikeRole: 'closing' }, data: { scheduledAt: at } });
  await tx.delivery.updateMany({ where: { strikeId, state: 'scheduled', post: { strikeRole: 'closing' } }, data: { scheduledAt: at } });
}
