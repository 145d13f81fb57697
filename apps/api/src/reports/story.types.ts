/**
 * The strike's story, as the report tells it: what was decided and how, what the strike held and
 * what became of it, what it did to each account's profile and what it put back, and what failed.
 * Dates are Date here and ISO 8601 strings in JSON.
 */
import type { AccountRef } from './report.types.js';

export interface StoryDecision {
  /** approve (the strike itself), amend, stop, extend. */
  kind: string;
  status: string;
  openedAt: Date;
  decidedAt: Date | null;
  /** The rule in force when the motion opened. */
  rule: { kind: 'votes' | 'assembly'; ballot: 'named' | 'secret'; quorumCount: number; quorumPercent: number };
  /**
   * Votes in Piquet, once decided: the totals frozen at the decision (what every ballot allows to
   * show, secret ones included); never who chose what. Null for an assembly or an open motion.
   */
  votes: { eligible: number; needed: number; approvals: number; rejections: number } | null;
  /** An assembly's vote, as an admin recorded it. */
  assembly: { heldAt: Date; votesFor: number; votesAgainst: number; votesAbstain: number } | null;
}

export interface StoryHeldPost {
  holdId: string;
  deliveryId: string;
  account: AccountRef;
  text: string;
  /** When it was due before the strike. */
  originalScheduledAt: Date;
  heldAt: Date;
  /** pending (the strike is not over), resumed, shifted, dropped, review. */
  fate: string;
  fateAt: Date | null;
  /** Where resume or shift put it. */
  newScheduledAt: Date | null;
  /** The delivery's state now: published, scheduled, cancelled, failed, held. */
  state: string;
  publishedAt: Date | null;
  url: string | null;
  /** Why it failed or was cancelled, when it did. */
  reason: string | null;
}

export interface StoryNativePost {
  id: string;
  account: AccountRef;
  /** The scheduled status's id on the instance. */
  remoteId: string;
  text: string;
  originalScheduledAt: Date;
  fate: string;
  fateAt: Date | null;
  newScheduledAt: Date | null;
  lastError: string | null;
}

/** One step of the occupation or of the restoration on one account. */
export interface StoryStep {
  /** occupy (at the start) or restore (at the end). */
  phase: 'occupy' | 'restore';
  /** nativeScheduled, profile, pin; at the restore also displayName, bio, avatar, header, unpin. */
  step: string;
  /** done, skipped, failed, unsupported (the server lacks it), editedByHand (left alone), pending. */
  outcome: string;
  /** What was done, or done instead when the server lacks the feature. */
  detail: string | null;
  error: string | null;
}

export interface StoryAccount {
  account: AccountRef;
  /** active, needs_reconnection, disconnected: an account that needs reconnecting could not be occupied. */
  status: string;
  occupation: {
    /** pending | done | failed | skipped; null when the strike never reached this account. */
    state: string | null;
    /** Profile fields Piquet set (displayName, bio, avatar, header). */
    fieldsChanged: string[];
    pinned: boolean;
    lastError: string | null;
  };
  restoration: {
    /** pending | done | failed; null before the end. */
    state: string | null;
    /** Fields put back as they were. */
    restored: string[];
    /** Fields someone changed by hand during the strike: left as that person set them. */
    leftAsEdited: string[];
    unpinned: boolean;
    /** What the restoration said of natively scheduled posts ("2 resume"). */
    nativeScheduled: string | null;
    lastError: string | null;
  };
  /**
   * Features this account's server lacks (as checked when the strike started, else as last
   * checked), or null when Piquet has not recorded the server's capabilities for this account.
   */
  featureGaps: string[] | null;
  /** Per-step outcomes of the occupation and the restoration, in the order they happen; null when the strike never reached this account. */
  steps: StoryStep[] | null;
}

export interface StoryFailure {
  account: AccountRef | null;
  /** occupation, restoration, strike post, native post, held post, account */
  step: string;
  error: string;
  at: Date | null;
}

export interface StrikeStory {
  reason: string;
  mode: string;
  heldPolicy: string;
  /** Planned window, the decided one, and when it really started and ended. */
  window: { startsAt: Date; endsAt: Date; effectiveFrom: Date | null; startedAt: Date | null; endedAt: Date | null };
  spacing: { resumeSeconds: number; occupationSeconds: number };
  accounts: StoryAccount[];
  decisions: StoryDecision[];
  held: {
    /** Every hold, by fate (all fates listed, 0 included: these are counted, not sampled). */
    total: number;
    byFate: Record<string, number>;
    /** The first ones by original time; every one is in held.csv. */
    posts: StoryHeldPost[];
    more: boolean;
  };
  nativeMoved: { total: number; posts: StoryNativePost[]; more: boolean };
  failures: StoryFailure[];
}
