/**
 * Feed item → post text. Pure: the network's length function is passed in, so the same rules
 * serve every network (libs/networks/<network> count URLs and graphemes their own way).
 */

export const TEMPLATE_MAX_LENGTH = 1000;
export const PLACEHOLDERS = ['title', 'url', 'summary', 'feed'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type TemplateValues = Record<Placeholder, string>;

const PLACEHOLDER_RE = /\{([a-zA-Z]+)\}/g;
const ELLIPSIS = '…';

/** Why a template cannot be used, or null. */
export function templateProblem(template: string): string | null {
  if (template.length > TEMPLATE_MAX_LENGTH) return `is ${template.length} characters long; at most ${TEMPLATE_MAX_LENGTH}`;
  if (template.trim() === '') return 'is empty';
  for (const [, name] of template.matchAll(PLACEHOLDER_RE)) {
    if (!(PLACEHOLDERS as readonly string[]).includes(name!)) {
      return `names an unknown placeholder {${name}}; known: ${PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}`;
    }
  }
  return null;
}

export function fill(template: string, values: TemplateValues): string {
  return template
    .replace(PLACEHOLDER_RE, (whole, name: string) => ((PLACEHOLDERS as readonly string[]).includes(name) ? values[name as Placeholder] : whole))
    .replace(/[ \t]+\n/g, '\n')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}

/** Cuts at a word boundary when there is one in the last third, never inside a grapheme, with an ellipsis. */
export function cleanCut(text: string, maxGraphemes: number): string {
  const graphemes = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].map((s) => s.segment);
  if (graphemes.length <= maxGraphemes) return text;
  if (maxGraphemes <= 1) return maxGraphemes === 1 ? ELLIPSIS : '';
  const head = graphemes.slice(0, maxGraphemes - 1).join('');
  const space = head.search(/\s\S*$/);
  const cut = space > (head.length * 2) / 3 ? head.slice(0, space) : head;
  return `${cut.replace(/[\s,;:.\-–—]+$/u, '')}${ELLIPSIS}`;
}

/**
 * The post text for one account: the template filled, and when it is too long, the summary then the
 * title cut cleanly (the URL never) until it fits. Null when even an empty title and summary do not fit.
 */
export function renderPost(template: string, values: TemplateValues, length: (text: string) => number, max: number): string | null {
  const full = fill(template, values);
  if (length(full) <= max) return full;
  let v = { ...values };
  for (const field of ['summary', 'title'] as const) {
    const graphemes = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(v[field])].length;
    // The longest cut of this field that fits (binary search: the length is monotonic in the cut).
    let lo = 0;
    let hi = graphemes;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (length(fill(template, { ...v, [field]: cleanCut(v[field], mid) })) <= max) lo = mid;
      else hi = mid - 1;
    }
    v = { ...v, [field]: cleanCut(v[field], lo) };
    const text = fill(template, v);
    if (length(text) <= max) return text;
  }
  return null;
}

/** Titles and summaries arrive as HTML at times: text only, entities decoded, whitespace folded. */
export function plainText(html: string | undefined | null): string {
  if (!html) return '';
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos|nbsp);/gi, (m, e: string) => {
      const k = e.toLowerCase();
      if (k.startsWith('#x')) return safeChar(parseInt(k.slice(2), 16), m);
      if (k.startsWith('#')) return safeChar(parseInt(k.slice(1), 10), m);
      return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' } as Record<string, string>)[k] ?? m;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

function safeChar(code: number, fallback: string): string {
  return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : fallback;
}
