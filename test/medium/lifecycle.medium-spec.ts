import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { HeldPolicy } from '#strikes/domain/strike.js';
import { approvedStrike, MIN, newMedium, seedOrganisation, seedPosts, strikeSpec, type Medium } from './support/medium.js';

const POSTS = 700; // per account, over 3 accounts: 2100 held deliveries per strike

/** A strike's start and end on thousands of deliveries, with the clock set to each step's instant. */
describe('strike start, end and the fates of held posts', () => {
  let m: Medium;

  beforeAll(async () => {
    m = await newMedium();
  });
  afterAll(() => m?.close());

  it.each<HeldPolicy>(['resume', 'shift', 'drop', 'review'])('holds every post of the window at the start and gives each its fate at the end (%s)', async (policy) => {
    const org = await seedOrganisation(m, { voters: 2, accounts: 3 });
    const t0 = m.clock.now().getTime();
    const start = new Date(t0 + 60 * MIN);
    const end = new Date(t0 + 180 * MIN);
    const inWindow = Array.from({ length: POSTS }, (_, i) => new Date(start.getTime() + Math.floor((i * (end.getTime() - start.getTime())) / POSTS)));
    const seeded = await seedPosts(m, org, inWindow);
    const after = await seedPosts(m, org, [new Date(end.getTime() + MIN)]);
    const id = await approvedStrike(m, org, strikeSpec(org, { startsAt: start, endsAt: end, heldPolicy: policy }));

    // The start, at its minute.
    m.clock.set(start);
    const started = await m.lifecycle.start(id, m.clock.now());
    expect(started).toMatchObject({ started: true, held: seeded.length });
    expect(started.accountIds.sort()).toEqual([...org.accountIds].sort());
    expect(await m.db.delivery.count({ where: { id: { in: seeded.map((s) => s.deliveryId) }, state: 'held' } })).toBe(seeded.length);
    expect(await m.db.delivery.count({ where: { id: { in: after.map((s) => s.deliveryId) }, state: 'scheduled' } })).toBe(after.length);
    // Strike posts on each account: inside the window, opening and closing included, never closer than the spacing.
    for (const accountId of org.accountIds) {
      const posts = await m.db.delivery.findMany({ where: { strikeId: id, accountId, state: 'scheduled' }, orderBy: { scheduledAt: 'asc' } });
      const times = posts.map((p) => p.scheduledAt.getTime());
      expect(times[0]).toBe(start.getTime());
      expect(times.at(-1)).toBe(end.getTime());
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(900_000);
      // Opening, closing, and a slot at the first held post 15 minutes or more after the last strike post: six
      // (the posts fall every 10.3 s, so each slot drifts a little later, and the seventh would be too close to the closing).
      expect(times.length).toBe(2 + 6);
    }
    expect((await m.lifecycle.start(id, m.clock.now())).started).toBe(false);

    // The end, at its minute.
    m.clock.set(end);
    const ended = await m.lifecycle.end(id, m.clock.now());
    const fate = { resume: 'resumed', shift: 'shifted', drop: 'dropped', review: 'review' }[policy];
    expect(ended).toMatchObject({ ended: true, fates: { [fate]: seeded.length } });
    expect((await m.lifecycle.end(id, m.clock.now())).ended).toBe(false);
    const holds = await m.db.hold.findMany({ where: { strikeId: id }, orderBy: [{ originalScheduledAt: 'asc' }, { id: 'asc' }] });
    expect(holds).toHaveLength(seeded.length);
    expect(holds.every((h) => h.fate === fate && h.fateAt?.getTime() === end.getTime())).toBe(true);
    const deliveries = new Map((await m.db.delivery.findMany({ where: { id: { in: seeded.map((s) => s.deliveryId) } } })).map((d) => [d.id, d]));

    if (policy === 'resume') {
      for (const accountId of org.accountIds) {
        const mine = holds.filter((h) => h.accountId === accountId);
        const times = mine.map((h) => h.newScheduledAt!.getTime());
        expect(times[0]).toBe(end.getTime());
        mine.forEach((h, i) => {
          expect(h.newScheduledAt!.getTime()).toBeGreaterThanOrEqual(h.originalScheduledAt.getTime());
          if (i > 0) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(300_000);
        });
      }
    }
    if (policy === 'shift') {
      for (const h of holds) expect(h.newScheduledAt!.getTime()).toBe(h.originalScheduledAt.getTime() + (end.getTime() - start.getTime()));
    }
    for (const h of holds) {
      const d = deliveries.get(h.deliveryId)!;
      if (policy === 'resume' || policy === 'shift') expect({ state: d.state, at: d.scheduledAt }).toEqual({ state: 'scheduled', at: h.newScheduledAt });
      if (policy === 'drop') expect({ state: d.state, reason: d.cancelReason }).toEqual({ state: 'cancelled', reason: `Dropped by the strike "Grève" (${id})` });
      if (policy === 'review') expect(d.state).toBe('held');
    }
    expect((await m.lifecycle.find(id))!).toMatchObject({ state: 'ended', endedAt: end });
  });
});
