import { Parser } from 'htmlparser2';

/**
 * A reply's HTML (as the network sends it, from any server) reduced to plain text with its links
 * kept as visible URLs. The result is TEXT, never markup: tags are gone and entities decoded, so a
 * reply that wrote `&lt;script&gt;` comes out as the characters `<script>`, exactly what its
 * author typed. Whoever renders the text escapes it (HTML page, CSV, JSON) like any other text.
 *
 * - `<p>` (and other blocks) end with an empty line, `<br>` and list items with a line break;
 *   spaces and newlines inside the text collapse as a browser shows them (not inside `<pre>`).
 * - `<a href="https://…">label</a>` becomes `label (https://…)`; just the URL when the label is
 *   the URL or Mastodon's shortened display of it (`<span class="invisible">` parts).
 * - Mentions and hashtags (class `mention`/`hashtag`, or rel="tag") come out as their text only.
 * - Only http and https links are kept; any other href (javascript:, data:, relative…) is dropped
 *   and its label kept.
 * - `<script>`, `<style>`, `<template>`, `<title>` are dropped with their content; every other
 *   tag (img and its event handlers included) is dropped, its text kept.
 */
export function replyText(html: string): string {
  const out = new TextSink();
  const elements: OpenElement[] = [];
  const links: LinkFrame[] = [];
  let skipping = 0;
  let invisible = 0;
  let pre = 0;

  const text = (raw: string) => {
    if (skipping > 0 || raw === '') return;
    const link = links.at(-1);
    if (link) {
      link.full += raw;
      if (invisible <= link.invisibleAtOpen) link.shown += raw;
    } else out.text(raw, pre > 0);
  };
  const lineBreak = (lines: number, added = false) => {
    if (skipping > 0) return;
    const link = links.at(-1);
    if (link) {
      link.full += ' ';
      link.shown += ' ';
    } else out.lineBreak(lines, added);
  };

  const close = (el: OpenElement) => {
    if (el.skip) skipping--;
    if (el.invisible) invisible--;
    if (el.name === 'pre') pre--;
    if (el.link) {
      links.pop();
      const rendered = renderLink(el.link);
      // A link inside a link (browsers split them; be safe anyway) is part of the outer label.
      const outer = links.at(-1);
      if (outer) {
        outer.full += rendered;
        outer.shown += rendered;
      } else out.text(rendered, false);
    }
    const after = BREAK_AFTER[el.name];
    if (after) lineBreak(after);
  };

  const parser = new Parser(
    {
      onopentag(name, attribs) {
        const classes = (attribs.class ?? '').toLowerCase().split(/\s+/);
        const el: OpenElement = { name, skip: SKIPPED.has(name), invisible: classes.includes('invisible'), link: null };
        const before = BREAK_BEFORE[name];
        if (before) lineBreak(before);
        if (name === 'br') lineBreak(1, true);
        if (el.skip) skipping++;
        if (name === 'pre') pre++;
        if (name === 'a' && skipping === 0) {
          const rel = (attribs.rel ?? '').toLowerCase().split(/\s+/);
          el.link = {
            href: safeHref(attribs.href),
            tag: classes.includes('mention') || classes.includes('hashtag') || rel.includes('tag'),
            full: '',
            shown: '',
            invisibleAtOpen: invisible,
          };
          links.push(el.link);
        }
        if (el.invisible) invisible++;
        elements.push(el);
      },
      onclosetag(name) {
        // htmlparser2 closes what it opened (implied closes included); be lenient all the same.
        const index = elements.findLastIndex((e) => e.name === name);
        if (index < 0) return;
        while (elements.length > index) close(elements.pop()!);
      },
      ontext: text,
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  while (elements.length > 0) close(elements.pop()!);
  return out.result();
}

interface LinkFrame {
  /** Null when missing or not http(s): the label is kept, the target is not. */
  href: string | null;
  /** A mention or a hashtag: its text says it all. */
  tag: boolean;
  /** All the label's text, hidden parts included (Mastodon hides `https://` and a long URL's tail). */
  full: string;
  /** What a reader sees of the label. */
  shown: string;
  invisibleAtOpen: number;
}

interface OpenElement {
  name: string;
  skip: boolean;
  invisible: boolean;
  link: LinkFrame | null;
}

// Dropped with everything inside them: never text a reader sees.
const SKIPPED = new Set(['script', 'style', 'template', 'title', 'noscript', 'iframe', 'object', 'svg', 'math', 'head']);

// Blocks: an empty line after a paragraph-like block, a line break around the others.
const BREAK_AFTER: Record<string, number> = {
  p: 2,
  blockquote: 2,
  pre: 2,
  h1: 2,
  h2: 2,
  h3: 2,
  h4: 2,
  h5: 2,
  h6: 2,
  ul: 2,
  ol: 2,
  li: 1,
  div: 1,
  tr: 1,
};
const BREAK_BEFORE: Record<string, number> = { ...BREAK_AFTER, li: 1, div: 1, tr: 1 };

function renderLink(link: LinkFrame): string {
  const label = collapse(link.full).trim();
  if (!link.href || link.tag) return label;
  if (label === '' || sameUrl(label, link.href) || displayedForm(collapse(link.shown).trim(), link.href)) return link.href;
  return `${label} (${link.href})`;
}

/** The href when it is an absolute http(s) URL; browsers' leniency (case, spaces, tabs) included. */
function safeHref(raw: string | undefined): string | null {
  if (!raw) return null;
  const trimmed = raw.trim();
  if (!URL.canParse(trimmed)) return null;
  const url = new URL(trimmed);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  // Kept as written when it is one clean token; otherwise the URL parser's normalised form.
  // eslint-disable-next-line no-control-regex
  return /^[^\s\u0000-\u001f\u007f]+$/.test(trimmed) ? trimmed : url.href;
}

/** Variants of a URL as people write it: with or without scheme, `www.`, trailing slash, escapes. */
function urlForms(href: string): string[] {
  const forms = new Set<string>();
  const add = (s: string) => {
    const noScheme = s.replace(/^https?:\/\//i, '');
    for (const v of [s, noScheme, noScheme.replace(/^www\./i, '')]) {
      forms.add(v.toLowerCase());
      forms.add(v.replace(/\/$/, '').toLowerCase());
    }
  };
  add(href);
  try {
    add(decodeURI(href));
  } catch {
    // A malformed escape: the raw form is enough.
  }
  return [...forms];
}

function sameUrl(label: string, href: string): boolean {
  const forms = urlForms(href);
  return urlForms(label).some((f) => forms.includes(f));
}

/**
 * Mastodon shows a long URL shortened: scheme hidden, tail hidden behind an ellipsis. A label that
 * reads as the start of the URL, host included, is that display form.
 */
function displayedForm(shown: string, href: string): boolean {
  const start = shown.replace(/(?:…|\.\.\.)$/, '').toLowerCase();
  if (start === '' || /\s/.test(start)) return false;
  const host = URL.canParse(href) ? new URL(href).host.toLowerCase() : '';
  return urlForms(href).some((f) => f.startsWith(start) && start.replace(/^https?:\/\//, '').replace(/^www\./, '').length >= host.replace(/^www\./, '').length);
}

const collapse = (s: string) => s.replace(/[ \t\n\r\f]+/g, ' ');

/** Collects text and line breaks, so breaks never pile up, lead or trail. */
class TextSink {
  private readonly parts: string[] = [];
  private pendingBreak = 0;
  private atLineStart = true;

  text(raw: string, preformatted: boolean): void {
    let t = preformatted ? raw.replace(/\r\n?/g, '\n') : collapse(raw);
    // Whitespace collapses across tags too: "a <img> b" reads "a b".
    if (!preformatted && (this.atLineStart || this.parts.at(-1)?.endsWith(' '))) t = t.trimStart();
    if (t === '') return;
    if (this.pendingBreak > 0 && this.parts.length > 0) this.parts.push('\n'.repeat(this.pendingBreak));
    this.pendingBreak = 0;
    this.parts.push(t);
    this.atLineStart = t.endsWith('\n');
  }

  /** `added`: a `<br>` adds to the breaks before it (two make an empty line); blocks do not. */
  lineBreak(lines: number, added: boolean): void {
    this.pendingBreak = Math.min(2, added ? this.pendingBreak + lines : Math.max(this.pendingBreak, lines));
    this.atLineStart = true;
  }

  result(): string {
    return (
      this.parts
        .join('')
        // Spaces a line break left at a line's end; stray control characters (NUL and the like).
        .replace(/[ \t]+\n/g, '\n')
        // eslint-disable-next-line no-control-regex
        .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
        .replace(/\n{3,}/g, '\n\n')
        .trim()
    );
  }
}
