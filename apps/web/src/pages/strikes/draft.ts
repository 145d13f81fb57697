import { fromZonedInput, toZonedInput } from '../../lib/time';
import type { Network } from '../../api/views';
import type { HeldPolicy, StrikeBody, StrikeEditBody, StrikeMessageView, StrikeMode, StrikeView } from './types';

// The strike composer's form, and how it becomes the API's body (the same body previews and saves).

export interface MessageDraft {
  text: string;
  contentWarning: string;
  /** A text of its own for a network; empty: the common text. */
  variants: Partial<Record<Network, string>>;
}

/** A website in the strike's scope and the form the strike takes there. */
export interface SiteChoice {
  siteId: string;
  form: 'banner' | 'page' | 'page-continue' | 'closed';
}

export interface Draft {
  title: string;
  reason: string;
  scope: 'all' | 'list';
  accountIds: string[];
  /** `<input type="datetime-local">` values, in the organisation's zone. */
  startsAt: string;
  endsAt: string;
  mode: StrikeMode;
  opening: MessageDraft;
  rotation: MessageDraft[];
  closingOn: boolean;
  closing: MessageDraft;
  profileOn: boolean;
  displayNamePrefix: string;
  displayNameSuffix: string;
  bio: string;
  pinOpening: boolean;
  heldPolicy: HeldPolicy;
  /** Minutes, as typed (decimals allowed: 0.5 is 30 seconds). */
  resumeSpacingMinutes: string;
  occupationSpacingMinutes: string;
  /** Websites in scope (libs/sites); none by default. */
  sites: SiteChoice[];
}

export const emptyMessage = (): MessageDraft => ({ text: '', contentWarning: '', variants: {} });

export function newDraft(now: Date, timeZone: string): Draft {
  // A sensible first window: the next full hour, for 24 hours.
  const start = new Date(Math.ceil((now.getTime() + 3_600_000) / 3_600_000) * 3_600_000);
  return {
    title: '',
    reason: '',
    scope: 'all',
    accountIds: [],
    startsAt: toZonedInput(start, timeZone),
    endsAt: toZonedInput(new Date(start.getTime() + 86_400_000), timeZone),
    mode: 'occupation',
    opening: emptyMessage(),
    rotation: [],
    closingOn: false,
    closing: emptyMessage(),
    profileOn: false,
    displayNamePrefix: '',
    displayNameSuffix: '',
    bio: '',
    pinOpening: true,
    heldPolicy: 'resume',
    resumeSpacingMinutes: '5',
    occupationSpacingMinutes: '15',
    sites: [],
  };
}

const fromView = (m: StrikeMessageView | null): MessageDraft =>
  m ? { text: m.text, contentWarning: m.contentWarning ?? '', variants: { ...m.perNetwork } } : emptyMessage();

const minutes = (seconds: number) => String(Math.round((seconds / 60) * 100) / 100);

/** The form showing a saved strike (to edit it, or propose an amendment). */
export function draftFromStrike(s: StrikeView & { sites?: SiteChoice[] }, timeZone: string): Draft {
  const opening = s.messages.opening ? JSON.stringify(s.messages.opening) : null;
  // A rotation that is just the opening (the default) stays empty in the form.
  const rotation = s.messages.rotation.filter((m) => JSON.stringify(m) !== opening);
  return {
    title: s.title,
    reason: s.reason ?? '',
    scope: s.allAccounts ? 'all' : 'list',
    accountIds: s.accountIds,
    startsAt: toZonedInput(s.startsAt, timeZone),
    endsAt: toZonedInput(s.endsAt, timeZone),
    mode: s.mode,
    opening: fromView(s.messages.opening),
    rotation: rotation.map(fromView),
    closingOn: s.messages.closing !== null,
    closing: fromView(s.messages.closing),
    profileOn: s.profile !== null,
    displayNamePrefix: s.profile?.displayNamePrefix ?? '',
    displayNameSuffix: s.profile?.displayNameSuffix ?? '',
    bio: s.profile?.bio ?? '',
    pinOpening: s.profile?.pinOpening ?? true,
    heldPolicy: s.heldPolicy,
    resumeSpacingMinutes: minutes(s.resumeSpacingSeconds),
    occupationSpacingMinutes: minutes(s.occupationSpacingSeconds),
    sites: (s.sites ?? []).map((x) => ({ siteId: x.siteId, form: x.form })),
  };
}

function message(m: MessageDraft) {
  const perNetwork = Object.fromEntries(Object.entries(m.variants).filter(([, v]) => v && v.trim() !== ''));
  return {
    text: m.text,
    ...(m.contentWarning.trim() ? { contentWarning: m.contentWarning } : {}),
    ...(Object.keys(perNetwork).length ? { perNetwork } : {}),
  };
}

/** Minutes as typed → whole seconds; left empty → the API's default; not a number → sent as is, so the API names the field. */
function seconds(value: string): number | undefined {
  if (value.trim() === '') return undefined;
  const n = Number(value.replace(',', '.'));
  return Number.isFinite(n) ? Math.round(n * 60) : (value as unknown as number);
}

/** The body of POST /v1/strikes (and of its preview). Bad values are sent as typed: the API names what is wrong. */
export function toBody(d: Draft, timeZone: string): StrikeBody {
  const occupation = d.mode === 'occupation';
  const profile = occupation && d.profileOn
    ? {
        ...(d.displayNamePrefix.trim() ? { displayNamePrefix: d.displayNamePrefix } : {}),
        ...(d.displayNameSuffix.trim() ? { displayNameSuffix: d.displayNameSuffix } : {}),
        ...(d.bio.trim() ? { bio: d.bio } : {}),
        pinOpening: d.pinOpening,
      }
    : undefined;
  const resume = seconds(d.resumeSpacingMinutes);
  const occupationSpacing = seconds(d.occupationSpacingMinutes);
  return {
    title: d.title,
    reason: d.reason,
    startsAt: fromZonedInput(d.startsAt, timeZone) ?? d.startsAt,
    endsAt: fromZonedInput(d.endsAt, timeZone) ?? d.endsAt,
    ...(d.scope === 'all' ? { allAccounts: true } : { accountIds: d.accountIds }),
    mode: d.mode,
    heldPolicy: d.heldPolicy,
    ...(resume !== undefined ? { resumeSpacingSeconds: resume } : {}),
    ...(occupation && occupationSpacing !== undefined ? { occupationSpacingSeconds: occupationSpacing } : {}),
    ...(occupation
      ? {
          messages: {
            opening: message(d.opening),
            ...(d.rotation.length ? { rotation: d.rotation.map(message) } : {}),
            ...(d.closingOn ? { closing: message(d.closing) } : {}),
          },
        }
      : {}),
    ...(profile ? { profile } : {}),
    ...(d.sites.length ? { sites: [...d.sites].sort((a, b) => (a.siteId < b.siteId ? -1 : 1)) } : {}),
  } as StrikeBody;
}

/**
 * The body of PATCH /v1/strikes/:id: only what changed from the saved strike, so an unchanged start
 * that has passed is not refused, and the amendment motion names exactly what it changes.
 */
export function toEditBody(saved: Draft, d: Draft, timeZone: string): StrikeEditBody {
  const before = toBody(saved, timeZone) as Record<string, unknown>;
  const after = toBody(d, timeZone) as Record<string, unknown>;
  const body: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
    if (after[key] !== undefined) body[key] = after[key];
    else if (key === 'profile') body[key] = null;
    else if (key === 'sites') body[key] = [];
  }
  // A change of scope names the new one whole.
  if ('allAccounts' in body || 'accountIds' in body) {
    if (d.scope === 'all') body['allAccounts'] = true;
    else body['accountIds'] = d.accountIds;
  }
  // Messages are replaced whole: a change of mode to occupation sends them.
  if (d.mode === 'occupation' && 'mode' in body) body['messages'] = after['messages'];
  return body as StrikeEditBody;
}
