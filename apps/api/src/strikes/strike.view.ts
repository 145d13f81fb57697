import type { AuditRecord } from '#database/audit.repository.js';
import { approvalsNeeded, type DecisionRule, type StrikeMessage, type StrikeRecord, type StrikeSpec } from '#strikes/domain/strike.js';
import type { MotionProposal, MotionRecord, StrikeDetail } from '#strikes/domain/motion.js';

const messageView = (m: StrikeMessage) => ({
  text: m.text,
  contentWarning: m.contentWarning,
  media: m.media.map((x) => ({ mediaId: x.mediaId, altText: x.altText })),
  perNetwork: m.perNetwork ?? {},
});

export function specView(s: StrikeSpec) {
  return {
    title: s.title,
    reason: s.reason,
    startsAt: s.startsAt,
    endsAt: s.endsAt,
    allAccounts: s.allAccounts,
    accountIds: s.allAccounts ? [] : s.accountIds,
    mode: s.mode,
    heldPolicy: s.heldPolicy,
    resumeSpacingSeconds: s.resumeSpacingSeconds,
    occupationSpacingSeconds: s.occupationSpacingSeconds,
    messages: {
      opening: s.messages.opening ? messageView(s.messages.opening) : null,
      rotation: s.messages.rotation.map(messageView),
      closing: s.messages.closing ? messageView(s.messages.closing) : null,
    },
    profile: s.profile ? { ...s.profile } : null,
  };
}

export function strikeView(s: StrikeRecord) {
  return {
    id: s.id,
    ...specView(s),
    state: s.state,
    effectiveFrom: s.effectiveFrom,
    approvedAt: s.approvedAt,
    startedAt: s.startedAt,
    endedAt: s.endedAt,
    createdById: s.createdById,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

/** The set close of secret ballots appears only when the rule has one. */
export const ruleView = (r: DecisionRule) => ({
  kind: r.kind,
  quorumCount: r.quorumCount,
  quorumPercent: r.quorumPercent,
  ballot: r.ballot,
  ...(r.secretBallotClosesAfterMinutes ? { secretBallotClosesAfterMinutes: r.secretBallotClosesAfterMinutes } : {}),
});

function proposalView(p: MotionProposal) {
  switch (p.kind) {
    case 'approve':
      return null;
    case 'amend':
      return { spec: specView(p.spec), sites: p.sites ? p.sites.map((s) => ({ siteId: s.siteId, form: s.form })) : null };
    case 'stop':
      return { note: p.note };
    case 'extend':
      return { endsAt: p.endsAt };
  }
}

/**
 * What may be shown of a vote in Piquet. Named ballots: every vote with its choice, and the running
 * totals. Secret ballots: who has voted and when, never a choice; while the motion is open only
 * the number of votes cast, since totals moving after each vote would tell each voter's choice.
 */
function tallyView(m: MotionRecord, eligibleNow: number) {
  if ((m.status === 'approved' || m.status === 'rejected') && m.eligible !== null && m.approvals !== null && m.rejections !== null) {
    // Frozen at the decision: the votes that counted then.
    const cast = m.approvals + m.rejections;
    return { eligible: m.eligible, needed: approvalsNeeded(m.rule, m.eligible), cast, approvals: m.approvals, rejections: m.rejections };
  }
  // Votes of members who lost their vote since are shown but not counted, as the decision counts.
  const counted = m.votes.filter((v) => v.counts);
  const base = { eligible: eligibleNow, needed: approvalsNeeded(m.rule, eligibleNow), cast: counted.length };
  if (m.rule.ballot === 'secret') return base;
  return {
    ...base,
    approvals: counted.filter((v) => v.choice === 'approve').length,
    rejections: counted.filter((v) => v.choice === 'reject').length,
  };
}

function votesView(m: MotionRecord) {
  if (m.rule.ballot === 'secret') return m.votes.map((v) => ({ memberId: v.memberId, name: v.memberName, votedAt: v.castAt, counts: v.counts }));
  return m.votes.map((v) => ({ memberId: v.memberId, name: v.memberName, choice: v.choice, votedAt: v.castAt, counts: v.counts }));
}

export function motionView(m: MotionRecord, eligibleNow: number) {
  const byVotes = m.rule.kind === 'votes';
  return {
    id: m.id,
    strikeId: m.strikeId,
    kind: m.proposal.kind,
    status: m.status,
    rule: ruleView(m.rule),
    proposal: proposalView(m.proposal),
    createdBy: { id: m.createdById, name: m.createdByName },
    createdAt: m.createdAt,
    decidedAt: m.decidedAt,
    closesAt: m.closesAt,
    ...(byVotes ? { votes: votesView(m), tally: tallyView(m, eligibleNow) } : {}),
    ...(byVotes
      ? {}
      : {
          assembly: m.assembly
            ? {
                heldAt: m.assembly.heldAt,
                votesFor: m.assembly.votesFor,
                votesAgainst: m.assembly.votesAgainst,
                votesAbstain: m.assembly.votesAbstain,
                minutes: m.assembly.minutes,
                recordedBy: m.assembly.recordedById ? { id: m.assembly.recordedById, name: m.assembly.recordedByName } : null,
              }
            : null,
        }),
  };
}

export function strikeDetailView(d: StrikeDetail) {
  return { ...strikeView(d.strike), motions: d.motions.map((m) => motionView(m, d.eligibleNow)) };
}

export function auditView(a: AuditRecord) {
  return {
    id: a.id,
    at: a.at,
    action: a.action,
    actor: a.actorId ? { id: a.actorId, name: a.actorName } : null,
    strikeId: a.strikeId,
    motionId: a.motionId,
    detail: a.detail,
  };
}
