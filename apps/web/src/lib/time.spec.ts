import { describe, expect, it } from '@jest/globals';
import { dayKey, formatDateTime, formatTime, fromZonedInput, toZonedInput, zoneLabel } from './time';

describe('time in the organisation zone', () => {
  it('turns a wall-clock input into an instant with the zone offset, across DST', () => {
    expect(fromZonedInput('2026-12-05T09:00', 'Europe/Paris')).toBe('2026-12-05T09:00:00+01:00');
    expect(fromZonedInput('2026-07-05T09:00', 'Europe/Paris')).toBe('2026-07-05T09:00:00+02:00');
    expect(fromZonedInput('2026-07-05T09:00', 'America/New_York')).toBe('2026-07-05T09:00:00-04:00');
    expect(fromZonedInput('2026-03-29T02:30', 'Europe/Paris')).toMatch(/^2026-03-29T03:30:00\+02:00$/);
    expect(fromZonedInput('nonsense', 'Europe/Paris')).toBeNull();
  });

  it('shows an instant as wall-clock input in the zone', () => {
    expect(toZonedInput('2026-12-05T08:00:00Z', 'Europe/Paris')).toBe('2026-12-05T09:00');
    expect(toZonedInput('2026-12-05T08:00:00Z', 'Asia/Tokyo')).toBe('2026-12-05T17:00');
    for (const v of ['2026-01-01T00:00', '2026-10-25T02:30', '2026-06-30T23:59']) {
      expect(toZonedInput(fromZonedInput(v, 'Europe/Paris')!, 'Europe/Paris')).toBe(v);
    }
  });

  it('shows a time with seconds in the zone, not the browser\'s', () => {
    expect(formatTime('2026-12-05T09:58:53Z', 'Europe/Paris', 'fr-FR', { seconds: true })).toBe('10:58:53');
    expect(formatTime('2026-12-05T09:58:53Z', 'Asia/Tokyo', 'en-GB', { seconds: true })).toBe('18:58:53');
    expect(formatTime('2026-12-05T09:58:53Z', 'Europe/Paris', 'fr-FR')).toBe('10:58');
  });

  it('names the zone', () => {
    expect(formatDateTime('2026-12-05T08:00:00Z', 'Europe/Paris', 'en-GB')).toMatch(/09:00.*(CET|GMT\+1)/);
    expect(zoneLabel('Europe/Paris', 'en-GB', new Date('2026-12-05T08:00:00Z'))).toMatch(/^Europe\/Paris \((CET|GMT\+1)\)$/);
    expect(dayKey('2026-12-05T23:30:00Z', 'Europe/Paris')).toBe('2026-12-06');
  });
});
