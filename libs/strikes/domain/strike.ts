/** The strike: its vocabulary and decision rules, shared by the API, the worker and the planner. Pure: no Prisma types here. */
export const STRIKE_STATES = ['proposed', 'approved', 'rejected', 'running', 'ended', 'cancelled'] as const;
export type StrikeState = (typeof STRIKE_STATES)[number];
export const STRIKE_MODES = ['silence', 'occupation'] as const;
export type StrikeMode = (typeof STRIKE_MODES)[number];
export const HELD_POLICIES = ['resume', 'shift', 'drop', 'review'] as const;
export type HeldPolicy = (typeof HELD_POLICIES)[number];
export const HOLD_FATES = ['pending', 'resumed', 'shifted', 'dropped', 'review'] as const;
export type HoldFate = (typeof HOLD_FATES)[number];
export const DECISION_KINDS = ['votes', 'assembly'] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];
export const BALLOT_KINDS = ['named', 'secret'] as const;
export type BallotKind = (typeof BALLOT_KINDS)[number];
export const MOTION_KINDS = ['approve', 'amend', 'stop', 'extend'] as const;
export type MotionKind = (typeof MOTION_KINDS)[number];
export type MotionStatus = 'open' | 'approved' | 'rejected' | 'withdrawn';
export const VOTE_CHOICES = ['approve', 'reject'] as const;
export type VoteChoice = (typeof VOTE_CHOICES)[number];
/** Roles with the right to vote: every member but viewers. */
export const VOTING_ROLES = ['admin', 'community_manager', 'member'] as const;

/** A strike's window lasts at most this long, from its start to its end (extensions included). */
export const MAX_STRIKE_DAYS = 31;

/** States in which a strike's window is in force: the gate holds ordinary posts inside it. */
export const EFFECTIVE_STATES: readonly StrikeState[] = ['approved', 'running'];

export interface StrikeMessage {
  text: string;
  contentWarning: string | null;
  media: { mediaId: string; altText: string }[];
  /** A text of its own for a network (a shorter one for X or Bluesky); `text` elsewhere. */
  perNetwork?: Partial<Record<'mastodon' | 'x' | 'bluesky', string>>;
}

/** The text of a strike message on one network. */
export const messageText = (m: StrikeMessage, network: 'mastodon' | 'x' | 'bluesky'): string => m.perNetwork?.[network] ?? m.text;

export interface StrikeMessages {
  /** Published on every account in scope when the strike starts (occupation mode). */
  opening: StrikeMessage | null;
  /** Published in the slots of held posts, in turn. */
  rotation: StrikeMessage[];
  /** Published on every account in scope when the strike ends, if given. */
  closing: StrikeMessage | null;
}

export interface ProfileChanges {
  displayNamePrefix: string | null;
  displayNameSuffix: string | null;
  bio: string | null;
  avatarMediaId: string | null;
  headerMediaId: string | null;
  pinOpening: boolean;
}

/** Everything a decision approves: changing any of it on an approved strike needs a new decision. */
export interface StrikeSpec {
  title: string;
  reason: string;
  startsAt: Date;
  endsAt: Date;
  allAccounts: boolean;
  accountIds: string[];
  mode: StrikeMode;
  heldPolicy: HeldPolicy;
  resumeSpacingSeconds: number;
  occupationSpacingSeconds: number;
  messages: StrikeMessages;
  profile: ProfileChanges | null;
}

export interface StrikeRecord extends StrikeSpec {
  id: string;
  organisationId: string;
  createdById: string;
  state: StrikeState;
  effectiveFrom: Date | null;
  approvedAt: Date | null;
  startedAt: Date | null;
  endedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface DecisionRule {
  kind: DecisionKind;
  quorumCount: number;
  quorumPercent: number;
  ballot: BallotKind;
  /** Secret ballots only: the ballot closes this long after the motion opens, and only then is it counted. */
  secretBallotClosesAfterMinutes?: number | null;
}

/** Approvals needed: max(the fixed number, the percentage of eligible voters, rounded up). */
export function approvalsNeeded(rule: Pick<DecisionRule, 'quorumCount' | 'quorumPercent'>, eligible: number): number {
  return Math.max(rule.quorumCount, Math.ceil((rule.quorumPercent * eligible) / 100));
}

/** A vote in Piquet passes when approvals reach the threshold and outnumber rejections. */
export function votesCarry(rule: Pick<DecisionRule, 'quorumCount' | 'quorumPercent'>, eligible: number, approvals: number, rejections: number): boolean {
  return approvals >= approvalsNeeded(rule, eligible) && approvals > rejections;
}

/**
 * Votes stay changeable until a decision is reached, so a motion is rejected only when rejections
 * would carry it the other way: they reach the threshold and outnumber approvals.
 */
export function votesReject(rule: Pick<DecisionRule, 'quorumCount' | 'quorumPercent'>, eligible: number, approvals: number, rejections: number): boolean {
  return rejections >= approvalsNeeded(rule, eligible) && rejections > approvals;
}

/** An assembly's vote authorises when "for" outnumbers "against". */
export const assemblyCarries = (votesFor: number, votesAgainst: number): boolean => votesFor > votesAgainst;

/**
 * The outcome of a vote count: approved when the rule carries, rejected when rejections would carry
 * it the other way, else undecided. A ballot counted at its set close is decided for good: what
 * does not carry is rejected.
 */
export function countVotes(
  rule: Pick<DecisionRule, 'quorumCount' | 'quorumPercent'>,
  tally: { eligible: number; approvals: number; rejections: number },
  atClose = false,
): 'approved' | 'rejected' | null {
  const { eligible, approvals, rejections } = tally;
  if (votesCarry(rule, eligible, approvals, rejections)) return 'approved';
  if (atClose || votesReject(rule, eligible, approvals, rejections)) return 'rejected';
  return null;
}
