import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeMastodon, type FakeStatus } from '../apps/sandbox/src/mastodon-server.js';
import { connectAccount, startApi, type Api, type Connected } from './support/api.js';
import { createTestEnv, waitFor, type TestEnv } from './support/env.js';
import { startWorker, type RunningProcess } from './support/processes.js';
import { approvedStrike, approveMotion, createVoters, message, openMotion } from './support/strikes.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const PNG_RED = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');
const at = (ms: number) => new Date(ms).toISOString();
const MINUTE = 60_000;
const inWindow = (s: FakeStatus, start: number, end: number) => s.createdAt.getTime() >= start && s.createdAt.getTime() < end;

describe('occupation, fates and decisions over a running strike', () => {
  let t: TestEnv;
  let api: Api;
  let worker: RunningProcess;
  const mastodon = new FakeMastodon();
  let admin: string;
  let voters: string[];

  beforeAll(async () => {
    t = await createTestEnv({ NATIVE_SCAN_INTERVAL_MS: '1000' });
    await mastodon.start();
    api = await startApi(t.config);
    worker = await startWorker(t.env);
    ({ token: admin } = await api.createOrganisation('Plateforme'));
    voters = await createVoters(api, admin, 2);
  });

  afterAll(async () => {
    await worker?.stop();
    await api?.close();
    await mastodon.stop();
    await t?.cleanup();
  });

  const live = async (id: string) => (await api.call('GET', `/v1/strikes/${id}/live`, admin)).body;
  const ended = (id: string) => waitFor(async () => ((await live(id)).state === 'ended' ? live(id) : null), `strike ${id} to end`, 60_000);
  const restored = (id: string) =>
    waitFor(
      async () => {
        const l = await live(id);
        return l.state === 'ended' && l.occupations.every((o: { restoreState: string }) => o.restoreState === 'done') ? l : null;
      },
      `strike ${id} to be restored`,
      60_000,
    );

  async function upload(bytes: Buffer): Promise<string> {
    const form = new FormData();
    form.append('file', new Blob([bytes], { type: 'image/png' }), 'image.png');
    const r = await api.call('POST', '/v1/media', admin, form);
    expect(r.status).toBe(201);
    return r.body.id as string;
  }

  function body(accounts: Connected[], start: number, end: number, extra: Record<string, unknown> = {}) {
    return {
      title: 'Grève',
      reason: 'Conditions de travail',
      startsAt: at(start),
      endsAt: at(end),
      accountIds: accounts.map((a) => a.account.id),
      mode: 'occupation',
      heldPolicy: 'resume',
      resumeSpacingSeconds: 1,
      occupationSpacingSeconds: 1,
      messages: { opening: message('En grève aujourd’hui'), rotation: [message('Message de grève')] },
      ...extra,
    };
  }

  it('occupies the profile, pins the opening post, and restores exactly what it changed, leaving a hand edit alone', async () => {
    const a = await connectAccount(api, admin, mastodon, 'revue');
    const original = { displayName: 'La Revue', note: 'Revue de sciences humaines', avatar: { bytes: PNG, mime: 'image/png' } };
    mastodon.editProfileByHand(a.remote.id, original);
    const native = [
      mastodon.addScheduled(a.remote.id, 'programmé dans la fenêtre', new Date(Date.now() + 10 * MINUTE)),
      mastodon.addScheduled(a.remote.id, 'programmé après', new Date(Date.now() + 120 * MINUTE)),
    ];
    const avatarId = await upload(PNG_RED);
    const start = Math.ceil((Date.now() + 5000) / 1000) * 1000;
    const end = start + 20 * MINUTE;
    const strike = await approvedStrike(
      api,
      admin,
      voters,
      body([a], start, end, {
        profile: { displayNamePrefix: '✊', displayNameSuffix: 'en grève', bio: 'Nous sommes en grève.', avatarMediaId: avatarId, pinOpening: true },
      }),
    );

    await waitFor(async () => (mastodon.profileOf(a.remote.id).pinnedIds.length === 1 ? true : null), 'the opening post to be pinned');
    const occupied = mastodon.profileOf(a.remote.id);
    expect(occupied.displayName).toBe('✊ La Revue en grève');
    expect(occupied.note).toBe('Nous sommes en grève.');
    expect(occupied.avatar?.bytes.equals(PNG_RED)).toBe(true);
    const opening = mastodon.statusesOf(a.remote.id).find((s) => s.text === 'En grève aujourd’hui')!;
    expect(occupied.pinnedIds).toEqual([opening.id]);
    // The natively scheduled post inside the window was moved out of it; the one after was left alone.
    const parked = mastodon.scheduledOf(a.remote.id).find((s) => s.id === native[0]!.id)!;
    expect(parked.scheduledAt.getTime()).toBeGreaterThan(end);
    expect(mastodon.scheduledOf(a.remote.id).find((s) => s.id === native[1]!.id)!.scheduledAt).toEqual(native[1]!.scheduledAt);

    // Another tool schedules a post into the window while the strike runs: parked too.
    const sneaky = mastodon.addScheduled(a.remote.id, 'programmé pendant la grève', new Date(Date.now() + 6 * MINUTE));
    await waitFor(
      async () => (mastodon.scheduledOf(a.remote.id).find((x) => x.id === sneaky.id)!.scheduledAt.getTime() > end ? true : null),
      'the post scheduled during the strike to be parked',
    );

    // Someone edits the bio by hand during the strike.
    mastodon.editProfileByHand(a.remote.id, { note: 'Bio réécrite à la main' });

    // End it now, by decision.
    const stop = await api.call('POST', `/v1/strikes/${strike.id}/stop`, admin, {});
    expect(stop.status).toBe(201);
    await approveMotion(api, await openMotion(api, admin, strike.id, 'stop'), voters);
    const done = await restored(strike.id);

    const after = mastodon.profileOf(a.remote.id);
    expect(after.displayName).toBe('La Revue');
    expect(after.avatar?.bytes.equals(PNG)).toBe(true);
    expect(after.note).toBe('Bio réécrite à la main');
    expect(after.pinnedIds).toEqual([]);
    expect(done.occupations[0].report).toMatchObject({ displayName: 'restored', avatar: 'restored', bio: 'left as edited during the strike', pin: 'unpinned' });
    // The parked native post comes back after the end (resume), at least Mastodon's five minutes ahead.
    const back = mastodon.scheduledOf(a.remote.id).find((s) => s.id === native[0]!.id)!;
    expect(back.scheduledAt.getTime()).toBeLessThan(end);
    expect(back.scheduledAt.getTime()).toBeGreaterThanOrEqual(native[0]!.scheduledAt.getTime());
    expect(done.nativeScheduled).toMatchObject([
      { remoteId: sneaky.id, fate: 'resumed' },
      { remoteId: native[0]!.id, fate: 'resumed' },
    ]);
    const sneakyBack = mastodon.scheduledOf(a.remote.id).find((x) => x.id === sneaky.id)!;
    expect(sneakyBack.scheduledAt.getTime()).toBeLessThan(end);
  }, 90_000);

  it('gives held posts the fate each strike chose: shift, drop, review (then a person decides)', async () => {
    const [shift, drop, review] = [
      await connectAccount(api, admin, mastodon, 'shift'),
      await connectAccount(api, admin, mastodon, 'drop'),
      await connectAccount(api, admin, mastodon, 'review'),
    ];
    const start = Math.ceil((Date.now() + 12_000) / 1000) * 1000;
    const end = start + 4000;
    const nativeDrop = mastodon.addScheduled(drop.remote.id, 'natif', new Date(start + 1000));
    const nativeReview = mastodon.addScheduled(review.remote.id, 'natif à revoir', new Date(start + 2000));
    const posts: Record<string, { id: string; deliveries: { id: string }[] }> = {};
    for (const [name, c] of Object.entries({ shift, drop, review })) {
      const r = await api.call('POST', '/v1/posts', admin, { text: `ordinaire ${name}`, scheduledAt: at(start + 1000), accountIds: [c.account.id] });
      posts[name] = r.body;
    }
    const strikes = {
      shift: await approvedStrike(api, admin, voters, body([shift], start, end, { heldPolicy: 'shift', mode: 'silence', messages: undefined })),
      drop: await approvedStrike(api, admin, voters, body([drop], start, end, { heldPolicy: 'drop', mode: 'silence', messages: undefined })),
      review: await approvedStrike(api, admin, voters, body([review], start, end, { heldPolicy: 'review', mode: 'silence', messages: undefined })),
    };
    const [ls, ld, lr] = await Promise.all([ended(strikes.shift.id), ended(strikes.drop.id), ended(strikes.review.id)]);

    // shift: moved later by the strike's length, then published.
    expect(ls.holds.items[0]).toMatchObject({ fate: 'shifted', newScheduledAt: at(start + 1000 + 4000) });
    await waitFor(async () => (mastodon.statusesOf(shift.remote.id).length === 1 ? true : null), 'the shifted post');
    expect(mastodon.statusesOf(shift.remote.id)[0]!.createdAt.getTime()).toBeGreaterThanOrEqual(start + 5000);
    // drop: cancelled with a reason naming the strike; the native one deleted.
    expect(ld.holds.items[0]).toMatchObject({ fate: 'dropped', deliveryState: 'cancelled' });
    const dropped = await api.call('GET', `/v1/posts/${posts['drop']!.id}`, admin);
    expect(dropped.body.deliveries[0].cancelReason).toContain(strikes.drop.id);
    await waitFor(async () => (mastodon.scheduledOf(drop.remote.id).length === 0 ? true : null), 'the native post to be deleted');
    expect(mastodon.scheduledOf(drop.remote.id).map((s) => s.id)).not.toContain(nativeDrop.id);
    // review: parked until a person decides; a viewer cannot, a community manager can.
    expect(lr.holds.items[0]).toMatchObject({ fate: 'review', deliveryState: 'held' });
    const holdId = lr.holds.items[0].id as string;
    expect(mastodon.statusesOf(review.remote.id)).toHaveLength(0);
    const [viewer] = await createVoters(api, admin, 1, 'viewer');
    expect((await api.call('POST', `/v1/holds/${holdId}/resume`, viewer!, {})).status).toBe(403);
    const resumed = await api.call('POST', `/v1/holds/${holdId}/resume`, admin, {});
    expect(resumed.status).toBe(200);
    expect((await api.call('POST', `/v1/holds/${holdId}/drop`, admin, {})).status).toBe(409);
    await waitFor(async () => (mastodon.statusesOf(review.remote.id).length === 1 ? true : null), 'the reviewed post to be published');
    // The natively scheduled post in review stays parked until a person brings it back, on the instance.
    const parked = await waitFor(async () => {
      const l = await live(strikes.review.id);
      return l.nativeScheduled[0]?.fate === 'review' ? l.nativeScheduled[0] : null;
    }, 'the native post to wait for review');
    expect(mastodon.scheduledOf(review.remote.id)[0]!.scheduledAt.getTime()).toBeGreaterThan(end + 300 * 24 * 3600_000);
    expect((await api.call('POST', `/v1/native-holds/${parked.id}/resume`, admin, { scheduledAt: at(Date.now() + 60_000) })).status).toBe(400);
    const when = Math.ceil((Date.now() + 10 * MINUTE) / 1000) * 1000;
    const back = await api.call('POST', `/v1/native-holds/${parked.id}/resume`, admin, { scheduledAt: at(when) });
    expect(back.status).toBe(200);
    expect(mastodon.scheduledOf(review.remote.id).find((x) => x.id === nativeReview.id)!.scheduledAt.getTime()).toBe(when);
    expect((await api.call('POST', `/v1/native-holds/${parked.id}/drop`, admin, {})).status).toBe(409);
  }, 90_000);

  it('overlapping strikes on one account, an extension and a cancellation by decision: no leak anywhere', async () => {
    const a = await connectAccount(api, admin, mastodon, 'overlap');
    const b = await connectAccount(api, admin, mastodon, 'cancelled');
    const start = Math.ceil((Date.now() + 14_000) / 1000) * 1000;
    // First strike [0, 4 s), second [2 s, 6 s), extended by decision to 8 s.
    const first = await approvedStrike(api, admin, voters, body([a], start, start + 4000, { messages: { opening: message('Grève une'), rotation: [message('Message de grève')] } }));
    const second = await approvedStrike(api, admin, voters, body([a], start + 2000, start + 6000, { messages: { opening: message('Grève deux'), rotation: [message('Message de grève')] } }));
    const later = await approvedStrike(api, admin, voters, body([b], start, start + 6000, { messages: { opening: message('Annulée'), rotation: [message('Message de grève')] } }));
    for (let i = 0; i < 20; i++) {
      await api.call('POST', '/v1/posts', admin, { text: `ordinaire ${i}`, scheduledAt: at(start + 250 + i * 500), accountIds: [a.account.id, b.account.id] });
    }
    expect((await api.call('POST', `/v1/strikes/${second.id}/extend`, admin, { endsAt: at(start + 8000) })).status).toBe(201);
    await approveMotion(api, await openMotion(api, admin, second.id, 'extend'), voters);
    expect((await api.call('POST', `/v1/strikes/${later.id}/stop`, admin, {})).status).toBe(201);
    await approveMotion(api, await openMotion(api, admin, later.id, 'stop'), voters);
    expect((await api.call('GET', `/v1/strikes/${later.id}`, admin)).body.state).toBe('cancelled');

    await ended(second.id);
    await waitFor(async () => (mastodon.statusesOf(a.remote.id).filter((s) => s.text.startsWith('ordinaire')).length === 20 ? true : null), 'every held post', 60_000);
    const onA = mastodon.statusesOf(a.remote.id);
    expect(onA.filter((s) => s.text.startsWith('ordinaire') && inWindow(s, start, start + 8000)).map((s) => s.text)).toEqual([]);
    expect(onA.filter((s) => s.text === 'Grève une')).toHaveLength(1);
    expect(onA.filter((s) => s.text === 'Grève deux')).toHaveLength(1);
    // The first strike's resumed posts fell inside the second window: held again, by the second strike.
    const l2 = await live(second.id);
    expect(l2.holds.total).toBeGreaterThan(0);
    // The cancelled strike never stopped anything: its account's posts went out on time, no strike post.
    await waitFor(async () => (mastodon.statusesOf(b.remote.id).length === 20 ? true : null), 'posts of the cancelled strike\'s account', 30_000);
    expect(mastodon.statusesOf(b.remote.id).some((s) => s.text === 'Annulée')).toBe(false);
    expect(mastodon.statusesOf(b.remote.id).filter((s) => inWindow(s, start, start + 6000)).length).toBeGreaterThan(0);
    expect((await live(first.id)).state).toBe('ended');
  }, 120_000);
});
