import type { StrikeRecord } from '#domain/strikes.js';
import type { Prisma } from './generated/client.js';
import { giveFates } from './strike-lifecycle.repository.js';
import { specColumns, specFromJson, STRIKE_INCLUDE, toStrike } from './strike-mappers.js';
import { createStrikePost, strikeTargets } from './strike-posts.js';

type Tx = Prisma.TransactionClient;

export interface DecidedMotion {
  id: string;
  strikeId: string;
  kind: 'approve' | 'amend' | 'stop' | 'extend';
  payload: unknown;
}

/**
 * What an approved motion does to its strike, inside the transaction that records the decision:
 * approve makes the window effective (and creates the opening and closing posts), amend applies the
 * new spec, stop ends or cancels, extend moves the end. Nothing else changes a strike's window.
 */
export async function applyMotion(tx: Tx, motion: DecidedMotion, decidedAt: Date, gateMarginMs: number): Promise<void> {
  // Serialises decisions on one strike with its start and end steps.
  await tx.$queryRaw`SELECT id FROM strikes WHERE id = ${motion.strikeId}::uuid FOR UPDATE`;
  const strike = toStrike(await tx.strike.findUniqueOrThrow({ where: { id: motion.strikeId }, include: STRIKE_INCLUDE }));
  const audit = (action: string, detail: Prisma.InputJsonValue) =>
    tx.auditEntry.create({ data: { organisationId: strike.organisationId, strikeId: strike.id, motionId: motion.id, action, detail } });

  switch (motion.kind) {
    case 'approve': {
      if (strike.state !== 'proposed') return;
      if (strike.endsAt <= decidedAt) {
        await tx.strike.update({ where: { id: strike.id }, data: { state: 'cancelled', endedAt: decidedAt } });
        await audit('strike.cancelled', { why: 'the window was over when the decision was reached' });
        return;
      }
      const from = effectiveFrom(strike, decidedAt, gateMarginMs);
      await makeEffective(tx, strike, decidedAt, from);
      await audit('strike.approved', { effectiveFrom: from.toISOString(), endsAt: strike.endsAt.toISOString() });
      return;
    }
    case 'amend': {
      if (strike.state !== 'approved') {
        await audit('amendment.not-applied', { why: `the strike is ${strike.state}: only stop or extend apply now` });
        return;
      }
      const spec = specFromJson(motion.payload);
      await cancelStrikePosts(tx, strike.id, 'Replaced by an amendment');
      await tx.strikeAccount.deleteMany({ where: { strikeId: strike.id } });
      await tx.strike.update({
        where: { id: strike.id },
        data: {
          ...specColumns(spec),
          profile: spec.profile ? (spec.profile as unknown as Prisma.InputJsonValue) : (null as unknown as Prisma.InputJsonValue),
          accounts: { create: spec.allAccounts ? [] : spec.accountIds.map((accountId) => ({ accountId })) },
        },
      });
      const amended = toStrike(await tx.strike.findUniqueOrThrow({ where: { id: strike.id }, include: STRIKE_INCLUDE }));
      await makeEffective(tx, amended, decidedAt, effectiveFrom(amended, decidedAt, gateMarginMs));
      await audit('strike.amended', { startsAt: spec.startsAt.toISOString(), endsAt: spec.endsAt.toISOString() });
      return;
    }
    case 'stop': {
      if (strike.state === 'approved') {
        await tx.strike.update({ where: { id: strike.id }, data: { state: 'cancelled', endedAt: decidedAt } });
        await cancelStrikePosts(tx, strike.id, 'The strike was cancelled by decision');
        // Posts held just before the start (inside the gate's margin) still get their fate.
        await giveFates(tx, strike, decidedAt);
        await audit('strike.cancelled', { by: 'decision' });
      } else if (strike.state === 'running') {
        const endsAt = decidedAt < strike.endsAt ? decidedAt : strike.endsAt;
        await tx.strike.update({ where: { id: strike.id }, data: { endsAt } });
        await moveClosing(tx, strike.id, endsAt);
        await cancelStrikePosts(tx, strike.id, 'The strike was ended early by decision', endsAt);
        await audit('strike.stopping', { endsAt: endsAt.toISOString() });
      }
      return;
    }
    case 'extend': {
      const endsAt = new Date((motion.payload as { endsAt: string }).endsAt);
      if ((strike.state !== 'approved' && strike.state !== 'running') || endsAt <= strike.endsAt) {
        await audit('extension.not-applied', { why: `the strike is ${strike.state}, ending ${strike.endsAt.toISOString()}` });
        return;
      }
      await tx.strike.update({ where: { id: strike.id }, data: { endsAt } });
      await moveClosing(tx, strike.id, endsAt);
      await audit('strike.extended', { from: strike.endsAt.toISOString(), to: endsAt.toISOString() });
      return;
    }
  }
}

/**
 * A strike decided after its start takes effect once the publishes already in flight at the decision
 * (checked by the gate just before it) have landed: the gate's margin later. Never before its start.
 */
function effectiveFrom(strike: StrikeRecord, decidedAt: Date, gateMarginMs: number): Date {
  const earliest = decidedAt.getTime() + gateMarginMs;
  return strike.startsAt.getTime() >= earliest ? strike.startsAt : new Date(earliest);
}

/** The window is in force from here on; opening and closing posts wait in the queue for their minute. */
async function makeEffective(tx: Tx, strike: StrikeRecord, decidedAt: Date, from: Date): Promise<void> {
  await tx.strike.update({ where: { id: strike.id }, data: { state: 'approved', approvedAt: decidedAt, effectiveFrom: from } });
  if (strike.mode !== 'occupation') return;
  const targets = await strikeTargets(tx, strike);
  if (strike.messages.opening) await createStrikePost(tx, strike, 'opening', strike.messages.opening, from, targets);
  if (strike.messages.closing) await createStrikePost(tx, strike, 'closing', strike.messages.closing, strike.endsAt, targets);
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
