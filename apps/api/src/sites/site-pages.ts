import { createHash } from 'node:crypto';
import { html, link, type SafeHtml } from '#reports/html.js';
import { formatDateTime, type Lang } from '#reports/i18n.js';
import type { PublicStrike, PublicWindow } from './sites.repository.js';

/**
 * The public pages of a strike: its page (what, why, when, how decided, messages, strike posts), the
 * page a closed site shows, and the no-JavaScript banner an iframe shows. One inline stylesheet,
 * allowed by its hash; nothing else loads (no script, no font, no tracker).
 */
const CSS = html`:root{color-scheme:light;--ink:#1b1b1b;--muted:#5f5f5f;--strike:#b71c1c}
*{box-sizing:border-box}
body{margin:0 auto;max-width:44rem;padding:1.5rem;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:#fff;overflow-wrap:break-word}
h1{font-size:1.7rem;margin:.2rem 0 .5rem}
h2{font-size:1.15rem;margin:1.6rem 0 .4rem;border-bottom:2px solid var(--strike);padding-bottom:.15rem}
.tag{display:inline-block;background:var(--strike);color:#fff;border-radius:.25rem;padding:.1rem .5rem;font-size:.85rem;font-weight:600}
.muted{color:var(--muted)}
blockquote{margin:.5rem 0;padding:.4rem .8rem;border-left:3px solid var(--strike);background:#fafafa;white-space:pre-wrap}
a{color:#0b57d0}
body.frame{max-width:none;padding:.5rem .75rem;background:var(--strike);color:#fff;font-size:15px}
body.frame a{color:#fff;font-weight:600}
body.frame p{margin:0}`;

const cssHash = `'sha256-${createHash('sha256').update(CSS.value).digest('base64')}'`;
/** The pages' policy: their one stylesheet and nothing else. */
export const PAGE_CSP = `default-src 'none'; style-src ${cssHash}; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
/** The iframe banner: the same, embeddable by the site it was made for. */
export const frameCsp = (origin: string): string => PAGE_CSP.replace("frame-ancestors 'none'", `frame-ancestors ${origin}`);

const T = {
  fr: {
    onStrike: 'En grève',
    closed: 'Ce site est fermé pour cause de grève.',
    reopens: (at: string) => `Il rouvre le ${at}.`,
    readMore: 'Pourquoi cette grève',
    why: 'Pourquoi',
    when: 'Quand',
    window: (from: string, to: string) => `Du ${from} au ${to}`,
    how: 'Comment elle a été décidée',
    votes: (n: number, pct: number) => `Par un vote des membres dans Piquet : approuvée quand les voix pour atteignent le plus grand de ${n} et ${pct} % des votants, et dépassent les voix contre.`,
    secret: 'Vote à bulletin secret.',
    named: 'Vote à bulletin nominatif.',
    tally: (a: number, r: number, e: number) => `${a} pour, ${r} contre, sur ${e} membres appelés à voter.`,
    assembly: 'Par un vote en assemblée.',
    assemblyTally: (f: number, a: number, ab: number | null) => `${f} pour, ${a} contre${ab !== null ? `, ${ab} abstentions` : ''}.`,
    decidedOn: (at: string) => `Décidée le ${at}.`,
    messages: 'Messages de la grève',
    posts: 'Publications de la grève',
    sites: 'Sites concernés',
    state: { approved: 'Grève votée, à venir', running: 'Grève en cours', ended: 'Grève terminée' } as Record<string, string>,
    by: (org: string) => `Une grève de ${org}`,
    zone: (tz: string) => `Heures de ${tz}.`,
  },
  en: {
    onStrike: 'On strike',
    closed: 'This site is closed: its workers are on strike.',
    reopens: (at: string) => `It reopens on ${at}.`,
    readMore: 'Why this strike',
    why: 'Why',
    when: 'When',
    window: (from: string, to: string) => `From ${from} to ${to}`,
    how: 'How it was decided',
    votes: (n: number, pct: number) => `By the members' vote in Piquet: approved when approvals reach the larger of ${n} and ${pct}% of those with a vote, and outnumber rejections.`,
    secret: 'Secret ballot.',
    named: 'Named ballot.',
    tally: (a: number, r: number, e: number) => `${a} for, ${r} against, of ${e} members with a vote.`,
    assembly: "By an assembly's vote.",
    assemblyTally: (f: number, a: number, ab: number | null) => `${f} for, ${a} against${ab !== null ? `, ${ab} abstaining` : ''}.`,
    decidedOn: (at: string) => `Decided on ${at}.`,
    messages: "The strike's messages",
    posts: "The strike's posts",
    sites: 'Sites concerned',
    state: { approved: 'Strike voted, to come', running: 'Strike under way', ended: 'Strike over' } as Record<string, string>,
    by: (org: string) => `A strike of ${org}`,
    zone: (tz: string) => `Times in ${tz}.`,
  },
} as const;

function page(lang: Lang, title: string, body: SafeHtml, bodyClass = ''): string {
  return html`<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${title}</title><style>${CSS}</style></head>
<body${bodyClass ? html` class="${bodyClass}"` : ''}>${body}</body></html>
`.value;
}

function messageTexts(messages: unknown): string[] {
  const m = (messages ?? {}) as { opening?: { text?: string } | null; rotation?: { text?: string }[]; closing?: { text?: string } | null };
  const texts = [m.opening?.text, ...(m.rotation ?? []).map((r) => r.text), m.closing?.text].filter((t): t is string => typeof t === 'string' && t.trim() !== '');
  return [...new Set(texts)];
}

/** The strike's public page: what, why, when, how decided (the rule and the totals frozen at the decision), messages, posts. */
export function renderStrikePage(s: PublicStrike, lang: Lang): string {
  const t = T[lang];
  const at = (d: Date) => formatDateTime(lang, d, s.timeZone);
  const end = s.state === 'ended' && s.endedAt && s.endedAt < s.endsAt ? s.endedAt : s.endsAt;
  const d = s.decision;
  let decided: SafeHtml = html``;
  if (d) {
    const rule =
      d.kind === 'votes'
        ? html`<p>${t.votes(d.quorumCount, d.quorumPercent)} ${d.ballot === 'secret' ? t.secret : t.named}</p>${
            d.approvals !== null && d.rejections !== null && d.eligible !== null ? html`<p>${t.tally(d.approvals, d.rejections, d.eligible)}</p>` : ''
          }`
        : html`<p>${t.assembly}</p>${d.votesFor !== null && d.votesAgainst !== null ? html`<p>${t.assemblyTally(d.votesFor, d.votesAgainst, d.votesAbstain)}</p>` : ''}`;
    decided = html`<h2>${t.how}</h2>${rule}${d.decidedAt ? html`<p class="muted">${t.decidedOn(at(d.decidedAt))}</p>` : ''}`;
  }
  const texts = messageTexts(s.messages);
  const body = html`<main>
<p><span class="tag">${t.state[s.state] ?? t.onStrike}</span></p>
<h1>${s.title}</h1>
<p class="muted">${t.by(s.organisationName)}</p>
<h2>${t.why}</h2><p>${s.reason}</p>
<h2>${t.when}</h2><p>${t.window(at(s.startsAt), at(end))}</p><p class="muted">${t.zone(s.timeZone)}</p>
${decided}
${texts.length ? html`<h2>${t.messages}</h2>${texts.map((x) => html`<blockquote>${x}</blockquote>`)}` : ''}
${s.posts.length ? html`<h2>${t.posts}</h2><ul>${s.posts.map((p) => html`<li>${link(p.url, `${p.handle} (${p.network})`)}</li>`)}</ul>` : ''}
<h2>${t.sites}</h2><ul>${s.sites.map((x) => html`<li>${link(x.origin, x.name)}</li>`)}</ul>
</main>`;
  return page(lang, s.title, body);
}

/** What a closed site shows (503): the strike, when the site reopens, the link to its page. */
export function renderClosedPage(w: PublicWindow, lang: Lang, pageUrl: string, timeZone: string): string {
  const t = T[lang];
  const body = html`<main>
<p><span class="tag">${t.onStrike}</span></p>
<h1>${w.title}</h1>
<p>${t.closed} ${t.reopens(formatDateTime(lang, w.endsAt, timeZone))}</p>
<p>${w.reason}</p>
<p>${link(pageUrl, t.readMore)}</p>
</main>`;
  return page(lang, w.title, body);
}

/** The no-JavaScript banner, for an iframe: the strike in force, or an empty page. */
export function renderFrame(w: PublicWindow | null, lang: Lang, pageUrl: string | null): string {
  const t = T[lang];
  if (!w || !pageUrl) return page(lang, '—', html``);
  const body = html`<p><strong>${t.onStrike} — ${w.title}.</strong> ${html`<a href="${pageUrl}" target="_blank" rel="noopener noreferrer">${t.readMore}</a>`}</p>`;
  return page(lang, w.title, body, 'frame');
}
