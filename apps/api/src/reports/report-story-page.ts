/** The story sections of the report page: the decision, accounts and profiles, held posts, failures. */
import { html, link, type SafeHtml } from '#reports/html.js';
import { STORY_STRINGS, type StoryStrings } from '#reports/story-i18n.js';
import type { View } from './report-page.js';
import type { StoryAccount, StoryDecision, StrikeStory } from './story.types.js';

/** Every table sits in its own scroll container: on a phone it scrolls sideways, the page does not. */
export const scrollTable = (table: SafeHtml): SafeHtml => html`<div class="scroll" tabindex="0">${table}</div>`;

/** French puts a space before a colon. */
const colon = (v: View) => (v.lang === 'fr' ? '\u00a0: ' : ': ');

const words = (t: StoryStrings, list: string[]) => list.map((f) => t.fields[f] ?? f).join(', ');

export function storyIntro(v: View): SafeHtml {
  const t = STORY_STRINGS[v.lang];
  const st = v.r.story;
  const w = st.window;
  const policy = t.policies[st.heldPolicy] ?? st.heldPolicy;
  const spaced = st.heldPolicy === 'resume' || st.heldPolicy === 'shift';
  return html`<section class="story">
<p class="reason"><strong>${t.why}</strong>${colon(v)}${st.reason}</p>
<p>${t.plannedWindow(v.when(w.startsAt), v.when(w.endsAt))} ${w.effectiveFrom && w.effectiveFrom.getTime() !== w.startsAt.getTime() ? t.effective(v.when(w.effectiveFrom)) : null} ${t.startedEnded(w.startedAt ? v.when(w.startedAt) : null, w.endedAt ? v.when(w.endedAt) : null)}</p>
<p>${t.modes[st.mode] ?? st.mode} ${spaced ? `${policy} ${t.spacing(st.spacing.resumeSeconds, st.spacing.occupationSeconds)}` : `${policy} ${st.mode === 'occupation' ? t.spacingOccupation(st.spacing.occupationSeconds) : ''}`}</p>
</section>`;
}

function decision(v: View, t: StoryStrings, d: StoryDecision): SafeHtml {
  const head = html`<strong>${t.motionKinds[d.kind] ?? d.kind}</strong> — ${t.motionStatus[d.status] ?? d.status}${d.decidedAt ? html` ${t.on(v.when(d.decidedAt))}` : null}`;
  const rule = d.rule.kind === 'votes' ? t.votesRule(d.rule.ballot, d.rule.quorumCount, d.rule.quorumPercent) : t.assemblyRule;
  const totals = d.votes
    ? t.votesTotals(d.votes.approvals, d.votes.rejections, d.votes.eligible, d.votes.needed)
    : d.assembly
      ? t.assemblyTotals(v.when(d.assembly.heldAt), d.assembly.votesFor, d.assembly.votesAgainst, d.assembly.votesAbstain)
      : d.status === 'open'
        ? t.notDecided
        : null;
  return html`<li>${head}<br>${rule}${totals ? html`<br>${totals}` : null}</li>`;
}

export function decisions(v: View): SafeHtml {
  const t = STORY_STRINGS[v.lang];
  return html`<section><h2>${t.decided}</h2><ul class="decisions">${v.r.story.decisions.map((d) => decision(v, t, d))}</ul></section>`;
}

function occupationLines(v: View, t: StoryStrings, a: StoryAccount, over: boolean): SafeHtml[] {
  const out: SafeHtml[] = [];
  const o = a.occupation;
  const r = a.restoration;
  if (a.status !== 'active') out.push(html`<li class="bad">${t.needsReconnection}</li>`);
  if (o.state === null) out.push(html`<li>${t.notReached}</li>`);
  else if (o.state === 'failed') out.push(html`<li class="bad">${t.occupation['failed']}${o.lastError ? html`${colon(v)}<q>${o.lastError}</q>` : null}</li>`);
  else if (o.state === 'done' || o.fieldsChanged.length > 0) {
    out.push(html`<li>${o.fieldsChanged.length ? t.occupied(words(t, o.fieldsChanged)) : t.occupiedNothing}${o.pinned ? html` ${t.pinned}` : null}</li>`);
  } else out.push(html`<li>${t.occupation[o.state] ?? o.state}${o.lastError ? html` <q>${o.lastError}</q>` : null}</li>`);
  if (r.state === 'failed') out.push(html`<li class="bad">${t.restoreFailed}${r.lastError ? html`${colon(v)}<q>${r.lastError}</q>` : null}</li>`);
  else if (r.state === 'done') {
    if (r.restored.length) out.push(html`<li>${t.restored(words(t, r.restored))}${r.unpinned ? html` ${t.unpinned}` : null}</li>`);
    else if (r.unpinned) out.push(html`<li>${t.unpinned}</li>`);
    if (r.leftAsEdited.length) out.push(html`<li class="edited">${t.leftAsEdited(words(t, r.leftAsEdited))}</li>`);
  } else if (r.state === 'pending') out.push(html`<li>${t.restorePending}</li>`);
  else if (!over && o.state !== null && o.fieldsChanged.length > 0) out.push(html`<li>${t.restoreLater}</li>`);
  const gaps = a.featureGaps;
  out.push(
    gaps === null
      ? html`<li class="muted">${t.gapsUnknown}</li>`
      : gaps.length === 0
        ? html`<li class="muted">${t.noGaps}</li>`
        : html`<li class="gap">${t.gaps(gaps.map((g) => t.capability[g] ?? g).join(', '))}</li>`,
  );
  for (const phase of ['occupy', 'restore'] as const) {
    const steps = (a.steps ?? []).filter((s) => s.phase === phase);
    if (steps.length === 0) continue;
    const line = steps.map(
      (s, i) => html`${i ? ', ' : ''}${t.stepNames[s.step] ?? s.step} ${t.outcomes[s.outcome] ?? s.outcome}${s.error ? html` (<q>${s.error}</q>)` : s.detail && s.outcome !== 'done' ? html` (${s.detail})` : null}`,
    );
    out.push(html`<li>${t.phaseSteps[phase]}${colon(v)}${line}</li>`);
  }
  return out;
}

export function accounts(v: View): SafeHtml {
  const t = STORY_STRINGS[v.lang];
  const over = !v.r.strike.live;
  return html`<section><h2>${t.accounts}</h2><ul class="accounts">${v.r.story.accounts.map(
    (a) => html`<li><strong class="handle">${a.account.handle}</strong> <span class="muted">(${a.account.network})</span><ul>${occupationLines(v, t, a, over)}</ul></li>`,
  )}</ul></section>`;
}

export function held(v: View): SafeHtml {
  const t = STORY_STRINGS[v.lang];
  const h: StrikeStory['held'] = v.r.story.held;
  const parts = Object.entries(h.byFate)
    .filter(([, n]) => n > 0)
    .map(([f, n]) => `${n} ${t.fates[f] ?? f}`)
    .join(', ');
  const now = (p: StrikeStory['held']['posts'][number]): SafeHtml => {
    if (p.state === 'published' && p.publishedAt) return html`${link(p.url, `${t.states['published']} ${v.when(p.publishedAt)}`)}`;
    const state = t.states[p.state] ?? p.state;
    return html`${state}${p.newScheduledAt && p.state === 'scheduled' ? ` ${v.when(p.newScheduledAt)}` : ''}${p.reason ? html` (<q>${p.reason}</q>)` : null}`;
  };
  const rows = h.posts.map(
    (p) =>
      html`<tr><td>${p.account.handle}</td><td class="when">${v.when(p.originalScheduledAt)}</td><td>${t.fates[p.fate] ?? p.fate}${p.fateAt ? html`<br><span class="muted">${v.when(p.fateAt)}</span>` : null}</td><td>${now(p)}</td><td class="text">${p.text}</td></tr>`,
  );
  const n = v.r.story.nativeMoved;
  const nativeRows = n.posts.map(
    (p) =>
      html`<tr><td>${p.account.handle}</td><td class="when">${v.when(p.originalScheduledAt)}</td><td>${t.fates[p.fate] ?? p.fate}</td><td>${p.newScheduledAt ? v.when(p.newScheduledAt) : '–'}${p.lastError ? html` (<q>${p.lastError}</q>)` : null}</td><td class="text">${p.text}</td></tr>`,
  );
  const head = html`<thead><tr><th>${v.s.account}</th><th>${t.due}</th><th>${t.fate}</th><th>${t.now}</th><th>${v.s.text}</th></tr></thead>`;
  return html`<section><h2>${t.held}</h2><p>${t.heldSummary(h.total, parts)}</p>
${h.more ? html`<p class="note">${t.firstHeld(h.posts.length, h.total)}</p>` : null}
${h.posts.length ? scrollTable(html`<table>${head}<tbody>${rows}</tbody></table>`) : null}
<h3>${t.native}</h3>
${n.posts.length ? scrollTable(html`<table>${head}<tbody>${nativeRows}</tbody></table>`) : html`<p class="empty">${t.noNative}</p>`}
</section>`;
}

export function failures(v: View): SafeHtml {
  const t = STORY_STRINGS[v.lang];
  const list = v.r.story.failures;
  const step = (s: string) => t.failureSteps[s] ?? (s.startsWith('strike post (') ? t.strikePostStep(v.s.roles[s.slice(13, -1)] ?? s.slice(13, -1)) : s);
  return html`<section><h2>${t.failures}</h2>${
    list.length === 0
      ? html`<p class="empty">${t.noFailures}</p>`
      : html`<ul class="failures">${list.map((f) => html`<li><strong>${f.account?.handle ?? ''}</strong> · ${step(f.step)}${f.at ? html` · ${v.when(f.at)}` : null}<br><q>${f.error}</q></li>`)}</ul>`
  }</section>`;
}
