import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { PrismaService } from '#database/prisma.service.js';
import { decideAccess, strikeInForce } from '#sites/access.js';
import { SitesRepository } from '../../apps/api/src/sites/sites.repository.js';
import { approvedStrike, MIN, newMedium, seedOrganisation, strikeSpec, type Medium, type Org } from './support/medium.js';

/**
 * A strike's websites change after its approval only by an amend motion, decided by the same rule:
 * the sites and forms the motion carries are written with the decision, never before.
 */
describe('an amendment changing the sites of an approved strike', () => {
  let m: Medium;
  let prisma: PrismaService;
  let sites: SitesRepository;

  beforeAll(async () => {
    m = await newMedium();
    prisma = new PrismaService(m.config);
    sites = new SitesRepository(prisma);
  });
  afterAll(async () => {
    await prisma?.onApplicationShutdown();
    await m?.close();
  });

  async function site(org: Org, name: string) {
    const key = `pqs_${randomBytes(16).toString('base64url')}`;
    const row = await m.db.site.create({ data: { organisationId: org.organisationId, name, origin: `https://${name}.example`, publicKey: key, createdById: org.admin.memberId } });
    return { id: row.id, key };
  }
  const rows = async (strikeId: string) =>
    (await m.db.strikeSite.findMany({ where: { strikeId }, orderBy: { siteId: 'asc' } })).map((r) => ({ siteId: r.siteId, form: r.form }));
  /** What the site's proxy and script would be told at `at`. */
  async function onSite(key: string, at: Date) {
    const snap = (await sites.snapshot(key, at))!;
    return { access: decideAccess(snap, snap.windows, '/', at).open, shown: strikeInForce(snap.windows, at)?.form ?? null };
  }

  it('adds a site and changes a form only once the motion is approved', async () => {
    const org = await seedOrganisation(m, { voters: 2, rule: { quorumCount: 2, quorumPercent: 0 } });
    const journal = await site(org, 'journal');
    const revue = await site(org, 'revue');
    const t0 = m.clock.now().getTime();
    const spec = strikeSpec(org, { startsAt: new Date(t0 + 60 * MIN), endsAt: new Date(t0 + 120 * MIN) });
    const id = await approvedStrike(m, org, spec);
    await m.db.strikeSite.create({ data: { strikeId: id, siteId: journal.id, form: 'banner' } });

    const amended = [
      { siteId: journal.id, form: 'closed' as const },
      { siteId: revue.id, form: 'page' as const },
    ];
    const opened = await m.strikes.openMotion(org.organisationId, id, org.admin.memberId, { kind: 'amend', spec, sites: amended }, ['approved'], {});
    if (!opened.ok) throw new Error(`motion refused: ${opened.refusal}`);
    // The motion carries the sites for voters to read.
    const [motion] = (await m.decisions.forStrike(org.organisationId, id)).filter((x) => x.id === opened.motionId);
    expect(motion?.proposal).toMatchObject({ kind: 'amend', sites: amended });

    // One vote of two: not decided; the strike's sites are as approved before.
    const first = await m.decisions.castVote(org.organisationId, opened.motionId, org.voters[0]!.memberId, 'approve');
    expect(first).toMatchObject({ ok: true, decision: null });
    expect(await rows(id)).toEqual([{ siteId: journal.id, form: 'banner' }]);
    // Inside the window, as things stand before the decision: the banner, the site open, the other site untouched.
    const during = new Date(t0 + 61 * MIN);
    expect(await onSite(journal.key, during)).toEqual({ access: true, shown: 'banner' });
    expect(await sites.snapshot(revue.key, during)).toMatchObject({ windows: [] });

    const second = await m.decisions.castVote(org.organisationId, opened.motionId, org.voters[1]!.memberId, 'approve');
    expect(second).toMatchObject({ ok: true, decision: 'approved' });
    const expected = [...amended].sort((a, b) => (a.siteId < b.siteId ? -1 : 1));
    expect(await rows(id)).toEqual(expected);

    expect(await onSite(journal.key, during)).toEqual({ access: false, shown: 'closed' });
    expect(await onSite(revue.key, during)).toEqual({ access: true, shown: 'page' });
    const audit = await m.db.auditEntry.findMany({ where: { strikeId: id, action: 'strike.sites' } });
    expect(audit.map((a) => [a.motionId, a.detail])).toEqual([[opened.motionId, { sites: expected }]]);
  });

  it('an amendment that does not carry sites leaves them; a rejected one changes nothing', async () => {
    const org = await seedOrganisation(m, { voters: 1, rule: { quorumCount: 1, quorumPercent: 0 } });
    const journal = await site(org, 'journal');
    const t0 = m.clock.now().getTime();
    const spec = strikeSpec(org, { startsAt: new Date(t0 + 60 * MIN), endsAt: new Date(t0 + 120 * MIN) });
    const id = await approvedStrike(m, org, spec);
    await m.db.strikeSite.create({ data: { strikeId: id, siteId: journal.id, form: 'banner' } });

    const later = { ...spec, endsAt: new Date(t0 + 150 * MIN) };
    const kept = await m.strikes.openMotion(org.organisationId, id, org.admin.memberId, { kind: 'amend', spec: later }, ['approved'], {});
    if (!kept.ok) throw new Error('refused');
    await m.decisions.castVote(org.organisationId, kept.motionId, org.admin.memberId, 'approve');
    expect(await m.lifecycle.find(id)).toMatchObject({ endsAt: later.endsAt });
    expect(await rows(id)).toEqual([{ siteId: journal.id, form: 'banner' }]);

    const none = await m.strikes.openMotion(org.organisationId, id, org.admin.memberId, { kind: 'amend', spec: later, sites: [] }, ['approved'], {});
    if (!none.ok) throw new Error('refused');
    await m.decisions.castVote(org.organisationId, none.motionId, org.admin.memberId, 'reject');
    expect(await rows(id)).toEqual([{ siteId: journal.id, form: 'banner' }]);
  });
  it('a site removed while the amendment was open is left out, and the audit names it', async () => {
    const org = await seedOrganisation(m, { voters: 1, rule: { quorumCount: 1, quorumPercent: 0 } });
    const journal = await site(org, 'journal');
    const revue = await site(org, 'revue');
    const t0 = m.clock.now().getTime();
    const spec = strikeSpec(org, { startsAt: new Date(t0 + 60 * MIN), endsAt: new Date(t0 + 120 * MIN) });
    const id = await approvedStrike(m, org, spec);
    const amended = [
      { siteId: revue.id, form: 'banner' as const },
      { siteId: journal.id, form: 'closed' as const },
    ];
    const opened = await m.strikes.openMotion(org.organisationId, id, org.admin.memberId, { kind: 'amend', spec, sites: amended }, ['approved'], {});
    if (!opened.ok) throw new Error(`motion refused: ${opened.refusal}`);
    await m.db.site.update({ where: { id: revue.id }, data: { removedAt: m.clock.now() } });

    await m.decisions.castVote(org.organisationId, opened.motionId, org.admin.memberId, 'approve');
    expect(await rows(id)).toEqual([{ siteId: journal.id, form: 'closed' }]);
    const audit = await m.db.auditEntry.findMany({ where: { strikeId: id, action: 'strike.sites' } });
    expect(audit.map((a) => a.detail)).toEqual([{ sites: [{ siteId: journal.id, form: 'closed' }], leftOut: [revue.id] }]);
  });
});
