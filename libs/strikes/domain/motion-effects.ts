import type { SiteForm } from '#sites/access.js';
import { effectiveFrom } from './planner.js';
import type { StrikeRecord, StrikeSpec } from './strike.js';
import { canMove, type StrikeMove } from './transitions.js';

/** The websites an amendment puts in scope, each with its form (libs/sites). */
export type AmendedSites = readonly { siteId: string; form: SiteForm }[];

/** An approved motion, its payload read. An amendment's sites: undefined leaves the strike's as they are. */
export type ApprovedMotion = { kind: 'approve' } | { kind: 'amend'; spec: StrikeSpec; sites?: AmendedSites } | { kind: 'stop' } | { kind: 'extend'; endsAt: Date };

/**
 * What an approved motion does to its strike, as data: persistence/motion-effects.ts writes these,
 * in order, inside the transaction that records the decision.
 */
export type MotionEffect =
  /** A state move of the transition table, with the columns it sets. */
  | { kind: 'move'; move: StrikeMove; set: { endedAt?: Date; approvedAt?: Date; effectiveFrom?: Date } }
  /** An amendment's spec replaces the strike's (its accounts too). */
  | { kind: 'replace-spec'; spec: StrikeSpec }
  /** An amendment's sites replace the strike's (libs/sites writes them). */
  | { kind: 'replace-sites'; sites: AmendedSites }
  /** The opening (at the effective instant) and closing (at the end) posts, on every account in scope; occupation mode only. */
  | { kind: 'create-strike-posts'; opening: Date; closing: Date }
  /** Strike posts still waiting are cancelled (those due from `after` on, closing aside, when given). */
  | { kind: 'cancel-strike-posts'; reason: string; after?: Date }
  /** The window ends earlier or later; the closing post moves with it. */
  | { kind: 'set-end'; endsAt: Date }
  /** Posts held so far get their fate now. */
  | { kind: 'give-fates' }
  | { kind: 'audit'; action: string; detail: Record<string, string> };

/**
 * Approve makes the window effective (opening and closing posts wait for their minute), amend
 * applies the new spec, stop cancels a strike not started or ends a running one now, extend moves
 * the end later. Nothing else changes a strike's window. A motion that no longer applies to the
 * strike's state is recorded as not applied.
 */
export function planMotion(strike: StrikeRecord, motion: ApprovedMotion, decidedAt: Date, gateMarginMs: number): MotionEffect[] {
  const effective = (spec: StrikeSpec, move: 'approve' | 'amend'): MotionEffect[] => {
    const from = effectiveFrom(spec.startsAt, decidedAt, gateMarginMs);
    return [
      { kind: 'move', move, set: { approvedAt: decidedAt, effectiveFrom: from } },
      ...(spec.mode === 'occupation' ? [{ kind: 'create-strike-posts', opening: from, closing: spec.endsAt } as const] : []),
    ];
  };
  switch (motion.kind) {
    case 'approve': {
      if (!canMove(strike.state, 'approve')) return [];
      if (strike.endsAt <= decidedAt) {
        return [
          { kind: 'move', move: 'lapse', set: { endedAt: decidedAt } },
          { kind: 'audit', action: 'strike.cancelled', detail: { why: 'the window was over when the decision was reached' } },
        ];
      }
      const plan = effective(strike, 'approve');
      const from = effectiveFrom(strike.startsAt, decidedAt, gateMarginMs);
      return [...plan, { kind: 'audit', action: 'strike.approved', detail: { effectiveFrom: from.toISOString(), endsAt: strike.endsAt.toISOString() } }];
    }
    case 'amend': {
      if (!canMove(strike.state, 'amend')) {
        return [{ kind: 'audit', action: 'amendment.not-applied', detail: { why: `the strike is ${strike.state}: only stop or extend apply now` } }];
      }
      const { spec } = motion;
      return [
        { kind: 'cancel-strike-posts', reason: 'Replaced by an amendment' },
        { kind: 'replace-spec', spec },
        ...(motion.sites ? [{ kind: 'replace-sites', sites: motion.sites } as const] : []),
        ...effective(spec, 'amend'),
        { kind: 'audit', action: 'strike.amended', detail: { startsAt: spec.startsAt.toISOString(), endsAt: spec.endsAt.toISOString() } },
      ];
    }
    case 'stop': {
      if (canMove(strike.state, 'cancel')) {
        return [
          { kind: 'move', move: 'cancel', set: { endedAt: decidedAt } },
          { kind: 'cancel-strike-posts', reason: 'The strike was cancelled by decision' },
          // Posts held just before the start (inside the gate's margin) still get their fate.
          { kind: 'give-fates' },
          { kind: 'audit', action: 'strike.cancelled', detail: { by: 'decision' } },
        ];
      }
      if (strike.state === 'running') {
        const endsAt = decidedAt < strike.endsAt ? decidedAt : strike.endsAt;
        return [
          { kind: 'set-end', endsAt },
          { kind: 'cancel-strike-posts', reason: 'The strike was ended early by decision', after: endsAt },
          { kind: 'audit', action: 'strike.stopping', detail: { endsAt: endsAt.toISOString() } },
        ];
      }
      return [];
    }
    case 'extend': {
      const { endsAt } = motion;
      if ((strike.state !== 'approved' && strike.state !== 'running') || endsAt <= strike.endsAt) {
        return [{ kind: 'audit', action: 'extension.not-applied', detail: { why: `the strike is ${strike.state}, ending ${strike.endsAt.toISOString()}` } }];
      }
      return [
        { kind: 'set-end', endsAt },
        { kind: 'audit', action: 'strike.extended', detail: { from: strike.endsAt.toISOString(), to: endsAt.toISOString() } },
      ];
    }
  }
}
