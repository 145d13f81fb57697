import type { HeldPolicy, HoldFate, StrikeMessage, StrikeMessages, StrikeRecord } from './strike.js';

/**
 * Every timing rule of a strike, once, as pure functions: the lifecycle (start, end), the gate,
 * the natively scheduled posts and the preview all call these, so what a collective previews is
 * what happens. Nothing here reads the clock: callers pass `now`.
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
 * Slots are given from the effective instant, or from now when the strike post is placed later (a
 * post held by the gate after the start): a slot is never in the past.
 */
export const slotsFrom = (s: Pick<StrikeRecord, 'effectiveFrom'>, now: Date): Date =>
  new Date(Math.max(now.getTime(), s.effectiveFrom?.getTime() ?? now.getTime()));

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

/** How long the window is in force: from its effective instant (or its start) to its end. */
export const strikeLengthMs = (s: Pick<StrikeRecord, 'startsAt' | 'endsAt' | 'effectiveFrom'>): number =>
  s.endsAt.getTime() - (s.effectiveFrom ?? s.startsAt).getTime();

/**
 * A strike decided after its start takes effect once the publishes already in flight at the decision
 * (checked by the gate just before it) have landed: the gate's margin later. Never before its start.
 */
export function effectiveFrom(startsAt: Date, decidedAt: Date, gateMarginMs: number): Date {
  const earliest = decidedAt.getTime() + gateMarginMs;
  return startsAt.getTime() >= earliest ? startsAt : new Date(earliest);
}

/**
 * Whether the gate holds an ordinary post due at `at`: a publish started then may land up to the
 * gate's margin later, so a post due just before the window is held too; one due earlier is
 * published before the strike.
 */
export function heldByWindow(at: Date, from: Date, until: Date, gateMarginMs: number): boolean {
  return at.getTime() + gateMarginMs >= from.getTime() && at.getTime() < until.getTime();
}

/** The messages the slots of held posts rotate through: the rotation, else the opening message. */
export const rotationOf = (messages: StrikeMessages): StrikeMessage[] =>
  messages.rotation.length > 0 ? messages.rotation : messages.opening ? [messages.opening] : [];

/**
 * When held posts come back under a fate that brings them back (resume or shift), counted from
 * `at`: the end for a strike's own queue, the first instant a network accepts for natively
 * scheduled posts. Resume spaces each account from `at`; shift moves each post by the length.
 */
export function returnTimes<T extends HeldSlot>(
  policy: Extract<HeldPolicy, 'resume' | 'shift'>,
  held: T[],
  o: { at: Date; lengthMs: number; resumeSpacingMs: number },
): Map<string, Date> {
  if (policy === 'resume') return resumeTimes(held, o.at, o.resumeSpacingMs);
  return new Map(held.map((h) => [h.id, shiftedTime(h.at, o.lengthMs, o.at)]));
}

/** The fate each held policy gives: a held post ends in exactly one of these (docs/strikes.md rule 2). */
export const FATE_OF_POLICY = { resume: 'resumed', shift: 'shifted', drop: 'dropped', review: 'review' } as const satisfies Record<HeldPolicy, Exclude<HoldFate, 'pending'>>;

export type HeldFate = (typeof FATE_OF_POLICY)[HeldPolicy];

/** Resume and shift bring held posts back, at a time of their own; drop and review do not. */
export const bringsBack = (policy: HeldPolicy): policy is 'resume' | 'shift' => policy === 'resume' || policy === 'shift';

/**
 * What the strike's policy gives its held posts, counted from `at`: their fate and, when it brings
 * them back (resume, shift), each one's new time (returnTimes); null times for drop and review.
 */
export function heldFates<T extends HeldSlot>(
  strike: Pick<StrikeRecord, 'heldPolicy' | 'startsAt' | 'endsAt' | 'effectiveFrom' | 'resumeSpacingSeconds'>,
  held: T[],
  at: Date,
): { fate: HeldFate; times: Map<string, Date> | null } {
  const policy = strike.heldPolicy;
  const fate = FATE_OF_POLICY[policy];
  if (!bringsBack(policy)) return { fate, times: null };
  return { fate, times: returnTimes(policy, held, { at, lengthMs: strikeLengthMs(strike), resumeSpacingMs: strike.resumeSpacingSeconds * 1000 }) };
}

/**
 * Natively scheduled posts (on the instance itself) due before the end are parked this far past it
 * at the start, and given their fate at the end.
 */
export const NATIVE_PARK_MS = 365 * 24 * 3600_000;

/** Whether the start parks a natively scheduled post: it is due before the end. */
export const parksNative = (scheduledAt: Date, s: Pick<StrikeRecord, 'endsAt'>): boolean => scheduledAt < s.endsAt;

/** Where a parked natively scheduled post waits. */
export const nativeParkTime = (s: Pick<StrikeRecord, 'endsAt'>): Date => new Date(s.endsAt.getTime() + NATIVE_PARK_MS);

/**
 * The fates of parked natively scheduled posts at the end: the strike's own (heldFates), counted
 * from the first instant the instance accepts a scheduled post, not from the end.
 */
export function nativeFates<T extends HeldSlot>(strike: Parameters<typeof heldFates>[0], held: T[], now: Date): ReturnType<typeof heldFates> {
  return heldFates(strike, held, new Date(now.getTime() + NATIVE_MIN_LEAD_MS));
}

/** The strike message for the n-th slot of an account (0-based): rotating through the list. */
export const rotationIndex = (slotNumber: number, rotationLength: number): number => slotNumber % Math.max(1, rotationLength);

/** Display name as occupied: prefix and suffix around the current name. */
export function occupiedDisplayName(current: string, prefix: string | null, suffix: string | null): string {
  return [prefix, current, suffix].filter((p) => p && p.length > 0).join(' ');
}
