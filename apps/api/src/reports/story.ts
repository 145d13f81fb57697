/** Turns the rows of a strike's effects into the report's story. Pure: no I/O. */
import { HOLD_FATES, approvalsNeeded } from '#strikes/domain/strike.js';
import type { AccountRef } from './report.types.js';
import type { StoryAccountRow, StoryOccupationRow, StoryRows } from './story.repository.js';
import type { StoryAccount, StoryFailure, StoryStep, StrikeStory } from './story.types.js';

/** The profile fields as the occupation records them (applied) and as the restoration names them (report). */
const FIELD_NAMES: Record<string, string> = { displayName: 'displayName', bio: 'bio', avatarUrl: 'avatar', headerUrl: 'header' };
const RESTORED = 'restored';
const LEFT = 'left as edited during the strike';

/** The order things happen in on an account: fields and steps are listed so, whatever order JSON kept them in. */
const ORDER = ['nativeScheduled', 'scheduledStatuses', 'profile', 'profileFields', 'profileImages', 'displayName', 'bio', 'avatar', 'header', 'pin', 'opening', 'restore', 'unpin'];
const inOrder = (a: string, b: string) => {
  const ia = ORDER.indexOf(a);
  const ib = ORDER.indexOf(b);
  return (ia < 0 ? ORDER.length : ia) - (ib < 0 ? ORDER.length : ib) || a.localeCompare(b);
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Features a server lacks, from the capabilities Piquet recorded: every feature whose support is
 * `no`. Null when nothing was recorded, so "none missing" ([]) and "not known" (null) stay apart.
 */
export function featureGaps(capabilities: unknown): string[] | null {
  if (!isRecord(capabilities) || Object.keys(capabilities).length === 0) return null;
  return Object.entries(capabilities)
    .filter(([, v]) => isRecord(v) && v['support'] === 'no')
    .map(([k]) => k)
    .sort(inOrder);
}

const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const PHASES = ['occupy', 'restore'];

/** The occupation_steps rows as the story names them, occupation first, each phase in the order it runs. */
export function stepsOf(rows: unknown): StoryStep[] | null {
  if (!Array.isArray(rows) || rows.length === 0) return null;
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return rows
    .filter(isRecord)
    .map((r) => ({
      phase: r['phase'] === 'restore' ? ('restore' as const) : ('occupy' as const),
      step: camel(text(r['step']) ?? 'unknown'),
      outcome: camel(text(r['outcome']) ?? 'unknown'),
      detail: text(r['detail']),
      error: text(r['error']),
    }))
    .sort((a, b) => PHASES.indexOf(a.phase) - PHASES.indexOf(b.phase) || inOrder(a.step, b.step));
}

function accountStory(a: StoryAccountRow, o: StoryOccupationRow | undefined): StoryAccount {
  const applied = isRecord(o?.applied) ? Object.keys(o.applied).map((k) => FIELD_NAMES[k] ?? k).sort(inOrder) : [];
  const report = isRecord(o?.report) ? o.report : {};
  const fields = (value: string) =>
    Object.entries(report)
      .filter(([k, v]) => v === value && k !== 'pin' && k !== 'nativeScheduled')
      .map(([k]) => k)
      .sort(inOrder);
  const restoreFailed = o?.restoreState === 'failed';
  return {
    account: { id: a.id, handle: a.handle, network: a.network },
    status: a.status,
    occupation: {
      state: o?.occupyState ?? null,
      fieldsChanged: applied,
      pinned: Boolean(o?.pinnedRemoteId),
      // One lastError column serves both steps: it belongs to the restoration once that failed.
      lastError: o && !restoreFailed && o.occupyState !== 'done' ? o.lastError : null,
    },
    restoration: {
      state: o?.restoreState ?? null,
      restored: fields(RESTORED),
      leftAsEdited: fields(LEFT),
      unpinned: report['pin'] === 'unpinned',
      nativeScheduled: typeof report['nativeScheduled'] === 'string' ? report['nativeScheduled'] : null,
      lastError: restoreFailed ? o.lastError : null,
    },
    featureGaps: featureGaps(o?.capabilities) ?? featureGaps(a.capabilities),
    steps: stepsOf(o?.steps),
  };
}

export function buildStory(rows: StoryRows): StrikeStory {
  const s = rows.strike;
  const byId = new Map<string, AccountRef>(rows.accounts.map((a) => [a.id, { id: a.id, handle: a.handle, network: a.network }]));
  const ref = (id: string): AccountRef => byId.get(id) ?? { id, handle: id, network: 'unknown' };
  const occupations = new Map(rows.occupations.map((o) => [o.accountId, o]));
  const accounts = rows.accounts.map((a) => accountStory(a, occupations.get(a.id)));

  const failures: StoryFailure[] = [];
  for (const a of accounts) {
    const o = occupations.get(a.account.id);
    if (a.status !== 'active') failures.push({ account: a.account, step: 'account', error: a.status, at: null });
    if (a.occupation.state === 'failed' || a.occupation.lastError) {
      failures.push({ account: a.account, step: 'occupation', error: a.occupation.lastError ?? 'failed', at: o?.updatedAt ?? null });
    }
    if (a.restoration.state === 'failed') failures.push({ account: a.account, step: 'restoration', error: a.restoration.lastError ?? 'failed', at: o?.updatedAt ?? null });
    for (const st of a.steps ?? []) if (st.outcome === 'failed') failures.push({ account: a.account, step: st.step, error: st.error ?? 'failed', at: null });
  }
  for (const p of rows.unpublished) failures.push({ account: ref(p.accountId), step: `strike post (${p.role})`, error: p.reason ?? p.state, at: p.updatedAt });
  for (const n of rows.native) if (n.lastError) failures.push({ account: ref(n.accountId), step: 'native post', error: n.lastError, at: n.fateAt });
  for (const h of rows.holds) if (h.state === 'failed') failures.push({ account: ref(h.accountId), step: 'held post', error: h.reason ?? 'failed', at: h.fateAt });

  const byFate = Object.fromEntries(HOLD_FATES.map((f) => [f, rows.holdsByFate[f] ?? 0]));
  const total = Object.values(byFate).reduce((n, x) => n + x, 0);
  return {
    reason: s.reason,
    mode: s.mode,
    heldPolicy: s.heldPolicy,
    window: { startsAt: s.startsAt, endsAt: s.endsAt, effectiveFrom: s.effectiveFrom, startedAt: s.startedAt, endedAt: s.endedAt },
    spacing: { resumeSeconds: s.resumeSpacingSeconds, occupationSeconds: s.occupationSpacingSeconds },
    accounts,
    decisions: rows.motions.map((m) => {
      const rule = { kind: m.decisionKind, ballot: m.ballot, quorumCount: m.quorumCount, quorumPercent: m.quorumPercent };
      const decided = m.status === 'approved' || m.status === 'rejected';
      return {
        kind: m.kind,
        status: m.status,
        openedAt: m.createdAt,
        decidedAt: m.decidedAt,
        rule,
        // Totals only, and only once decided: while a secret ballot is open, moving totals would tell each voter's choice.
        votes:
          m.decisionKind === 'votes' && decided && m.eligible !== null && m.approvals !== null && m.rejections !== null
            ? { eligible: m.eligible, needed: approvalsNeeded(rule, m.eligible), approvals: m.approvals, rejections: m.rejections }
            : null,
        assembly:
          m.decisionKind === 'assembly' && m.assemblyDate && m.votesFor !== null && m.votesAgainst !== null
            ? { heldAt: m.assemblyDate, votesFor: m.votesFor, votesAgainst: m.votesAgainst, votesAbstain: m.votesAbstain ?? 0 }
            : null,
      };
    }),
    held: {
      total,
      byFate,
      posts: rows.holds.map((h) => ({
        holdId: h.holdId, deliveryId: h.deliveryId, account: ref(h.accountId), text: h.text, originalScheduledAt: h.originalScheduledAt, heldAt: h.heldAt,
        fate: h.fate, fateAt: h.fateAt, newScheduledAt: h.newScheduledAt, state: h.state, publishedAt: h.publishedAt, url: h.url, reason: h.reason,
      })),
      more: total > rows.holds.length,
    },
    nativeMoved: {
      total: rows.nativeTotal,
      posts: rows.native.map((n) => ({
        id: n.id, account: ref(n.accountId), remoteId: n.remoteId, text: n.text, originalScheduledAt: n.originalScheduledAt, fate: n.fate,
        fateAt: n.fateAt, newScheduledAt: n.newScheduledAt, lastError: n.lastError,
      })),
      more: rows.nativeTotal > rows.native.length,
    },
    failures,
  };
}
