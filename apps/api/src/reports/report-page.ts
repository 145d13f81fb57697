/**
 * The report page: one server-rendered HTML document with inline SVG charts and inline CSS. It
 * loads nothing (no script, font, image or stylesheet); every value goes through `html`, which
 * escapes it; the only links are to the posts and comments themselves.
 */
import { groupedBarChart, histogram, lineChart } from '#reports/charts.js';
import { METRICS, type Metric } from '#reports/figures.js';
import { html, link, type SafeHtml } from '#reports/html.js';
import { formatDateTime, formatNumber, formatRatio, formatTime, metricName, STRINGS, type Lang, type Strings } from '#reports/i18n.js';
import { STORY_STRINGS } from '#reports/story-i18n.js';
import type { StrikeReport } from './report.types.js';
import { accounts, decisions, failures, held, scrollTable, storyIntro } from './report-story-page.js';
import { cssHash, REPORT_CSS } from './report-style.js';

/**
 * Sent with the page: nothing may load from anywhere, inline SVG only, and the one inline
 * stylesheet allowed by its hash (not 'unsafe-inline': injected markup could not style itself).
 */
export const REPORT_PAGE_CSP = `default-src 'none'; style-src ${cssHash(REPORT_CSS)}; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

const COLOURS: Record<Metric, { color: string; dash: string }> = {
  favourites: { color: '#c62828', dash: '' },
  boosts: { color: '#1565c0', dash: '7 4' },
  replies: { color: '#2e7d32', dash: '2 3' },
  quotes: { color: '#6d4c41', dash: '10 3 2 3' },
  impressions: { color: '#546e7a', dash: '1 5' },
};

export interface View {
  r: StrikeReport;
  lang: Lang;
  s: Strings;
  tz: string;
  num: (x: number | null) => string;
  when: (d: Date) => string;
}

export function renderReportPage(r: StrikeReport, opts: { lang: Lang; tz: string }): string {
  const v: View = {
    r,
    lang: opts.lang,
    s: STRINGS[opts.lang],
    tz: opts.tz,
    num: (x) => formatNumber(opts.lang, x),
    when: (d) => formatDateTime(opts.lang, d, opts.tz),
  };
  const { s } = v;
  const page = html`<!doctype html>
<html lang="${opts.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${s.report} — ${r.strike.title}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
<h1>${r.strike.title}</h1>
<p class="meta">${s.report} · ${s.window(v.when(r.strike.window.from), v.when(r.strike.window.until))} · ${s.states[r.strike.state] ?? r.strike.state}</p>
${r.strike.live ? html`<p class="live">${s.live}</p>` : null}
<p class="meta">${s.asOf(v.when(r.generatedAt))} ${s.timesIn(v.tz)}</p>
${storyIntro(v)}
</header>
<main>
${keyFigures(v)}
${decisions(v)}
${accounts(v)}
${held(v)}
${failures(v)}
${comparison(v)}
${charts(v)}
${breakdown(v)}
${postsTable(v)}
${conversation(v)}
${ownReplies(v)}
</main>
</body>
</html>
`;
  return page.value;
}

function keyFigures(v: View): SafeHtml {
  const { r, s } = v;
  const t = STORY_STRINGS[v.lang];
  const o = r.totals.overall;
  // A count never measured is null and prints `–`; a measured nothing prints 0.
  const cells: [string, number | null][] = [
    [s.strikePosts, o.posts],
    ...r.metrics.map((m): [string, number | null] => [metricName(v.lang, m), o[m]]),
    [s.comments, r.comments.count],
    [s.authors, r.comments.uniqueAuthors],
    [t.ownFigure, r.ownReplies.count],
    [t.heldFigure, r.story.held.total],
  ];
  const unmeasured = cells.some(([, value]) => value === null);
  return html`<section><h2>${s.keyFigures}</h2><dl class="figures">${cells.map(([label, value]) => html`<div><dt>${label}</dt><dd>${v.num(value)}</dd></div>`)}</dl>
${unmeasured ? html`<p class="note">${t.notMeasured}</p>` : null}
<p class="note">${t.repliesNote}</p></section>`;
}

function comparison(v: View): SafeHtml {
  const { r, s } = v;
  const b = r.baseline;
  const rows = r.metrics.map((m) => {
    const st = r.strikeStats.metrics[m];
    const bs = b.metrics[m];
    const ratio = r.ratios[m];
    return html`<tr><th>${metricName(v.lang, m)}</th><td class="n">${v.num(st?.median ?? null)}</td><td class="n">${v.num(bs?.median ?? null)}</td><td class="n">${times(v, ratio?.median)}</td><td class="n">${v.num(st?.mean ?? null)}</td><td class="n">${v.num(bs?.mean ?? null)}</td><td class="n">${times(v, ratio?.mean)}</td></tr>`;
  });
  return html`<section><h2>${s.comparison}</h2>
<ul class="sentences">${r.metrics.map((m) => html`<li>${r.ratios[m]?.sentence}</li>`)}</ul>
<p class="note">${s.baseline(b.posts, b.days, v.when(b.from), v.when(b.until))}</p>
${scrollTable(html`<table><thead><tr><th>${s.metric}</th><th class="n">${s.strikeMedian}</th><th class="n">${s.ordinaryMedian}</th><th class="n">${s.ratio}</th><th class="n">${s.strikeMean}</th><th class="n">${s.ordinaryMean}</th><th class="n">${s.ratio}</th></tr></thead>
<tbody>${rows}</tbody></table>`)}</section>`;
}

const times = (v: View, x: number | null | undefined): string => (x === null || x === undefined ? '–' : `× ${formatRatio(v.lang, x)}`);

function charts(v: View): SafeHtml {
  const { r, s } = v;
  const shown = (['favourites', 'boosts', 'replies'] as const).filter((m) => r.metrics.includes(m));
  const over = lineChart({
    title: s.overTime,
    series: shown.map((m) => ({ label: metricName(v.lang, m), ...COLOURS[m], points: r.series.total.map((p) => ({ t: p.at.getTime(), v: p[m] })) })),
    formatX: (t) => formatTime(v.lang, new Date(t), v.tz),
    formatY: (x) => v.num(x),
    empty: s.noSnapshot,
  });
  const medians = groupedBarChart({
    title: s.mediansChart,
    groups: METRICS.filter((m) => r.metrics.includes(m)).map((m) => ({
      label: metricName(v.lang, m),
      bars: [
        { value: r.strikeStats.metrics[m]?.median ?? null, color: '#c62828', label: s.strikeLabel },
        { value: r.baseline.metrics[m]?.median ?? null, color: '#9e9e9e', label: s.ordinaryLabel },
      ],
    })),
    format: (x) => v.num(x),
    legend: [{ label: s.strikeLabel, color: '#c62828' }, { label: s.ordinaryLabel, color: '#9e9e9e' }],
  });
  const hours = histogram({
    title: s.perHour,
    bars: r.comments.perHour.map((h) => ({ t: h.hour.getTime(), v: h.count })),
    formatX: (t) => formatTime(v.lang, new Date(t), v.tz),
    color: '#6a1b9a',
    empty: s.noComments,
  });
  return html`<section>${over}${medians}${hours}</section>`;
}

function breakdown(v: View): SafeHtml {
  const { r, s } = v;
  const head = html`<th class="n">${s.posts}</th>${r.metrics.map((m) => html`<th class="n">${metricName(v.lang, m)}</th>`)}<th class="n">${s.comments}</th>`;
  const cells = (t: { posts: number; comments: number | null } & Partial<Record<Metric, number | null>>) =>
    html`<td class="n">${t.posts}</td>${r.metrics.map((m) => html`<td class="n">${v.num(t[m] ?? null)}</td>`)}<td class="n">${v.num(t.comments)}</td>`;
  return html`<section><h2>${s.perNetwork}</h2>
${scrollTable(html`<table><thead><tr><th>${s.network}</th>${head}</tr></thead><tbody>${r.totals.perNetwork.map((n) => html`<tr><td>${n.network}</td>${cells({ posts: n.posts, comments: n.comments, ...n.metrics })}</tr>`)}</tbody></table>`)}
<h2>${s.perAccount}</h2>
${scrollTable(html`<table><thead><tr><th>${s.account}</th>${head}</tr></thead><tbody>${r.totals.perAccount.map((a) => html`<tr><td>${a.account.handle}</td>${cells(a)}</tr>`)}</tbody></table>`)}</section>`;
}

function postsTable(v: View): SafeHtml {
  const { r, s } = v;
  if (r.posts.length === 0) return html`<section><h2>${s.ranked}</h2><p class="empty">${s.noPosts}</p></section>`;
  const rows = r.posts.map(
    (p) => html`<tr><td class="n">${p.rank}</td><td>${p.account.handle}</td><td>${s.roles[p.role] ?? p.role}</td><td>${link(p.url, v.when(p.publishedAt))}${p.goneAt ? html` <em>(${s.gone})</em>` : null}</td><td class="text">${p.text}</td>${r.metrics.map((m) => html`<td class="n">${v.num(p.counts[m])}</td>`)}<td class="n">${v.num(p.comments)}</td></tr>`,
  );
  return html`<section><h2>${s.ranked}</h2>
${scrollTable(html`<table><thead><tr><th class="n">#</th><th>${s.account}</th><th>${s.role}</th><th>${s.published}</th><th>${s.text}</th>${r.metrics.map((m) => html`<th class="n">${metricName(v.lang, m)}</th>`)}<th class="n">${s.comments}</th></tr></thead>
<tbody>${rows}</tbody></table>`)}</section>`;
}

function commentItems(v: View, list: StrikeReport['comments']['first']): SafeHtml[] {
  const { r, s } = v;
  const rank = new Map(r.posts.map((p) => [p.deliveryId, p.rank]));
  return list.map(
    (x) =>
      html`<li><span class="who">${link(x.authorUrl, x.authorHandle)}</span> · ${link(x.url, v.when(x.postedAt))} · ${s.under(rank.get(x.deliveryId) ?? 0)}${x.editedAt ? html` · ${s.edited}` : null}<p class="text">${x.text}</p></li>`,
  );
}

function conversation(v: View): SafeHtml {
  const { r, s } = v;
  const c = r.comments;
  if (c.first.length === 0) return html`<section><h2>${s.conversation}</h2><p class="empty">${s.noComments}</p></section>`;
  return html`<section><h2>${s.conversation}</h2>${c.more ? html`<p class="note">${s.firstComments(c.first.length, c.count ?? 0)}</p>` : null}<ol class="comments">${commentItems(v, c.first)}</ol></section>`;
}

/** The organisation's own replies, apart from the public's. */
function ownReplies(v: View): SafeHtml | null {
  const own = v.r.ownReplies;
  if (own.count === 0) return null;
  const t = STORY_STRINGS[v.lang];
  return html`<section><h2>${t.own}</h2><p class="note">${t.ownNote}</p><ol class="comments own">${commentItems(v, own.first)}</ol></section>`;
}
