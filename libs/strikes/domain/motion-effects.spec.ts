import { describe, expect, it } from '@jest/globals';
import { planMotion } from './motion-effects.js';
import type { StrikeRecord, StrikeState } from './strike.js';

const t = (m: number) => new Date(Date.UTC(2026, 11, 5, 9, m));
const message = { text: 'x', contentWarning: null, media: [] };
const strike = (state: StrikeState, over: Partial<StrikeRecord> = {}): StrikeRecord => ({
  id: 's',
  organisationId: 'o',
  createdById: 'm',
  title: 'Grève',
  reason: 'Salaires',
  startsAt: t(60),
  endsAt: t(120),
  allAccounts: true,
  accountIds: [],
  mode: 'occupation',
  heldPolicy: 'resume',
  resumeSpacingSeconds: 300,
  occupationSpacingSeconds: 900,
  messages: { opening: message, rotation: [], closing: message },
  profile: null,
  state,
  effectiveFrom: state === 'proposed' ? null : t(60),
  approvedAt: null,
  startedAt: null,
  endedAt: null,
  createdAt: t(0),
  updatedAt: t(0),
  ...over,
});
const kinds = (plan: ReturnType<typeof planMotion>) => plan.map((e) => (e.kind === 'move' ? `move:${e.move}` : e.kind === 'audit' ? `audit:${e.action}` : e.kind));

describe('what an approved motion does, as a plan', () => {
  it('approve: effective at the start, or the margin after a late decision; lapses after the window', () => {
    expect(planMotion(strike('proposed'), { kind: 'approve' }, t(0), 60_000)).toEqual([
      { kind: 'move', move: 'approve', set: { approvedAt: t(0), effectiveFrom: t(60) } },
      { kind: 'create-strike-posts', opening: t(60), closing: t(120) },
      { kind: 'audit', action: 'strike.approved', detail: { effectiveFrom: t(60).toISOString(), endsAt: t(120).toISOString() } },
    ]);
    expect(planMotion(strike('proposed'), { kind: 'approve' }, t(90), 60_000)[0]).toEqual({ kind: 'move', move: 'approve', set: { approvedAt: t(90), effectiveFrom: t(91) } });
    expect(kinds(planMotion(strike('proposed'), { kind: 'approve' }, t(120), 60_000))).toEqual(['move:lapse', 'audit:strike.cancelled']);
    expect(kinds(planMotion(strike('proposed', { mode: 'silence' }), { kind: 'approve' }, t(0), 0))).toEqual(['move:approve', 'audit:strike.approved']);
    expect(planMotion(strike('running'), { kind: 'approve' }, t(0), 0)).toEqual([]);
  });

  it('amend: only before the start, with the new spec in force', () => {
    const spec = { ...strike('approved'), startsAt: t(70), endsAt: t(130) };
    expect(kinds(planMotion(strike('approved'), { kind: 'amend', spec }, t(0), 0))).toEqual([
      'cancel-strike-posts', 'replace-spec', 'move:amend', 'create-strike-posts', 'audit:strike.amended',
    ]);
    expect(kinds(planMotion(strike('running'), { kind: 'amend', spec }, t(0), 0))).toEqual(['audit:amendment.not-applied']);
  });

  it('stop: cancels before the start (held posts get their fate), ends a running strike now', () => {
    expect(kinds(planMotion(strike('approved'), { kind: 'stop' }, t(30), 0))).toEqual(['move:cancel', 'cancel-strike-posts', 'give-fates', 'audit:strike.cancelled']);
    expect(planMotion(strike('running'), { kind: 'stop' }, t(90), 0).slice(0, 2)).toEqual([
      { kind: 'set-end', endsAt: t(90) },
      { kind: 'cancel-strike-posts', reason: 'The strike was ended early by decision', after: t(90) },
    ]);
    expect(planMotion(strike('ended'), { kind: 'stop' }, t(90), 0)).toEqual([]);
  });

  it('extend: only later, only while in force', () => {
    expect(kinds(planMotion(strike('running'), { kind: 'extend', endsAt: t(150) }, t(90), 0))).toEqual(['set-end', 'audit:strike.extended']);
    expect(kinds(planMotion(strike('running'), { kind: 'extend', endsAt: t(100) }, t(90), 0))).toEqual(['audit:extension.not-applied']);
    expect(kinds(planMotion(strike('ended'), { kind: 'extend', endsAt: t(150) }, t(90), 0))).toEqual(['audit:extension.not-applied']);
  });
});
