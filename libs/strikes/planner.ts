/**
 * The timing rules of a strike, as pure functions: the worker applies them and the preview shows
 * them, so what a collective previews is what happens.
 */

/** Mastodon refuses a scheduled post less than 5 minutes ahead; a little more leaves room for the request. */
export const NATIVE_MIN_LEAD_MS = 6 * 60_000;

export interface HeldSlot {
  id: string;
  accountId: string;
  at: Date;
}

/**
 * Occupation slots for one account: each held post's time gets the next strike message, unless a
 * strike post on this account (opening, closing, an earlier slot) is closer than the spacing.
 * `occupied` are the times already taken; the result lists the accepted slot times in order.
 */
export function planSlots(held: Date[], occupied: Date[], spacingMs: number, from: Date, until: Date): Date[] {
  const taken = occupied.map((d) => d.getTime());
  const accepted: Date[] = [];
  for (const t of [...held].map((d) => d.getTime()).sort((a, b) => a - b)) {
    const at = Math.max(t, from.getTime());
    if (at >= until.getTime()) break;
    if (taken.some((o) => Math.abs(o - at) < spacingMs)) continue;
    taken.push(at);
    accepted.push(new Date(at));
  }
  return accepted;
}

/**
 * When held posts come back with the resume fate: after the end, oldest first, never two on one
 * account closer than the spacing, and never earlier than they were first due.
 */
export function resumeTimes<T extends HeldSlot>(held: T[], end: Date, spacingMs: number): Map<string, Date> {
  const byAccount = new Map<string, T[]>();
  for (const h of held) {
    const list = byAccount.get(h.accountId) ?? [];
    list.push(h);
    byAccount.set(h.accountId, list);
  }
  const out = new Map<string, Date>();
  for (const list of byAccount.values()) {
    list.sort((a, b) => a.at.getTime() - b.at.getTime() || (a.id < b.id ? -1 : 1));
    let next = end.getTime();
    for (const h of list) {
      const at = Math.max(next, h.at.getTime());
      out.set(h.id, new Date(at));
      next = at + spacingMs;
    }
  }
  return out;
}

/** The shift fate: later by the strike's length, and never in the past. */
export function shiftedTime(original: Date, lengthMs: number, now: Date): Date {
  return new Date(Math.max(original.getTime() + lengthMs, now.getTime()));
}

/** The strike message for the n-th slot of an account (0-based): rotating through the list. */
export const rotationIndex = (slotNumber: number, rotationLength: number): number => slotNumber % Math.max(1, rotationLength);

/** Display name as occupied: prefix and suffix around the current name. */
export function occupiedDisplayName(current: string, prefix: string | null, suffix: string | null): string {
  return [prefix, current, suffix].filter((p) => p && p.length > 0).join(' ');
}
