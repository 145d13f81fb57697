/**
 * The rules of a strike on a website, with no I/O: which strike is in force on a site now, whether a
 * path is closed, when to look again. The API's cache feeds them the site and its strikes' windows;
 * the time is always given, so the answer at any instant is a pure function of the rows.
 */

export const SITE_FORMS = ['banner', 'page', 'page-continue', 'closed'] as const;
/** banner: a dismissable banner; page: a full-page message; page-continue: the same with a link on to the site; closed: the proxy closes it. */
export type SiteForm = (typeof SITE_FORMS)[number];

export const SITE_KINDS = ['own', 'partner'] as const;
export type SiteKind = (typeof SITE_KINDS)[number];

/** One approved (or running) strike naming the site: its window as the gate sees it. */
export interface SiteStrikeWindow {
  strikeId: string;
  form: SiteForm;
  /** When it takes effect: max(start, decision). */
  effectiveFrom: Date;
  startsAt: Date;
  endsAt: Date;
}

export interface SiteRules {
  closedPrefixes: readonly string[];
  exceptPrefixes: readonly string[];
}

/** The strike in force at `now` (the earliest one, if several overlap), or null. */
export function strikeInForce<T extends SiteStrikeWindow>(windows: readonly T[], now: Date): T | null {
  let found: T | null = null;
  for (const w of windows) {
    if (w.effectiveFrom <= now && now < w.endsAt && (!found || w.effectiveFrom < found.effectiveFrom)) found = w;
  }
  return found;
}

/** The next strike to take effect after `now`, or null. */
export function nextStrike<T extends SiteStrikeWindow>(windows: readonly T[], now: Date): T | null {
  let found: T | null = null;
  for (const w of windows) {
    if (w.effectiveFrom > now && (!found || w.effectiveFrom < found.effectiveFrom)) found = w;
  }
  return found;
}

/**
 * The next instant the answer may change (a window opening or closing), or null when nothing is
 * planned. Caches never keep an answer past it.
 */
export function nextChange(windows: readonly SiteStrikeWindow[], now: Date): Date | null {
  let next: number | null = null;
  for (const w of windows) {
    for (const t of [w.effectiveFrom.getTime(), w.endsAt.getTime()]) {
      if (t > now.getTime() && (next === null || t < next)) next = t;
    }
  }
  return next === null ? null : new Date(next);
}

/**
 * The path of a request as the proxy passed it (`/a/b?x=1`, or a full URL), without query or
 * fragment, percent-decoded where it can be, with repeated slashes folded and dot segments resolved:
 * `/legal/../admin` is `/admin`, so an exception cannot be used to reach a closed path.
 */
export function normalisePath(raw: string | undefined | null): string {
  let path = (raw ?? '/').trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
    try {
      path = new URL(path).pathname;
    } catch {
      path = '/';
    }
  }
  path = path.split(/[?#]/, 1)[0] ?? '/';
  try {
    path = decodeURIComponent(path);
  } catch {
    // Malformed escapes stay as they are.
  }
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return '/' + out.join('/') + (path.endsWith('/') && out.length ? '/' : '');
}

/** `/blog` covers `/blog`, `/blog/` and `/blog/x`, never `/blogger`; `/` covers everything. */
export function underPrefix(path: string, prefix: string): boolean {
  const p = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  if (p === '') return true;
  return path === p || path.startsWith(p + '/');
}

/** Whether a strike that closes the site closes this path: excepted paths never, else the closed prefixes (none: all). */
export function pathClosed(rules: SiteRules, rawPath: string | undefined | null): boolean {
  const path = normalisePath(rawPath);
  if (rules.exceptPrefixes.some((p) => underPrefix(path, p))) return false;
  if (rules.closedPrefixes.length === 0) return true;
  return rules.closedPrefixes.some((p) => underPrefix(path, p));
}

export type AccessDecision =
  | { open: true; cacheSeconds: number }
  | { open: false; strikeId: string; retryAfterSeconds: number; cacheSeconds: number };

/**
 * The answer to a reverse proxy: open, or closed by the strike in force with the seconds until its
 * end. A proxy may keep the answer `cacheSeconds` (never past the next change; at most `maxCache`).
 */
export function decideAccess(rules: SiteRules, windows: readonly SiteStrikeWindow[], rawPath: string | undefined | null, now: Date, maxCache = 5): AccessDecision {
  const change = nextChange(windows, now);
  const cacheSeconds = change ? Math.max(0, Math.min(maxCache, Math.floor((change.getTime() - now.getTime()) / 1000))) : maxCache;
  const closing = strikeInForce(
    windows.filter((w) => w.form === 'closed'),
    now,
  );
  if (!closing || !pathClosed(rules, rawPath)) return { open: true, cacheSeconds };
  const retryAfterSeconds = Math.max(1, Math.ceil((closing.endsAt.getTime() - now.getTime()) / 1000));
  return { open: false, strikeId: closing.strikeId, retryAfterSeconds, cacheSeconds };
}

/** A path prefix as an admin types it: absolute, no query, no dot segments. Returns the problem, or null. */
export function prefixProblem(prefix: string): string | null {
  if (!prefix.startsWith('/')) return 'must start with /';
  if (/[?#\s]/.test(prefix)) return 'must be a path alone (no query, fragment or space)';
  if (normalisePath(prefix).replace(/\/$/, '') !== prefix.replace(/\/$/, '')) return 'must be a plain path (no //, . or .. segments, no escapes)';
  return null;
}

/** The origin of a site as a browser sends it, from what an admin typed; null when it is not one. */
export function siteOrigin(input: string): string | null {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password) return null;
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) return null;
  return url.origin;
}
