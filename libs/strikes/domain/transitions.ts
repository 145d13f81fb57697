import type { StrikeState } from './strike.js';

/**
 * Every move a strike's state may make, in one table. Each write of a strike's state names one of
 * these moves (persistence/strike-state.ts), and is guarded by its `from` states in the same
 * statement, so a move the table does not allow cannot be written.
 *
 * A strike is created `proposed`; the collective decides it (approve, reject), the proposer may
 * withdraw it, the clock starts and ends it, and a later decision may amend, cancel or end it.
 */
export const STRIKE_MOVES = {
  /** The approve motion carried: the window is in force from its effective instant. */
  approve: { from: ['proposed'], to: 'approved' },
  /** The approve motion was rejected. */
  reject: { from: ['proposed'], to: 'rejected' },
  /** The proposer withdrew the approve motion. */
  withdraw: { from: ['proposed'], to: 'cancelled' },
  /** Approved only once its window was over: it never takes effect. */
  lapse: { from: ['proposed'], to: 'cancelled' },
  /** An amendment carried before the start: the new spec is in force, approved again. */
  amend: { from: ['approved'], to: 'approved' },
  /** The start step, at the effective instant. */
  start: { from: ['approved'], to: 'running' },
  /** A stop motion carried before the start. */
  cancel: { from: ['approved'], to: 'cancelled' },
  /** The end step: a running strike, or an approved one whose start was lost, at its end. */
  end: { from: ['approved', 'running'], to: 'ended' },
} as const satisfies Record<string, { from: readonly StrikeState[]; to: StrikeState }>;

export type StrikeMove = keyof typeof STRIKE_MOVES;

/** The state a strike is created in. */
export const INITIAL_STATE = 'proposed' satisfies StrikeState;

/** States no move leaves: the strike is over, and no motion changes it any more. */
export const FINISHED_STATES: readonly StrikeState[] = ['rejected', 'ended', 'cancelled'];

export function canMove(state: StrikeState, move: StrikeMove): boolean {
  return (STRIKE_MOVES[move].from as readonly StrikeState[]).includes(state);
}

/** The state after `move`, or null when the table does not allow it from `state`. */
export function nextState(state: StrikeState, move: StrikeMove): StrikeState | null {
  return canMove(state, move) ? STRIKE_MOVES[move].to : null;
}

/** The moves allowed from a state, in the table's order. */
export function movesFrom(state: StrikeState): StrikeMove[] {
  return (Object.keys(STRIKE_MOVES) as StrikeMove[]).filter((m) => canMove(state, m));
}
