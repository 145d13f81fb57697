/**
 * A strike's websites after the proposal, through the API: a proposal's edit changes them at once; an
 * approved strike's edit opens an amend motion carrying the new sites and forms, and nothing changes
 * on the sites (their public status included) until the motion is approved.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApi, type Api } from './support/api.js';
import { createTestEnv, type TestEnv } from './support/env.js';
import { approveMotion, createVoters, openMotion } from './support/strikes.js';

const at = (ms: number) => new Date(ms).toISOString();

describe("changing a strike's websites", () => {
  let t: TestEnv;
  let api: Api;
  let admin: string;
  let voters: string[];
  let other: string;

  beforeAll(async () => {
    t = await createTestEnv();
    api = await startApi(t.config);
    ({ token: admin } = await api.createOrganisation('Rédaction'));
    ({ token: other } = await api.createOrganisation('Autre maison'));
    voters = [admin, ...(await createVoters(api, admin, 1))];
  });

  afterAll(async () => {
    await api?.close().catch(() => undefined);
    await t?.cleanup();
  });

  it('edits a proposal at once, and amends an approved strike only by decision', async () => {
    const journal = (await api.call('POST', '/v1/sites', admin, { name: 'Journal', origin: 'https://journal.example' })).body;
    const revue = (await api.call('POST', '/v1/sites', admin, { name: 'Revue', origin: 'https://revue.example' })).body;
    const theirs = (await api.call('POST', '/v1/sites', other, { name: 'Leur site', origin: 'https://autre.example' })).body;
    const created = await api.call('POST', '/v1/strikes', admin, {
      title: 'Grève',
      reason: 'Salaires',
      startsAt: at(Date.now() + 3_600_000),
      endsAt: at(Date.now() + 7_200_000),
      allAccounts: true,
      mode: 'silence',
      sites: [{ siteId: journal.id, form: 'banner' }],
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const sitesOf = async () => (await api.call('GET', `/v1/strikes/${id}`, admin)).body.sites.map((s: { name: string; form: string }) => [s.name, s.form]);

    // The same sites change nothing; another organisation's site is refused, naming the entry.
    const same = await api.call('PATCH', `/v1/strikes/${id}`, admin, { sites: [{ siteId: journal.id, form: 'banner' }] });
    expect(same.status).toBe(400);
    expect(same.body.errors[0].field).toBe('body');
    const foreign = await api.call('PATCH', `/v1/strikes/${id}`, admin, { sites: [{ siteId: theirs.id, form: 'closed' }] });
    expect(foreign.status).toBe(400);
    expect(foreign.body.errors[0].field).toBe('sites.0.siteId');

    // A proposal: edited in place.
    const edited = await api.call('PATCH', `/v1/strikes/${id}`, admin, { sites: [{ siteId: journal.id, form: 'closed' }] });
    expect(edited.status).toBe(200);
    expect(await sitesOf()).toEqual([['Journal', 'closed']]);
    await approveMotion(api, await openMotion(api, admin, id, 'approve'), voters);
    expect((await api.call('GET', `/v1/strikes/${id}`, admin)).body.state).toBe('approved');

    // Approved: the edit opens an amend motion that carries the sites; nothing changes yet.
    const amended = await api.call('PATCH', `/v1/strikes/${id}`, admin, {
      sites: [
        { siteId: journal.id, form: 'page' },
        { siteId: revue.id, form: 'closed' },
      ],
    });
    expect(amended.status).toBe(200);
    const motionId = await openMotion(api, admin, id, 'amend');
    const motion = (await api.call('GET', `/v1/motions/${motionId}`, admin)).body;
    expect(motion.proposal.sites).toEqual(
      expect.arrayContaining([
        { siteId: journal.id, form: 'page' },
        { siteId: revue.id, form: 'closed' },
      ]),
    );
    expect(await sitesOf()).toEqual([['Journal', 'closed']]);
    const status = async (key: string) => (await api.call('GET', `/v1/public/sites/${key}/status`, null)).body;
    expect((await status(revue.publicKey)).next).toBeNull();
    expect((await status(journal.publicKey)).next).toMatchObject({ id, form: 'closed' });
    // The edit preview shows the sites as the amendment would leave them.
    const preview = await api.call('POST', `/v1/strikes/${id}/preview`, admin, { sites: motion.proposal.sites });
    expect(preview.body.sites.map((s: { name: string; form: string }) => [s.name, s.form])).toEqual([
      ['Journal', 'page'],
      ['Revue', 'closed'],
    ]);

    await approveMotion(api, motionId, voters);
    expect(await sitesOf()).toEqual([
      ['Journal', 'page'],
      ['Revue', 'closed'],
    ]);
    // Piquet's public answers keep a site's rows for up to 2 s.
    await new Promise((r) => setTimeout(r, 2_100));
    expect((await status(revue.publicKey)).next).toMatchObject({ id, form: 'closed' });
    expect((await status(journal.publicKey)).next).toMatchObject({ id, form: 'page' });
    // A strike's audit trail reads oldest first: proposed, edited, amended.
    const audit = (await api.call('GET', `/v1/audit?strikeId=${id}`, admin)).body.items as { action: string; motionId: string | null }[];
    expect(audit.filter((a) => a.action === 'strike.sites').map((a) => a.motionId)).toEqual([null, null, motionId]);
  });
});
