import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { DeliveriesRepository } from '#database/deliveries.repository.js';
import { PrismaService } from '#database/prisma.service.js';
import { approvedStrike, MIN, newMedium, seedOrganisation, seedPosts, strikeSpec, type Medium } from './support/medium.js';

/**
 * The publish path's statements are shared by the deliveries a worker runs side by side: claims,
 * gate answers and records asked together go in one round trip (libs/database/publish-round.ts).
 * Each caller must get exactly the answer it would have had alone.
 */
describe('publish statements asked together', () => {
  let m: Medium;
  let prisma: PrismaService;
  let deliveries: DeliveriesRepository;
  const LEASE_MS = 6000;

  beforeAll(async () => {
    m = await newMedium();
    prisma = new PrismaService(m.config);
    deliveries = new DeliveriesRepository(prisma);
  });
  afterAll(async () => {
    await prisma?.onApplicationShutdown();
    await m?.close();
  });

  it('claims: each caller its own answer (claimed with its work, not due, unknown, held by another, one winner of two tokens)', async () => {
    const org = await seedOrganisation(m, { accounts: 2 });
    const now = m.clock.now();
    const due = await seedPosts(m, org, [new Date(now.getTime() - MIN), new Date(now.getTime() - 2 * MIN)]);
    const [later] = await seedPosts(m, org, [new Date(now.getTime() + 10 * MIN)], [org.accountIds[0]!]);
    const [taken] = await seedPosts(m, org, [new Date(now.getTime() - 3 * MIN)], [org.accountIds[1]!]);
    const leaseUntil = new Date(now.getTime() + LEASE_MS);
    await m.db.delivery.update({ where: { id: taken!.deliveryId }, data: { state: 'publishing', claimToken: 'someone-else', leaseUntil } });
    const [contested] = await seedPosts(m, org, [new Date(now.getTime() - 4 * MIN)], [org.accountIds[0]!]);

    const tokens = Array.from({ length: 8 }, () => randomUUID());
    const asks = [
      ...due.map((d, k) => deliveries.claimWork(d.deliveryId, tokens[k]!, now, LEASE_MS, m.marginMs)),
      deliveries.claimWork(later!.deliveryId, tokens[4]!, now, LEASE_MS, m.marginMs),
      deliveries.claimWork(randomUUID(), tokens[5]!, now, LEASE_MS, m.marginMs),
      deliveries.claimWork(taken!.deliveryId, tokens[6]!, now, LEASE_MS, m.marginMs),
      deliveries.claimWork(contested!.deliveryId, tokens[7]!, now, LEASE_MS, m.marginMs),
      deliveries.claimWork(contested!.deliveryId, tokens[3]!, now, LEASE_MS, m.marginMs),
    ];
    const results = await Promise.all(asks);

    for (const [k, d] of due.entries()) {
      const r = results[k]!;
      if (!r.claimed) throw new Error(`delivery ${d.deliveryId} was not claimed`);
      expect(r.work.delivery.id).toBe(d.deliveryId);
      expect(r.work.delivery.state).toBe('publishing');
      expect(r.work.account.id).toBe(d.accountId);
      expect(r.work.post.text).toMatch(/^post /);
      expect(r.work.media).toEqual([]);
      const row = await m.db.delivery.findUniqueOrThrow({ where: { id: d.deliveryId } });
      expect(row.claimToken).toBe(tokens[k]);
      expect(row.attempts).toBe(1);
    }
    const notDue = results[due.length]!;
    expect(notDue).toMatchObject({ claimed: false, delivery: { id: later!.deliveryId, state: 'scheduled', scheduledAt: later!.scheduledAt } });
    expect(results[due.length + 1]).toEqual({ claimed: false, delivery: null, leaseUntil: null });
    expect(results[due.length + 2]).toMatchObject({ claimed: false, delivery: { id: taken!.deliveryId, state: 'publishing' }, leaseUntil });

    const twice = results.slice(due.length + 3);
    expect(twice.filter((r) => r.claimed)).toHaveLength(1);
    const row = await m.db.delivery.findUniqueOrThrow({ where: { id: contested!.deliveryId } });
    expect(row.claimToken).toBe(twice[0]!.claimed ? tokens[7] : tokens[3]);
    expect(row.attempts).toBe(1);
  });

  it('records: published and tracked for the claims still held, nothing for a claim taken over', async () => {
    const org = await seedOrganisation(m, { accounts: 2 });
    const now = m.clock.now();
    const seeded = await seedPosts(m, org, [new Date(now.getTime() - MIN), new Date(now.getTime() - 2 * MIN)]);
    const tokens = seeded.map(() => randomUUID());
    const claims = await Promise.all(seeded.map((d, k) => deliveries.claimWork(d.deliveryId, tokens[k]!, now, LEASE_MS, m.marginMs)));
    expect(claims.every((c) => c.claimed)).toBe(true);

    const first = new Date(now.getTime() + 5 * MIN);
    const recorded = await Promise.all(
      seeded.map((d, k) =>
        deliveries.markPublished(d.deliveryId, k === 0 ? 'a-token-taken-over' : tokens[k]!, { remoteId: `remote-${k}`, url: `https://example.test/${k}`, publishedAt: now }, first),
      ),
    );
    expect(recorded).toEqual(seeded.map((_, k) => k !== 0));

    const rows = await m.db.delivery.findMany({ where: { id: { in: seeded.map((d) => d.deliveryId) } } });
    const tracked = await m.db.trackedPost.findMany({ where: { deliveryId: { in: seeded.map((d) => d.deliveryId) } } });
    for (const [k, d] of seeded.entries()) {
      const row = rows.find((r) => r.id === d.deliveryId)!;
      const track = tracked.find((t) => t.deliveryId === d.deliveryId);
      if (k === 0) {
        expect(row).toMatchObject({ state: 'publishing', remoteId: null });
        expect(track).toBeUndefined();
      } else {
        expect(row).toMatchObject({ state: 'published', remoteId: `remote-${k}`, remoteUrl: `https://example.test/${k}`, claimToken: null, leaseUntil: null });
        expect(track).toMatchObject({ remoteId: `remote-${k}`, accountId: d.accountId, nextAt: first });
      }
    }
  });

  it("gate: each question answered for its own account and strike, asked together", async () => {
    const org = await seedOrganisation(m, { voters: 2, accounts: 3 });
    const now = m.clock.now();
    const inScope = org.accountIds.slice(0, 2);
    const outOfScope = org.accountIds[2]!;
    const strikeId = await approvedStrike(m, org, strikeSpec(org, { accountIds: inScope, startsAt: new Date(now.getTime() + 60 * MIN), endsAt: new Date(now.getTime() + 120 * MIN) }));
    const margin = m.marginMs;
    const ask = (accountId: string, at: Date, strike: string | null = null) =>
      m.gate.answer({ organisationId: org.organisationId, accountId, strikeId: strike }, at, margin);

    const before = new Date(now.getTime() + 60 * MIN - margin - 1000);
    const inside = new Date(now.getTime() + 61 * MIN);
    const answers = await Promise.all([
      ask(inScope[0]!, inside),
      ask(outOfScope, inside),
      ask(inScope[1]!, inside),
      ask(inScope[0]!, inside, strikeId),
      ask(inScope[1]!, inside, randomUUID()),
    ]);
    expect(answers[0]).toEqual({ coveringStrikeId: strikeId, ownStrike: null });
    expect(answers[1]).toEqual({ coveringStrikeId: null, ownStrike: null });
    expect(answers[2]).toEqual({ coveringStrikeId: strikeId, ownStrike: null });
    expect(answers[3]).toEqual({ coveringStrikeId: null, ownStrike: { state: 'approved', endsAt: new Date(now.getTime() + 120 * MIN) } });
    expect(answers[4]).toEqual({ coveringStrikeId: null, ownStrike: null });

    // More than the margin before the window, the gate is open.
    expect(await ask(inScope[0]!, before)).toEqual({ coveringStrikeId: null, ownStrike: null });
  });

  it('claims answer the gate for what they claimed, read after the claim, from the claim instant', async () => {
    const org = await seedOrganisation(m, { voters: 2, accounts: 3 });
    const now = m.clock.now();
    const [inScope, alsoInScope, outOfScope] = org.accountIds as [string, string, string];
    const strikeId = await approvedStrike(m, org, strikeSpec(org, { accountIds: [inScope, alsoInScope], startsAt: new Date(now.getTime() + 60 * MIN), endsAt: new Date(now.getTime() + 120 * MIN) }));
    const seeded = await seedPosts(m, org, [new Date(now.getTime() - MIN)]);
    const [strikePost, early] = await seedPosts(m, org, [new Date(now.getTime() - 2 * MIN), new Date(now.getTime() - 3 * MIN)], [alsoInScope]);
    await m.db.delivery.update({ where: { id: strikePost!.deliveryId }, data: { strikeId } });

    const inside = new Date(now.getTime() + 61 * MIN);
    const before = new Date(now.getTime() + 60 * MIN - m.marginMs - 1000);
    const claim = (deliveryId: string, at: Date) => deliveries.claimWork(deliveryId, randomUUID(), at, LEASE_MS, m.marginMs);
    const results = await Promise.all([...seeded.map((d) => claim(d.deliveryId, inside)), claim(strikePost!.deliveryId, inside)]);
    // Alone: claims asked together are answered from the latest of their instants.
    results.push(await claim(early!.deliveryId, before));
    const gates = results.map((r) => {
      if (!r.claimed) throw new Error('every delivery here is due and free');
      return m.gate.fromClaim(r.work.gate);
    });
    const byAccount = new Map(seeded.map((d, k) => [d.accountId, gates[k]]));
    expect(byAccount.get(inScope)).toEqual({ coveringStrikeId: strikeId, ownStrike: null });
    expect(byAccount.get(alsoInScope)).toEqual({ coveringStrikeId: strikeId, ownStrike: null });
    expect(byAccount.get(outOfScope)).toEqual({ coveringStrikeId: null, ownStrike: null });
    expect(gates[seeded.length]).toEqual({ coveringStrikeId: null, ownStrike: { state: 'approved', endsAt: new Date(now.getTime() + 120 * MIN) } });
    // More than the margin before the window, the gate is open.
    expect(gates[seeded.length + 1]).toEqual({ coveringStrikeId: null, ownStrike: null });

    // A strike decided after a delivery was queued, before its claim: the claim sees it.
    const later = await seedOrganisation(m, { voters: 2, accounts: 1 });
    const [queued] = await seedPosts(m, later, [new Date(now.getTime() - MIN)]);
    const lateStrike = await approvedStrike(m, later, strikeSpec(later, { startsAt: new Date(now.getTime() + 60 * MIN), endsAt: new Date(now.getTime() + 90 * MIN) }));
    const r = await claim(queued!.deliveryId, inside);
    if (!r.claimed) throw new Error('the delivery is due and free');
    expect(m.gate.fromClaim(r.work.gate)).toEqual({ coveringStrikeId: lateStrike, ownStrike: null });
  });

  it('a part that fails fails its own callers only: the claims of its round stand, none of its records does', async () => {
    const org = await seedOrganisation(m, { accounts: 2 });
    const now = m.clock.now();
    const seeded = await seedPosts(m, org, [new Date(now.getTime() - MIN), new Date(now.getTime() - 2 * MIN)], [org.accountIds[1]!]);
    const tokens = seeded.map(() => randomUUID());
    const claims = await Promise.all(seeded.map((d, k) => deliveries.claimWork(d.deliveryId, tokens[k]!, now, LEASE_MS, m.marginMs)));
    expect(claims.every((c) => c.claimed)).toBe(true);
    const [next] = await seedPosts(m, org, [new Date(now.getTime() - 3 * MIN)], [org.accountIds[0]!]);

    // The second record's tracked post is refused, as a failure inside the record part would be.
    const schema = `"${m.env.schema}"`;
    await m.db.$executeRawUnsafe(`CREATE FUNCTION ${schema}.refuse_tracked() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.remote_id = 'remote-refused' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$`);
    await m.db.$executeRawUnsafe(`CREATE TRIGGER refuse_tracked BEFORE INSERT ON ${schema}.tracked_posts FOR EACH ROW EXECUTE FUNCTION ${schema}.refuse_tracked()`);
    try {
      const record = (k: number, remoteId: string) =>
        deliveries.markPublished(seeded[k]!.deliveryId, tokens[k]!, { remoteId, url: null, publishedAt: now }, new Date(now.getTime() + 5 * MIN));
      // A lone call goes at once; the calls made while it is out go together in the next round.
      const settled = await Promise.allSettled([
        deliveries.claimWork(randomUUID(), randomUUID(), now, LEASE_MS, m.marginMs),
        record(0, 'remote-fine'),
        record(1, 'remote-refused'),
        deliveries.claimWork(next!.deliveryId, randomUUID(), now, LEASE_MS, m.marginMs),
      ]);
      expect(settled[1]).toMatchObject({ status: 'rejected', reason: { message: expect.stringMatching(/record part failed: refused by the test/) } });
      expect(settled[2]).toMatchObject({ status: 'rejected', reason: { message: expect.stringMatching(/record part failed/) } });
      expect(settled[3]).toMatchObject({ status: 'fulfilled', value: { claimed: true } });
    } finally {
      await m.db.$executeRawUnsafe(`DROP TRIGGER refuse_tracked ON ${schema}.tracked_posts`);
    }
    // Rolled back together: both still held by their claims, neither tracked.
    const rows = await m.db.delivery.findMany({ where: { id: { in: seeded.map((d) => d.deliveryId) } } });
    expect(rows.map((r) => r.state)).toEqual(['publishing', 'publishing']);
    expect(await m.db.trackedPost.count({ where: { deliveryId: { in: seeded.map((d) => d.deliveryId) } } })).toBe(0);
    expect(await m.db.delivery.findUniqueOrThrow({ where: { id: next!.deliveryId } })).toMatchObject({ state: 'publishing', attempts: 1 });
  });
});
