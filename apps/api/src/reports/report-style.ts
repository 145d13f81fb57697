import { createHash } from 'node:crypto';
import { html, type SafeHtml } from '../../../../libs/reports/html.js';

/** The report page's only stylesheet, inline (the page loads nothing): system fonts, and a print layout. */
export const REPORT_CSS = html`
:root { color-scheme: light; --ink: #1b1b1b; --muted: #5f5f5f; --line: #d9d9d9; --strike: #c62828; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 60rem; padding: 1.5rem; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
h1 { font-size: 1.7rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 2px solid var(--strike); padding-bottom: .2rem; }
.meta, .note, .empty, figcaption + p.legend { color: var(--muted); }
.live { display: inline-block; background: #fdecea; color: #8e1b12; border: 1px solid #f3b8b1; border-radius: .3rem; padding: .15rem .5rem; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(9rem, 1fr)); gap: .75rem; margin: 0; }
.figures div { border: 1px solid var(--line); border-radius: .4rem; padding: .5rem .75rem; }
.figures dt { color: var(--muted); font-size: .85rem; }
.figures dd { margin: 0; font-size: 1.5rem; font-weight: 600; }
.sentences li { margin: .2rem 0; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; font-size: .9rem; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .4rem; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.text { max-width: 24rem; overflow-wrap: anywhere; }
figure.chart { margin: 1rem 0; }
figcaption { font-weight: 600; }
.legend span { margin-right: 1rem; white-space: nowrap; }
svg text { font: 11px system-ui, sans-serif; fill: var(--ink); }
svg .tick { fill: var(--muted); }
svg .grid { stroke: #eee; }
svg .axis { stroke: #999; }
.comments { list-style: none; padding: 0; }
.comments li { border-bottom: 1px solid var(--line); padding: .5rem 0; }
.comments .who { font-weight: 600; }
.comments .text { white-space: pre-wrap; overflow-wrap: anywhere; margin: .2rem 0 0; }
a { color: #0b57d0; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; }
  figure.chart, .figures div, tr, .comments li { break-inside: avoid; }
  .live { border: 1px solid #000; background: none; color: #000; }
  a { color: inherit; text-decoration: none; }
  a[href]::after { content: " (" attr(href) ")"; font-size: 8pt; color: #555; overflow-wrap: anywhere; }
}
`;

/** The CSP source allowing exactly this inline stylesheet (the text between <style> and </style>). */
export function cssHash(css: SafeHtml): string {
  return `'sha256-${createHash('sha256').update(css.value, 'utf8').digest('base64')}'`;
}
