import type { Prisma } from '#database/generated/client.js';
import { STRIKE_MOVES, type StrikeMove } from '../domain/transitions.js';

type Tx = Prisma.TransactionClient;

/**
 * The only writer of a strike's state: the move is one of the transition table's, and the update
 * is guarded by its `from` states (plus `where`), so a move the table refuses changes nothing.
 * Returns whether the strike moved.
 */
export async function moveStrike(
  tx: Tx,
  strikeId: string,
  move: StrikeMove,
  set: Omit<Prisma.StrikeUpdateManyMutationInput, 'state'> = {},
  where: Omit<Prisma.StrikeWhereInput, 'id' | 'state'> = {},
): Promise<boolean> {
  const { from, to } = STRIKE_MOVES[move];
  const { count } = await tx.strike.updateMany({ where: { ...where, id: strikeId, state: { in: [...from] } }, data: { ...set, state: to } });
  return count === 1;
}
