import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { HeldPolicy } from '#strikes/domain/strike.js';
import { approvedStrike, MIN, newMedium, seedOrganisation, seedPosts, strikeSpec, type Medium } from './support/medium.js';

type Event = { at: Date; accountId: string; kind: string; detail: Record<string, unknown> };

/**
 * The preview is the collective's basis for the vote: it must equal what happens. Each strike is
 * previewed once approved, then run on the same clock: ordinary posts published when the gate lets
 * them through (the real gate query at their due instant), the start, the end. The preview and the
 * run are compared post by post: published before the start, held, strike posts, return times.
 */
describe('the preview equals what the strike does', () => {
  let m: Medium;

  beforeAll(async () => {
    m = await newMedium();
  });
  afterAll(() => m?.close());

  it.each<HeldPolicy>(['resume', 'shift', 'drop'])('post by post, including posts due minutes and seconds before the start (%s)', async (policy) => {
    const org = await seedOrganisation(m, { voters: 2, accounts: 2 });
    const t0 = m.clock.now().getTime();
    const start = t0 + 60 * MIN;
    const end = start + 90 * MIN;
    const offsets = [-10 * MIN, -3 * MIN, -1 * MIN, -m.marginMs - 1000, -m.marginMs, -1000, 0, 1000, 4 * MIN, 17 * MIN, 18 * MIN, 40 * MIN, 89 * MIN, 90 * MIN, 95 * MIN];
    const seeded = await seedPosts(m, org, offsets.map((o) => new Date(start + o)));
    const spec = strikeSpec(org, { startsAt: new Date(start), endsAt: new Date(end), heldPolicy: policy, resumeSpacingSeconds: 120 });
    const id = await approvedStrike(m, org, spec);
    const caller = org.admin;

    const preview = await m.timeline.preview(caller, id);
    const timeline = preview.timeline as Event[];
    const ids = (kind: string) => new Set(timeline.filter((e) => e.kind === kind).map((e) => e.detail['deliveryId'] as string));

    // The run: each ordinary post is published at its minute unless the gate holds it, up to the start.
    for (const d of [...seeded].sort((a, b) => a.scheduledAt.getTime() - b.scheduledAt.getTime())) {
      if (d.scheduledAt.getTime() >= start) break;
      m.clock.set(d.scheduledAt);
      const covering = await m.gate.coveringStrike(org.organisationId, d.accountId, m.clock.now(), m.marginMs);
      if (!covering) await m.db.delivery.update({ where: { id: d.deliveryId }, data: { state: 'published', publishedAt: m.clock.now() } });
    }
    m.clock.set(start);
    expect((await m.lifecycle.start(id, m.clock.now())).started).toBe(true);

    const published = new Set((await m.db.delivery.findMany({ where: { id: { in: seeded.map((s) => s.deliveryId) }, state: 'published' } })).map((d) => d.id));
    const holds = await m.db.hold.findMany({ where: { strikeId: id } });
    const held = new Set(holds.map((h) => h.deliveryId));
    // Published before the start: the posts due earlier than the gate's margin before it, and only those.
    expect(ids('published-before')).toEqual(published);
    expect(published.size).toBe(2 * 4);
    expect(ids('hold')).toEqual(held);
    expect(held.size).toBe(2 * 9);
    expect(preview.counts.held).toBe(held.size);

    // Strike posts: same accounts, same roles' times.
    const strikePosts = await m.db.delivery.findMany({ where: { strikeId: id, state: 'scheduled' }, include: { post: { select: { strikeRole: true } } } });
    const runPosts = strikePosts.map((d) => `${d.accountId} ${d.post.strikeRole} ${d.scheduledAt.toISOString()}`).sort();
    const previewPosts = timeline.filter((e) => e.kind === 'strike-post').map((e) => `${e.accountId} ${e.detail['role'] as string} ${new Date(e.at).toISOString()}`).sort();
    expect(previewPosts).toEqual(runPosts);

    // The end: every held post's fate and time as previewed.
    m.clock.set(end);
    expect((await m.lifecycle.end(id, m.clock.now())).ended).toBe(true);
    const after = await m.db.hold.findMany({ where: { strikeId: id } });
    const run = after.map((h) => `${h.deliveryId} ${h.fate} ${h.newScheduledAt?.toISOString() ?? '-'}`).sort();
    const kindFate: Record<string, string> = { 'held-post-returns': policy === 'shift' ? 'shifted' : 'resumed', 'held-post-dropped': 'dropped', 'held-post-review': 'review' };
    const previewed = timeline
      .filter((e) => e.kind in kindFate)
      .map((e) => `${e.detail['deliveryId'] as string} ${kindFate[e.kind]!} ${e.kind === 'held-post-returns' ? new Date(e.at).toISOString() : '-'}`)
      .sort();
    expect(previewed).toEqual(run);
  });

  it('names, per account, the features its server lacks, and says when they were never checked', async () => {
    const org = await seedOrganisation(m, { voters: 2, accounts: 3 });
    const [partial, full, unchecked] = org.accountIds as [string, string, string];
    const checkedAt = m.clock.now();
    const row = (accountId: string, feature: string, support: string, detail: string) => ({ accountId, feature, support, detail, source: 'connect', checkedAt });
    await m.db.accountCapability.createMany({
      data: [
        row(partial, 'pin', 'no', 'POST /api/v1/statuses/:id/pin answered 404'),
        row(partial, 'scheduledStatuses', 'no', 'GET /api/v1/scheduled_statuses answered 404'),
        row(partial, 'profileFields', 'yes', 'PATCH update_credentials answered 200'),
        row(full, 'pin', 'yes', 'answered 200'),
        row(full, 'multiStatus', 'unknown', 'answered 500'),
      ],
    });
    const start = m.clock.now().getTime() + 60 * MIN;
    const id = await approvedStrike(m, org, strikeSpec(org, { startsAt: new Date(start), endsAt: new Date(start + 60 * MIN) }));
    const preview = await m.timeline.preview(org.admin, id);
    const gaps = Object.fromEntries(preview.accounts.map((a) => [a.id, a.featureGaps]));
    expect(gaps[partial]).toEqual([
      { feature: 'pin', detail: 'POST /api/v1/statuses/:id/pin answered 404' },
      { feature: 'scheduledStatuses', detail: 'GET /api/v1/scheduled_statuses answered 404' },
    ]);
    // An unknown answer is no gap: the feature is still tried.
    expect(gaps[full]).toEqual([]);
    expect(gaps[unchecked]).toBeNull();
  });
});
