import { messageText, type StrikeMessage, type StrikeRecord } from '../domain/strike.js';
import { planSlots, rotationIndex, rotationOf } from '../domain/planner.js';
import type { Prisma } from '#database/generated/client.js';

export type StrikeRole = 'opening' | 'slot' | 'closing';
type Tx = Prisma.TransactionClient;

/**
 * A strike post: an ordinary post record marked with its strike, so the queue publishes it like any
 * other. Accounts whose network has a text of its own get a post of their own with that text.
 */
export async function createStrikePost(
  tx: Tx,
  strike: Pick<StrikeRecord, 'id' | 'organisationId'>,
  role: StrikeRole,
  message: StrikeMessage,
  at: Date,
  accountIds: string[],
): Promise<string[]> {
  if (accountIds.length === 0) return [];
  const accounts = await tx.account.findMany({ where: { id: { in: accountIds } }, select: { id: true, network: true } });
  const byText = new Map<string, string[]>();
  for (const a of accounts) {
    const text = messageText(message, a.network);
    byText.set(text, [...(byText.get(text) ?? []), a.id]);
  }
  const ids: string[] = [];
  for (const [text, group] of byText) ids.push(...(await createPost(tx, strike, role, { ...message, text }, at, group)));
  return ids;
}

async function createPost(
  tx: Tx,
  strike: Pick<StrikeRecord, 'id' | 'organisationId'>,
  role: StrikeRole,
  message: StrikeMessage,
  at: Date,
  accountIds: string[],
): Promise<string[]> {
  const post = await tx.post.create({
    data: {
      organisationId: strike.organisationId,
      createdById: null,
      strikeId: strike.id,
      strikeRole: role,
      text: message.text,
      contentWarning: message.contentWarning,
      visibility: 'public',
      scheduledAt: at,
      media: { create: message.media.map((m, position) => ({ mediaId: m.mediaId, altText: m.altText, position })) },
      deliveries: {
        create: accountIds.map((accountId) => ({ organisationId: strike.organisationId, accountId, strikeId: strike.id, scheduledAt: at })),
      },
    },
    select: { deliveries: { select: { id: true } } },
  });
  return post.deliveries.map((d) => d.id);
}

/** Accounts a strike covers right now: its list, or every connected account of the organisation. */
export async function strikeTargets(tx: Tx, strike: Pick<StrikeRecord, 'id' | 'organisationId' | 'allAccounts'>): Promise<string[]> {
  if (strike.allAccounts) {
    const rows = await tx.account.findMany({ where: { organisationId: strike.organisationId, disconnectedAt: null }, select: { id: true } });
    return rows.map((r) => r.id);
  }
  const rows = await tx.strikeAccount.findMany({ where: { strikeId: strike.id }, select: { accountId: true } });
  return rows.map((r) => r.accountId);
}

/**
 * Gives held slots of one account their strike messages, keeping the spacing from every strike
 * post already there. Serialised per strike and account, so two workers holding posts at once
 * cannot both place a slot in the same gap.
 */
export async function occupySlots(
  tx: Tx,
  strike: StrikeRecord,
  accountId: string,
  heldTimes: Date[],
  from: Date,
): Promise<{ deliveryId: string; scheduledAt: Date; strike: true }[]> {
  if (strike.mode !== 'occupation' || heldTimes.length === 0) return [];
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`slots:${strike.id}:${accountId}`}))`;
  const existing = await tx.delivery.findMany({
    where: { strikeId: strike.id, accountId, state: { not: 'cancelled' } },
    select: { scheduledAt: true, post: { select: { strikeRole: true } } },
  });
  const slotsSoFar = existing.filter((d) => d.post.strikeRole === 'slot').length;
  const times = planSlots(
    heldTimes,
    existing.map((d) => d.scheduledAt),
    strike.occupationSpacingSeconds * 1000,
    from,
    strike.endsAt,
  );
  const rotation = rotationOf(strike.messages);
  if (rotation.length === 0) return [];
  const created: { deliveryId: string; scheduledAt: Date; strike: true }[] = [];
  for (const [i, at] of times.entries()) {
    const message = rotation[rotationIndex(slotsSoFar + i, rotation.length)]!;
    const [deliveryId] = await createStrikePost(tx, strike, 'slot', message, at, [accountId]);
    created.push({ deliveryId: deliveryId!, scheduledAt: at, strike: true });
  }
  return created;
}
