import type { AmendedSites } from './motion-effects.js';
import type { DecisionRule, MotionStatus, StrikeRecord, StrikeSpec, VoteChoice } from './strike.js';

/** What a motion asks for, besides approving a proposed strike. */
export type MotionProposal =
  | { kind: 'approve' }
  /** sites: the websites in scope after it (undefined: unchanged). */
  | { kind: 'amend'; spec: StrikeSpec; sites?: AmendedSites }
  | { kind: 'stop'; note: string | null }
  | { kind: 'extend'; endsAt: Date };

export interface VoteRecord {
  memberId: string;
  memberName: string | null;
  /** Named ballots only: a secret ballot's choice never leaves persistence/decisions.repository.ts. */
  choice: VoteChoice | null;
  castAt: Date;
  /** False once the voter was removed or lost the right to vote: the vote no longer counts. */
  counts: boolean;
}

export interface AssemblyRecord {
  heldAt: Date;
  votesFor: number;
  votesAgainst: number;
  votesAbstain: number;
  minutes: string;
  recordedById: string | null;
  recordedByName: string | null;
}

export interface MotionRecord {
  id: string;
  organisationId: string;
  strikeId: string;
  status: MotionStatus;
  /** The rule in force when the motion opened. */
  rule: DecisionRule;
  proposal: MotionProposal;
  createdById: string;
  createdByName: string | null;
  createdAt: Date;
  decidedAt: Date | null;
  /** A secret ballot with a set close: nothing is counted before it. */
  closesAt: Date | null;
  /** Frozen at the decision. */
  approvals: number | null;
  rejections: number | null;
  eligible: number | null;
  assembly: AssemblyRecord | null;
  votes: VoteRecord[];
}

export interface StrikeDetail {
  strike: StrikeRecord;
  motions: MotionRecord[];
  /** Members with a vote now: the threshold of open motions depends on it. */
  eligibleNow: number;
}

export interface MotionDetail {
  motion: MotionRecord;
  /** Members with a vote now: the threshold of an open motion depends on it. */
  eligibleNow: number;
}
