import { describe, expect, it } from '@jest/globals';
import { ballotClosed, ballotClosesAt, countedAtEachVote, decisionOf, motionRefusal, moveWhen, tallyVotes, voteToStore } from './decisions.js';

const t = (m: number) => new Date(Date.UTC(2026, 11, 5, 9, m));
const rule = { quorumCount: 2, quorumPercent: 50 };

describe('how a motion is decided', () => {
  it('refuses the wrong procedure, a decided motion, and a finished strike (a withdrawal ignores the strike)', () => {
    const open = { decisionKind: 'votes', status: 'open' } as const;
    expect(motionRefusal(open, 'votes', 'proposed')).toBeNull();
    expect(motionRefusal(open, 'assembly', 'proposed')).toEqual({ refusal: 'wrong-procedure', decisionKind: 'votes' });
    expect(motionRefusal({ ...open, status: 'approved' }, 'votes', 'approved')).toEqual({ refusal: 'closed', status: 'approved' });
    expect(motionRefusal(open, 'votes', 'ended')).toEqual({ refusal: 'strike-closed', state: 'ended' });
    expect(motionRefusal(open, null, null)).toBeNull();
  });

  it('a secret ballot with a set close takes votes until then and is counted only then', () => {
    expect(ballotClosesAt({ decisionKind: 'votes', ballot: 'secret', ballotClosesAfterMinutes: 30 }, t(0))).toEqual(t(30));
    expect(ballotClosesAt({ decisionKind: 'votes', ballot: 'named', ballotClosesAfterMinutes: 30 }, t(0))).toBeNull();
    expect(ballotClosesAt({ decisionKind: 'assembly', ballot: 'secret', ballotClosesAfterMinutes: 30 }, t(0))).toBeNull();
    expect(ballotClosesAt({ decisionKind: 'votes', ballot: 'secret', ballotClosesAfterMinutes: null }, t(0))).toBeNull();
    expect(countedAtEachVote({ closesAt: t(30) })).toBe(false);
    expect(countedAtEachVote({ closesAt: null })).toBe(true);
    expect(ballotClosed({ closesAt: t(30) }, t(29))).toBeNull();
    expect(ballotClosed({ closesAt: t(30) }, t(30))).toEqual({ refusal: 'ballot-closed', closesAt: t(30) });
  });

  it('stores a secret choice sealed only, and audits that a member voted, never how', () => {
    expect(voteToStore('secret', 'reject', 'approve')).toEqual({ sealed: true, audit: { ballot: 'secret', note: 'a secret ballot was cast' } });
    expect(voteToStore('named', 'reject', 'approve')).toEqual({ sealed: false, audit: { ballot: 'named', choice: 'reject', changedFrom: 'approve' } });
    expect(voteToStore('named', 'approve', undefined)).toEqual({ sealed: false, audit: { ballot: 'named', choice: 'approve' } });
  });

  it('counts only members who have a vote now', () => {
    const votes = [
      { memberId: 'a', choice: 'approve' as const },
      { memberId: 'b', choice: 'reject' as const },
      { memberId: 'gone', choice: 'approve' as const },
    ];
    expect(tallyVotes(votes, new Set(['a', 'b', 'c']))).toEqual({ approvals: 1, rejections: 1 });
  });

  it('decides at a vote when the rule carries either way, and for good at a close', () => {
    expect(decisionOf(rule, { eligible: 5, approvals: 3, rejections: 0 }, 'vote')).toBe('approved');
    expect(decisionOf(rule, { eligible: 5, approvals: 2, rejections: 0 }, 'vote')).toBeNull();
    expect(decisionOf(rule, { eligible: 5, approvals: 2, rejections: 0 }, 'close')).toBe('rejected');
    expect(decisionOf(rule, { eligible: 5, approvals: 0, rejections: 3 }, 'vote')).toBe('rejected');
  });

  it('only the approve motion moves its strike when rejected or withdrawn', () => {
    expect(moveWhen('rejected', 'approve')).toBe('reject');
    expect(moveWhen('withdrawn', 'approve')).toBe('withdraw');
    expect(moveWhen('rejected', 'stop')).toBeNull();
    expect(moveWhen('withdrawn', 'amend')).toBeNull();
  });
});
