/**
 * The time, from one injectable place: services ask the clock, tests set it. Domain code never
 * reads the time itself; it is given `now`.
 */
export interface Clock {
  now(): Date;
}

/** The Nest provider token for the process's clock (the system clock outside tests). */
export const CLOCK = Symbol('CLOCK');

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until a test moves it. */
export class FixedClock implements Clock {
  private at: number;

  constructor(at: Date | string | number = Date.UTC(2026, 11, 5, 9, 0)) {
    this.at = new Date(at).getTime();
  }

  now(): Date {
    return new Date(this.at);
  }

  set(at: Date | string | number): void {
    this.at = new Date(at).getTime();
  }

  advance(ms: number): Date {
    this.at += ms;
    return this.now();
  }
}
