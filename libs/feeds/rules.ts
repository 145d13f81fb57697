import { createHash } from 'node:crypto';

/** One item as the parser gives it (feed-extractor's normalised entry). */
export interface ParsedItem {
  id?: string | undefined;
  link?: string | undefined;
  title?: string | undefined;
  description?: string | undefined;
  published?: string | undefined;
}

/**
 * What identifies an item across polls, restarts and edits: its guid/id, else its link, else a
 * hash of its title. An edited title or summary keeps the key, so an edit never posts twice.
 */
export function dedupeKey(item: ParsedItem): string {
  const id = item.id?.trim();
  if (id) return `id:${id.slice(0, 500)}`;
  const link = item.link?.trim();
  if (link) return `link:${link.slice(0, 500)}`;
  return `hash:${createHash('sha256').update(item.title ?? '').update('\0').update(item.description ?? '').digest('hex')}`;
}

export interface PollTiming {
  intervalMs: number;
  maxBackoffMs: number;
}

/** When to poll again: the interval after a success, doubling with each failure in a row, capped. */
export function nextPollDelay(consecutiveFailures: number, t: PollTiming): number {
  if (consecutiveFailures <= 0) return t.intervalMs;
  return Math.min(t.maxBackoffMs, t.intervalMs * 2 ** Math.min(consecutiveFailures, 20));
}

/**
 * When each new item goes out on an account: not before `now + delay`, each at least `spacing`
 * after the previous feed post on that account. Items come oldest first.
 */
export function itemSchedule(count: number, now: Date, delaySeconds: number, spacingSeconds: number, lastScheduledAt: Date | null): Date[] {
  const out: Date[] = [];
  let previous = lastScheduledAt?.getTime() ?? -Infinity;
  const earliest = now.getTime() + delaySeconds * 1000;
  for (let i = 0; i < count; i++) {
    const at = Math.max(earliest, previous + spacingSeconds * 1000);
    out.push(new Date(at));
    previous = at;
  }
  return out;
}

/** Oldest first (by date when both have one, else in the feed's own order reversed: feeds list newest first). */
export function oldestFirst<T extends { publishedAt: Date | null }>(items: T[]): T[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => {
      const pa = a.item.publishedAt?.getTime();
      const pb = b.item.publishedAt?.getTime();
      if (pa !== undefined && pb !== undefined && pa !== pb) return pa - pb;
      return b.index - a.index;
    })
    .map((x) => x.item);
}

/** A URL an item gives, if it is an http(s) one (a feed may carry anything). */
export function itemUrl(link: string | undefined, base: string): string | null {
  if (!link) return null;
  try {
    const url = new URL(link.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * The back catalogue: what a feed holds before Piquet first reads it. Unless asked, it is recorded
 * and never posted; on the first read only items dated after the subscription are new.
 */
export function isBackCatalogue(primed: boolean, backCatalogue: boolean, publishedAt: Date | null, subscribedAt: Date): boolean {
  if (primed || backCatalogue) return false;
  return publishedAt === null || publishedAt.getTime() <= subscribedAt.getTime();
}
