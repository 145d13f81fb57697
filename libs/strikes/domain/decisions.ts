import { countVotes, type BallotKind, type DecisionKind, type DecisionRule, type MotionKind, type MotionStatus, type StrikeState, type VoteChoice } from './strike.js';
import { FINISHED_STATES, type StrikeMove } from './transitions.js';

/**
 * How a motion is decided, as pure rules: who may act on it, when a ballot counts, what a vote
 * stores and what a decision does to its strike. persistence/decisions.repository.ts runs them
 * inside the transaction that holds the motion's row.
 */

/** A motion as the rules see it: its state, and the rule it opened with (its snapshot columns). */
export interface MotionToDecide {
  kind: MotionKind;
  decisionKind: DecisionKind;
  ballot: BallotKind;
  status: MotionStatus;
  quorumCount: number;
  quorumPercent: number;
  /** A secret ballot with a set close: nothing is counted before it. */
  closesAt: Date | null;
}

/** Why a vote, an assembly record or a withdrawal was refused. */
export type DecisionRefusal =
  | { refusal: 'not-found' }
  | { refusal: 'wrong-procedure'; decisionKind: DecisionRule['kind'] }
  | { refusal: 'closed'; status: MotionStatus }
  | { refusal: 'ballot-closed'; closesAt: Date }
  | { refusal: 'strike-closed'; state: StrikeState };

export interface Tally {
  eligible: number;
  approvals: number;
  rejections: number;
}

/**
 * Whether a motion may still be acted on: decided the way asked (`procedure`; null for a
 * withdrawal, which any open motion allows), still open, and its strike not finished.
 */
export function motionRefusal(motion: Pick<MotionToDecide, 'decisionKind' | 'status'>, procedure: DecisionKind | null, strikeState: StrikeState | null): DecisionRefusal | null {
  if (procedure && motion.decisionKind !== procedure) return { refusal: 'wrong-procedure', decisionKind: motion.decisionKind };
  if (motion.status !== 'open') return { refusal: 'closed', status: motion.status };
  if (procedure && strikeState && FINISHED_STATES.includes(strikeState)) return { refusal: 'strike-closed', state: strikeState };
  return null;
}

/** A ballot with a set close takes votes until then, and is counted only then: at a vote it is not. */
export const countedAtEachVote = (motion: Pick<MotionToDecide, 'closesAt'>): boolean => motion.closesAt === null;

/** Whether a ballot's set close has come: it takes no more votes and is counted, for good. */
export const ballotDue = (motion: Pick<MotionToDecide, 'closesAt'>, now: Date): boolean => motion.closesAt !== null && motion.closesAt <= now;

/** A vote after the ballot's set close is refused. */
export function ballotClosed(motion: Pick<MotionToDecide, 'closesAt'>, now: Date): DecisionRefusal | null {
  return motion.closesAt && ballotDue(motion, now) ? { refusal: 'ballot-closed', closesAt: motion.closesAt } : null;
}

/** A new motion's set close: only secret ballots decided by votes, when the organisation sets one. */
export function ballotClosesAt(rule: { decisionKind: DecisionKind; ballot: BallotKind; ballotClosesAfterMinutes: number | null }, openedAt: Date): Date | null {
  const after = rule.ballotClosesAfterMinutes;
  return rule.decisionKind === 'votes' && rule.ballot === 'secret' && after ? new Date(openedAt.getTime() + after * 60_000) : null;
}

/**
 * What a vote leaves behind: a secret ballot's choice is stored sealed only, and its audit line
 * says that a member voted, never how (not even whether they changed their mind).
 */
export function voteToStore(ballot: BallotKind, choice: VoteChoice, previous: VoteChoice | null | undefined): { sealed: boolean; audit: Record<string, unknown> } {
  if (ballot === 'secret') return { sealed: true, audit: { ballot: 'secret', note: 'a secret ballot was cast' } };
  return { sealed: false, audit: { ballot: 'named', choice, ...(previous !== undefined ? { changedFrom: previous } : {}) } };
}

/** Approvals and rejections of the members who have a vote now; a removed voter's vote no longer counts. */
export function tallyVotes(votes: { memberId: string; choice: VoteChoice | null }[], eligible: ReadonlySet<string>): { approvals: number; rejections: number } {
  let approvals = 0;
  let rejections = 0;
  for (const v of votes) {
    if (!eligible.has(v.memberId)) continue;
    if (v.choice === 'approve') approvals++;
    else if (v.choice === 'reject') rejections++;
  }
  return { approvals, rejections };
}

/**
 * The decision a count reaches: at a vote, approved, rejected or not yet (null); at a ballot's set
 * close, decided for good (what does not carry is rejected).
 */
export function decisionOf(motion: Pick<MotionToDecide, 'quorumCount' | 'quorumPercent'>, tally: Tally, at: 'vote' | 'close'): 'approved' | 'rejected' | null {
  return countVotes(motion, tally, at === 'close');
}

/**
 * The strike's move when a motion is rejected or withdrawn: only the approve motion of a proposal
 * moves it (rejected, or withdrawn by its proposer); any other motion leaves the strike as it is.
 * An approved motion's effect is planned by motion-effects.ts.
 */
export const moveWhen = (outcome: 'rejected' | 'withdrawn', kind: MotionKind): StrikeMove | null =>
  kind !== 'approve' ? null : outcome === 'rejected' ? 'reject' : 'withdraw';
