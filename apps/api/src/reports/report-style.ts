import { createHash } from 'node:crypto';
import { html, type SafeHtml } from '#reports/html.js';

/**
 * The report page's only stylesheet, inline (the page loads nothing): system fonts, and a print layout.
 * At 360 px the page never scrolls sideways: each table scrolls in its own container (.scroll), and
 * words wrap whole (overflow-wrap: break-word breaks only a string longer than a line, such as a
 * URL; `anywhere` would also shrink table columns until every word broke).
 */
export const REPORT_CSS = html`
:root { color-scheme: light; --ink: #1b1b1b; --muted: #5f5f5f; --line: #d9d9d9; --strike: #c62828; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 60rem; padding: 1.5rem; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; overflow-wrap: break-word; word-break: normal; hyphens: manual; }
@media (max-width: 30rem) { body { padding: .75rem; } h1 { font-size: 1.4rem; } }
h1 { font-size: 1.7rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 2px solid var(--strike); padding-bottom: .2rem; }
.meta, .note, .empty, .muted, figcaption + p.legend { color: var(--muted); }
h3 { font-size: 1.05rem; margin: 1.25rem 0 .4rem; }
.story p { margin: .35rem 0; }
.decisions li, .failures li { margin: .4rem 0; }
.accounts { list-style: none; padding: 0; }
.accounts > li { border: 1px solid var(--line); border-radius: .4rem; padding: .5rem .75rem; margin: .5rem 0; }
.accounts ul { margin: .3rem 0 0; padding-left: 1.1rem; }
.bad { color: #8e1b12; }
.edited, .gap { color: #7a4a00; }
.live { display: inline-block; background: #fdecea; color: #8e1b12; border: 1px solid #f3b8b1; border-radius: .3rem; padding: .15rem .5rem; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(9rem, 1fr)); gap: .75rem; margin: 0; }
.figures div { border: 1px solid var(--line); border-radius: .4rem; padding: .5rem .75rem; }
.figures dt { color: var(--muted); font-size: .85rem; }
.figures dd { margin: 0; font-size: 1.5rem; font-weight: 600; }
.sentences li { margin: .2rem 0; }
.scroll { overflow-x: auto; max-width: 100%; margin: .5rem 0; }
.scroll:focus-visible { outline: 2px solid #0b57d0; }
table { border-collapse: collapse; width: 100%; margin: 0; font-size: .9rem; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .4rem; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.text { min-width: 14rem; max-width: 24rem; }
td.when { white-space: nowrap; }
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
.comments .text { white-space: pre-wrap; margin: .2rem 0 0; }
a { color: #0b57d0; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; }
  figure.chart, .figures div, tr, .comments li, .accounts > li { break-inside: avoid; }
  .scroll { overflow: visible; }
  .live { border: 1px solid #000; background: none; color: #000; }
  a { color: inherit; text-decoration: none; }
  a[href]::after { content: " (" attr(href) ")"; font-size: 8pt; color: #555; overflow-wrap: anywhere; }
}
`;

/** The CSP source allowing exactly this inline stylesheet (the text between <style> and </style>). */
export function cssHash(css: SafeHtml): string {
  return `'sha256-${createHash('sha256').update(css.value, 'utf8').digest('base64')}'`;
}
