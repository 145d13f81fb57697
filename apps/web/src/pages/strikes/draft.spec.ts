import { describe, expect, it } from '@jest/globals';
import { draftFromStrike, emptyMessage, newDraft, toBody, toEditBody } from './draft';
import type { StrikeView } from './types';

const ZONE = 'Europe/Paris';

const saved: StrikeView = {
  id: 's1',
  title: 'Grève',
  reason: 'Salaires',
  startsAt: '2027-03-28T00:30:00.000Z',
  endsAt: '2027-03-28T01:30:00.000Z',
  allAccounts: false,
  accountIds: ['a1'],
  mode: 'occupation',
  heldPolicy: 'resume',
  resumeSpacingSeconds: 300,
  occupationSpacingSeconds: 900,
  messages: {
    opening: { text: 'Ouverture', contentWarning: null, media: [], perNetwork: { x: 'Court' } },
    rotation: [{ text: 'Ouverture', contentWarning: null, media: [], perNetwork: { x: 'Court' } }],
    closing: null,
  },
  profile: { displayNamePrefix: null, displayNameSuffix: 'en grève', bio: null, avatarMediaId: null, headerMediaId: null, pinOpening: true },
  state: 'proposed',
  effectiveFrom: null,
  approvedAt: null,
  startedAt: null,
  endedAt: null,
  createdById: 'm1',
  createdAt: '2027-03-01T00:00:00.000Z',
  updatedAt: '2027-03-01T00:00:00.000Z',
};

describe('strike composer form', () => {
  it('becomes the body of POST /v1/strikes, times with the zone’s offset, minutes as seconds', () => {
    const d = { ...newDraft(new Date('2027-01-10T10:20:00Z'), ZONE), title: 'T', reason: 'R', startsAt: '2027-03-28T01:30', endsAt: '2027-03-28T03:30' };
    d.opening = { text: 'Ouverture', contentWarning: '', variants: { x: 'Court', bluesky: ' ' } };
    d.resumeSpacingMinutes = '0,5';
    const body = toBody(d, ZONE) as Record<string, unknown>;
    // Paris moves to summer time at 02:00 on that day: the two ends carry different offsets.
    expect(body['startsAt']).toBe('2027-03-28T01:30:00+01:00');
    expect(body['endsAt']).toBe('2027-03-28T03:30:00+02:00');
    expect(body['allAccounts']).toBe(true);
    expect(body['resumeSpacingSeconds']).toBe(30);
    expect(body['occupationSpacingSeconds']).toBe(900);
    expect(body['messages']).toEqual({ opening: { text: 'Ouverture', perNetwork: { x: 'Court' } } });
    expect(body).not.toHaveProperty('profile');
  });

  it('sends no messages, profile or strike-post spacing in silence mode', () => {
    const d = { ...newDraft(new Date(), ZONE), mode: 'silence' as const, profileOn: true, displayNameSuffix: 'x', scope: 'list' as const, accountIds: ['a'] };
    const body = toBody(d, ZONE) as Record<string, unknown>;
    expect(body).not.toHaveProperty('messages');
    expect(body).not.toHaveProperty('profile');
    expect(body).not.toHaveProperty('occupationSpacingSeconds');
    expect(body['accountIds']).toEqual(['a']);
  });

  it('shows a saved strike, a rotation equal to the opening left out', () => {
    const d = draftFromStrike(saved, ZONE);
    expect(d.startsAt).toBe('2027-03-28T01:30');
    expect(d.endsAt).toBe('2027-03-28T03:30');
    expect(d.rotation).toEqual([]);
    expect(d.opening.variants).toEqual({ x: 'Court' });
    expect(d.profileOn).toBe(true);
    expect(d.resumeSpacingMinutes).toBe('5');
  });

  it('edits send only what changed (an unchanged start in the past is not sent), the scope whole, null to remove the profile', () => {
    const before = draftFromStrike(saved, ZONE);
    expect(toEditBody(before, before, ZONE)).toEqual({});
    expect(toEditBody(before, { ...before, title: 'Autre' }, ZONE)).toEqual({ title: 'Autre' });
    expect(toEditBody(before, { ...before, scope: 'all' }, ZONE)).toEqual({ allAccounts: true });
    expect(toEditBody(before, { ...before, profileOn: false }, ZONE)).toEqual({ profile: null });
    const rotated = toEditBody(before, { ...before, rotation: [{ ...emptyMessage(), text: 'R1' }] }, ZONE) as Record<string, unknown>;
    expect(Object.keys(rotated)).toEqual(['messages']);
    expect(rotated['messages']).toMatchObject({ rotation: [{ text: 'R1' }] });
  });

  it('names the websites in scope, and an edit sends them whole when they change ([] to remove them all)', () => {
    const base = draftFromStrike({ ...saved, sites: [{ siteId: 'b', form: 'banner' }] }, ZONE);
    expect(toBody(base, ZONE).sites).toEqual([{ siteId: 'b', form: 'banner' }]);
    expect(toEditBody(base, base, ZONE)).toEqual({});
    const more = { ...base, sites: [...base.sites, { siteId: 'a', form: 'closed' as const }] };
    expect(toEditBody(base, more, ZONE)).toEqual({ sites: [{ siteId: 'a', form: 'closed' }, { siteId: 'b', form: 'banner' }] });
    expect(toEditBody(base, { ...base, sites: [] }, ZONE)).toEqual({ sites: [] });
    expect(toBody(newDraft(new Date('2027-01-01T00:00:00Z'), ZONE), ZONE)).not.toHaveProperty('sites');
  });
});
