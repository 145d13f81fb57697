/**
 * A tiny HTML template: `html\`<p>${value}</p>\`` escapes every interpolated value unless it is
 * itself the result of `html` (already safe). The literal parts of the template are the only raw
 * HTML, so text from the network (comments, post texts, handles) can never become markup.
 * Attribute values must be written between double quotes in the template.
 */

import { escapeHtml } from '#html/escape.js';

const SAFE = Symbol('safe-html');

export interface SafeHtml {
  readonly [SAFE]: true;
  readonly value: string;
}

export type Interpolation = SafeHtml | string | number | boolean | null | undefined | readonly Interpolation[];

export { escapeHtml };

const isSafe = (v: unknown): v is SafeHtml => typeof v === 'object' && v !== null && SAFE in v;

const safe = (value: string): SafeHtml => ({ [SAFE]: true, value });

function render(v: Interpolation): string {
  if (v === null || v === undefined || v === false || v === true) return '';
  if (isSafe(v)) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return safe(out);
}

/** Only http(s) links are kept: a `javascript:` or `data:` URL from the network is dropped. */
export function safeUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.toString() : null;
  } catch {
    return null;
  }
}

/** A link that leaks nothing: no referrer (the page's own address may carry a signature), no opener. */
export const link = (url: string | null | undefined, label: Interpolation): SafeHtml => {
  const href = safeUrl(url);
  return href ? html`<a href="${href}" rel="noopener noreferrer nofollow">${label}</a>` : html`${label}`;
};
