import { describe, expect, it } from '@jest/globals';
import { FixedClock, systemClock } from './clock.js';

describe('clocks', () => {
  it('a fixed clock stands still until set or advanced', () => {
    const clock = new FixedClock('2026-12-05T09:00:00Z');
    expect(clock.now().toISOString()).toBe('2026-12-05T09:00:00.000Z');
    expect(clock.advance(90_000).toISOString()).toBe('2026-12-05T09:01:30.000Z');
    clock.set('2027-01-01T00:00:00Z');
    expect(clock.now().toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('the system clock reads the time', () => {
    expect(Math.abs(systemClock.now().getTime() - Date.now())).toBeLessThan(1000);
  });
});
