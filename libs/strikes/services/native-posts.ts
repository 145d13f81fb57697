import { mayUse } from '#networks/account-capabilities.js';
import { nativeFates, nativeParkTime, parksNative } from '../domain/planner.js';
import type { OccupationsRepository } from '../persistence/occupations.repository.js';
import type { Done, OccupationContext } from './occupation-steps.js';

/**
 * Posts other tools scheduled on the instance itself (Mastodon's scheduled statuses): parked out of
 * the window at the start and on each rescan, given the strike's fate at the end. Where they park
 * and when they come back are the planner's (nativeParkTime, nativeFates): the same fates as the
 * strike's own queue.
 */
export class NativePosts {
  constructor(private readonly occupations: OccupationsRepository) {}

  /** Whether this account's server lets natively scheduled posts be moved. */
  mayPark({ adapter, caps }: OccupationContext): boolean {
    return adapter.capabilities.nativeScheduling && mayUse(caps, 'scheduledStatuses');
  }

  /** Each one is recorded before the network call that parks it, so a crash in between loses nothing. */
  async park(ctx: OccupationContext): Promise<Done> {
    const { occ, adapter, conn } = ctx;
    if (!adapter.capabilities.nativeScheduling) return { outcome: 'skipped', detail: 'this network has no natively scheduled posts' };
    if (!mayUse(ctx.caps, 'scheduledStatuses')) {
      return { outcome: 'unsupported', detail: `the server has no scheduled posts (${ctx.caps['scheduledStatuses']?.detail}): nothing to move` };
    }
    const { strike } = occ;
    const parkAt = nativeParkTime(strike);
    let parked = 0;
    for (const p of await adapter.listNativeScheduled(conn)) {
      if (!parksNative(p.scheduledAt, strike)) continue;
      await this.occupations.recordNativeHold(strike.id, occ.account.id, p, parkAt);
      await adapter.rescheduleNative(conn, p.remoteId, parkAt);
      parked++;
    }
    return { outcome: 'done', detail: `${parked} natively scheduled post(s) moved out of the window` };
  }

  async release(ctx: OccupationContext, report: Record<string, string>, now: Date): Promise<Done> {
    const { occ, adapter, conn } = ctx;
    const { strike } = occ;
    const held = await this.occupations.pendingNativeHolds(strike.id, occ.account.id);
    if (held.length === 0) return { outcome: 'skipped', detail: 'no natively scheduled post was parked' };
    const { fate, times } = nativeFates(strike, held.map((h) => ({ id: h.remoteId, accountId: occ.account.id, at: h.originalScheduledAt })), now);
    for (const h of held) {
      const at = times?.get(h.remoteId) ?? null;
      if (at) await adapter.rescheduleNative(conn, h.remoteId, at);
      else if (fate === 'dropped') await adapter.deleteNative(conn, h.remoteId);
      await this.occupations.setNativeFate(h.id, fate, at, now);
    }
    report['nativeScheduled'] = `${held.length} ${strike.heldPolicy === 'review' ? 'left parked for review' : strike.heldPolicy}`;
    return { outcome: 'done', detail: report['nativeScheduled'] };
  }
}
