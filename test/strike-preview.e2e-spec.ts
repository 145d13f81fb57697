import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeMastodon } from '../apps/sandbox/src/mastodon-server.js';
import { connectAccount, startApi, type Api } from './support/api.js';
import { createTestEnv, type TestEnv } from './support/env.js';
import { message } from './support/strikes.js';

const MIN = 60_000;
const at = (ms: number) => new Date(ms).toISOString();

describe('strike preview', () => {
  let t: TestEnv;
  let api: Api;
  let admin: string;
  const mastodon = new FakeMastodon();

  beforeAll(async () => {
    t = await createTestEnv();
    await mastodon.start();
    api = await startApi(t.config);
    ({ token: admin } = await api.createOrganisation('Aperçu'));
  });

  afterAll(async () => {
    await api?.close();
    await mastodon.stop();
    await t?.cleanup();
  });

  it('shows the exact timeline: held posts, rotating strike posts with their spacing, fates and profile changes', async () => {
    const a = await connectAccount(api, admin, mastodon, 'journal');
    const other = await connectAccount(api, admin, mastodon, 'ailleurs');
    const start = Math.ceil((Date.now() + 60 * MIN) / MIN) * MIN;
    const end = start + 60 * MIN;
    const held: string[] = [];
    for (const m of [1, 2, 20, 40]) {
      const r = await api.call('POST', '/v1/posts', admin, { text: `à +${m}`, scheduledAt: at(start + m * MIN), accountIds: [a.account.id, other.account.id] });
      held.push(r.body.deliveries.find((d: { accountId: string }) => d.accountId === a.account.id).id);
    }
    await api.call('POST', '/v1/posts', admin, { text: 'après', scheduledAt: at(end + 5 * MIN), accountIds: [a.account.id] });

    const created = await api.call('POST', '/v1/strikes', admin, {
      title: 'Grève',
      reason: 'Salaires',
      startsAt: at(start),
      endsAt: at(end),
      accountIds: [a.account.id],
      mode: 'occupation',
      heldPolicy: 'resume',
      resumeSpacingSeconds: 300,
      occupationSpacingSeconds: 900,
      messages: { opening: message('Ouverture'), rotation: [message('R1'), message('R2')], closing: message('Clôture') },
      profile: { displayNamePrefix: '✊', bio: 'En grève' },
    });
    expect(created.status).toBe(201);
    const preview = await api.call('GET', `/v1/strikes/${created.body.id}/preview`, admin);
    expect(preview.status).toBe(200);
    const timeline = preview.body.timeline as { at: string; kind: string; accountId: string; detail: Record<string, unknown> }[];
    expect(timeline.every((e) => e.accountId === a.account.id)).toBe(true);
    const rows = timeline.map((e) => [Date.parse(e.at) - start, e.kind, e.detail['role'] ?? e.detail['action'] ?? e.detail['fate'], e.detail['text'] ?? null]);
    expect(rows).toEqual([
      [0, 'profile', 'occupy', null],
      [0, 'strike-post', 'opening', 'Ouverture'],
      [1 * MIN, 'hold', undefined, 'à +1'],
      [2 * MIN, 'hold', undefined, 'à +2'],
      [20 * MIN, 'strike-post', 'slot', 'R1'],
      [20 * MIN, 'hold', undefined, 'à +20'],
      [40 * MIN, 'strike-post', 'slot', 'R2'],
      [40 * MIN, 'hold', undefined, 'à +40'],
      [60 * MIN, 'profile', 'restore', null],
      [60 * MIN, 'strike-post', 'closing', 'Clôture'],
      [60 * MIN, 'held-post-returns', 'resume', null],
      [65 * MIN, 'held-post-returns', 'resume', null],
      [70 * MIN, 'held-post-returns', 'resume', null],
      [75 * MIN, 'held-post-returns', 'resume', null],
    ]);
    expect(preview.body.profiles[0].changes).toMatchObject({ displayName: { from: 'journal', to: '✊ journal' }, bio: { to: 'En grève' } });
    expect(preview.body.counts).toMatchObject({ held: 4, strikePosts: 4 });
    // Previewing changes nothing.
    const post = await api.call('GET', `/v1/posts?accountId=${a.account.id}&state=held`, admin);
    expect(post.body.items).toHaveLength(0);
  });

  it('previews a strike not saved yet, and an edit of a proposal, with the same planner and checks; nothing is written', async () => {
    const a = await connectAccount(api, admin, mastodon, 'brouillon');
    const start = Math.ceil((Date.now() + 60 * MIN) / MIN) * MIN;
    const end = start + 30 * MIN;
    for (const m of [5, 10]) await api.call('POST', '/v1/posts', admin, { text: `à +${m}`, scheduledAt: at(start + m * MIN), accountIds: [a.account.id] });
    const body = {
      title: 'Brouillon',
      reason: 'Salaires',
      startsAt: at(start),
      endsAt: at(end),
      accountIds: [a.account.id],
      mode: 'occupation',
      heldPolicy: 'drop',
      occupationSpacingSeconds: 60,
      messages: { opening: message('Ouverture'), closing: message('Clôture') },
      profile: { displayNameSuffix: 'en grève' },
    };
    const before = await api.call('GET', '/v1/strikes', admin);
    const draft = await api.call('POST', '/v1/strikes/preview', admin, body);
    expect(draft.status).toBe(200);
    expect(draft.body).toMatchObject({ strikeId: null, state: 'draft', heldPolicy: 'drop' });
    expect(draft.body.counts).toEqual({ held: 2, strikePosts: 4, returns: 0, dropped: 2, review: 0, profileChanges: 2 });
    expect((await api.call('GET', '/v1/strikes', admin)).body.items).toHaveLength(before.body.items.length);

    // The saved strike previews exactly as its draft did.
    const saved = await api.call('POST', '/v1/strikes', admin, body);
    const preview = await api.call('GET', `/v1/strikes/${saved.body.id}/preview`, admin);
    expect(preview.body.timeline).toEqual(draft.body.timeline);
    expect(preview.body.counts).toEqual(draft.body.counts);

    // An edit previewed: only the changed field is sent, the rest comes from the saved proposal.
    const edit = await api.call('POST', `/v1/strikes/${saved.body.id}/preview`, admin, { heldPolicy: 'resume', resumeSpacingSeconds: 120 });
    expect(edit.status).toBe(200);
    expect(edit.body).toMatchObject({ strikeId: saved.body.id, state: 'proposed' });
    expect(edit.body.counts).toMatchObject({ held: 2, returns: 2, dropped: 0 });
    const returns = edit.body.timeline.filter((e: { kind: string }) => e.kind === 'held-post-returns').map((e: { at: string }) => Date.parse(e.at) - end);
    expect(returns).toEqual([0, 2 * MIN]);
    expect((await api.call('GET', `/v1/strikes/${saved.body.id}`, admin)).body.heldPolicy).toBe('drop');

    // Field errors as POST /v1/strikes gives them: the composer shows each at its field.
    const bad = await api.call('POST', '/v1/strikes/preview', admin, {
      ...body,
      startsAt: at(Date.now() - MIN),
      messages: { opening: message('x'.repeat(501)) },
      surprise: true,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['surprise']);
    const tooLong = await api.call('POST', '/v1/strikes/preview', admin, { ...body, startsAt: at(Date.now() - MIN), messages: { opening: message('x'.repeat(501)) } });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['startsAt']);
    const long = await api.call('POST', '/v1/strikes/preview', admin, { ...body, messages: { opening: message('x'.repeat(501)) } });
    expect(long.status).toBe(400);
    expect(long.body.errors).toEqual([{ field: 'messages.opening.text', message: expect.stringContaining('at most 500') }]);
  });

  it('reads windows with their offsets, across a daylight-saving change', async () => {
    const a = await connectAccount(api, admin, mastodon, 'heure');
    // Paris moves from +01:00 to +02:00 at 02:00 on 28 March 2027: this window lasts one hour.
    const r = await api.call('POST', '/v1/strikes', admin, {
      title: 'Grève à l’heure d’été',
      reason: 'Horaires',
      startsAt: '2027-03-28T01:30:00+01:00',
      endsAt: '2027-03-28T03:30:00+02:00',
      accountIds: [a.account.id],
      mode: 'silence',
    });
    expect(r.status).toBe(201);
    expect(r.body.startsAt).toBe('2027-03-28T00:30:00.000Z');
    expect(Date.parse(r.body.endsAt) - Date.parse(r.body.startsAt)).toBe(60 * MIN);
    const noOffset = await api.call('POST', '/v1/strikes', admin, {
      title: 'x',
      reason: 'y',
      startsAt: '2027-03-28T01:30:00',
      endsAt: '2027-03-28T03:30:00+02:00',
      accountIds: [a.account.id],
      mode: 'silence',
    });
    expect(noOffset.status).toBe(400);
    expect(noOffset.body.errors.map((e: { field: string }) => e.field)).toEqual(['startsAt']);
  });
});
