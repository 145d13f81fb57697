import { Injectable } from '@nestjs/common';
import { SitesRepository, type SiteSnapshot } from './sites.repository.js';

/** How long a site's rows are kept in memory: a decision, a stop or a new key shows within this. */
export const SNAPSHOT_TTL_MS = 2_000;
const MAX_ENTRIES = 10_000;

interface Entry {
  until: number;
  value: SiteSnapshot | null;
  pending: Promise<SiteSnapshot | null> | null;
}

/**
 * The rows behind a site's public answers, per key, for a couple of seconds: a proxy asking on
 * every request costs one memory lookup, and at most one pair of indexed reads per key every TTL
 * (concurrent misses share one read). The time is applied to the rows at each answer, so a window
 * opens and closes on the second whatever the cache holds. Unknown keys are cached too (as null),
 * so guessing keys costs the database no more than asking a real one.
 */
@Injectable()
export class SiteStatusCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly sites: SitesRepository) {}

  /** The cached snapshot if fresh (no promise, no await: the hot path), else undefined. */
  peek(key: string, now = Date.now()): SiteSnapshot | null | undefined {
    const e = this.entries.get(key);
    return e && e.until > now ? e.value : undefined;
  }

  get(key: string, now = Date.now()): Promise<SiteSnapshot | null> {
    const e = this.entries.get(key);
    if (e && e.until > now) return Promise.resolve(e.value);
    if (e?.pending) return e.pending;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    const pending = this.sites.snapshot(key, new Date(now)).then(
      (value) => {
        this.entries.set(key, { until: Date.now() + SNAPSHOT_TTL_MS, value, pending: null });
        return value;
      },
      (err: unknown) => {
        // A failed read is not remembered: the next request tries again.
        this.entries.delete(key);
        throw err;
      },
    );
    this.entries.set(key, { until: 0, value: e?.value ?? null, pending });
    return pending;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}
