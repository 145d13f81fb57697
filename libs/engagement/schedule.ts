/**
 * When snapshots are taken: dense while interest is high, sparse later. A schedule is a list of
 * steps "every E until age U", written `5m@2h,1h@2d,1d@30d` (units s, m, h, d).
 */
export interface ScheduleStep {
  everyMs: number;
  untilMs: number;
}

const UNIT: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

function duration(text: string): number {
  const m = /^(\d+)([smhd])$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a duration such as 5m, 1h or 30d`);
  return Number(m[1]) * UNIT[m[2]!]!;
}

export function parseSchedule(text: string): ScheduleStep[] {
  const steps = text.split(',').map((part) => {
    const [every, until] = part.split('@');
    if (!every || !until) throw new Error(`"${part}" is not a step such as 5m@2h`);
    return { everyMs: duration(every), untilMs: duration(until) };
  });
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    if (s.everyMs <= 0 || s.everyMs > s.untilMs) throw new Error(`step ${i + 1}: the interval must be shorter than the age it runs to`);
    if (i > 0 && s.untilMs <= steps[i - 1]!.untilMs) throw new Error(`step ${i + 1}: each step must run to a greater age than the one before`);
  }
  if (steps.length === 0) throw new Error('at least one step is needed');
  return steps;
}

/**
 * The next snapshot after one taken at `at`, for a post published at `publishedAt`: on the grid of
 * the step its age falls in, so a late poll does not shift the grid. Null after the last step.
 */
export function nextSnapshotAt(publishedAt: Date, at: Date, steps: ScheduleStep[]): Date | null {
  const age = at.getTime() - publishedAt.getTime();
  for (const step of steps) {
    if (age >= step.untilMs) continue;
    const next = (Math.floor(Math.max(0, age) / step.everyMs) + 1) * step.everyMs;
    return new Date(publishedAt.getTime() + Math.min(next, step.untilMs));
  }
  return null;
}

/** The first snapshot of a newly published post. */
export const firstSnapshotAt = (publishedAt: Date, steps: ScheduleStep[]): Date => nextSnapshotAt(publishedAt, publishedAt, steps)!;
