import type { Prisma } from './generated/client.js';

export interface DecidedMotion {
  id: string;
  strikeId: string;
  kind: 'approve' | 'amend' | 'stop' | 'extend';
  payload: unknown;
}

/**
 * What an approved motion does to its strike, inside the transaction that records the decision:
 * approve makes the window effective (and creates the strike posts), amend applies the new spec,
 * stop ends or cancels, extend moves the end. Nothing else writes a strike's effective state.
 */
export async function applyMotion(tx: Prisma.TransactionClient, motion: DecidedMotion, decidedAt: Date): Promise<void> {
  // Implemented by the strike lifecycle work (see libs/strikes/).
  void tx;
  void motion;
  void decidedAt;
  await Promise.resolve();
}
