import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeMastodon, type FakeStatus } from '../apps/sandbox/src/mastodon-server.js';
import { connectAccount, startApi, type Api } from './support/api.js';
import { createTestEnv, waitFor, type TestEnv } from './support/env.js';
import { startWorker, type RunningProcess } from './support/processes.js';
import { approvedStrike, createVoters, message } from './support/strikes.js';

const at = (ms: number) => new Date(ms).toISOString();
// A 1x1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

describe('the gate: a strike stops the queue on the minute, two workers, nothing lost', () => {
  let t: TestEnv;
  let api: Api;
  const workers: RunningProcess[] = [];
  const mastodon = new FakeMastodon();
  let admin: string;
  let voters: string[];

  beforeAll(async () => {
    t = await createTestEnv();
    await mastodon.start();
    api = await startApi(t.config);
    workers.push(await startWorker(t.env), await startWorker(t.env));
    ({ token: admin } = await api.createOrganisation('Rédaction'));
    voters = await createVoters(api, admin, 2);
  });

  afterAll(async () => {
    for (const w of workers) await w.stop();
    await api?.close();
    await mastodon.stop();
    await t?.cleanup();
  });

  it('holds every ordinary post due in the window, occupies the accounts, and resumes the held posts spaced after the end', async () => {
    const [a1, a2, outside] = [
      await connectAccount(api, admin, mastodon, 'journal'),
      await connectAccount(api, admin, mastodon, 'radio'),
      await connectAccount(api, admin, mastodon, 'autre'),
    ];
    const start = Math.ceil((Date.now() + 12_000) / 1000) * 1000;
    const end = start + 8000;
    // Posts every 400 ms from 4 s before the start to 4 s after the end, on both accounts in scope.
    const posts = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        api.call('POST', '/v1/posts', admin, { text: `ordinary ${i}`, scheduledAt: at(start - 4000 + i * 400), accountIds: [a1.account.id, a2.account.id] }),
      ),
    );
    const outsidePosts = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        api.call('POST', '/v1/posts', admin, { text: `outside ${i}`, scheduledAt: at(start + 1000 + i * 1000), accountIds: [outside.account.id] }),
      ),
    );
    expect([...posts, ...outsidePosts].every((p) => p.status === 201)).toBe(true);

    const strike = await approvedStrike(api, admin, voters, {
      title: 'Grève du 5 décembre',
      reason: 'Contre la réforme des retraites',
      startsAt: at(start),
      endsAt: at(end),
      accountIds: [a1.account.id, a2.account.id],
      mode: 'occupation',
      heldPolicy: 'resume',
      resumeSpacingSeconds: 1,
      occupationSpacingSeconds: 2,
      messages: { opening: message('Nous sommes en grève'), rotation: [message('Grève 1'), message('Grève 2')], closing: message('Fin de la grève') },
    });

    const live = await waitFor(
      async () => {
        const r = await api.call('GET', `/v1/strikes/${strike.id}/live`, admin);
        const held = r.body.holds.items as { deliveryState: string }[];
        return r.body.state === 'ended' && held.every((h) => h.deliveryState === 'published') ? r.body : null;
      },
      'the strike to end and its held posts to be published',
      90_000,
    );

    const ordinary = (s: FakeStatus) => s.text.startsWith('ordinary');
    for (const { remote } of [a1, a2]) {
      const statuses = mastodon.statusesOf(remote.id);
      const mine = statuses.filter(ordinary);
      // Nothing lost, nothing twice: each of the 40 posts exactly once on this account.
      expect(mine).toHaveLength(40);
      expect(new Set(mine.map((s) => s.text)).size).toBe(40);
      // No leak: no ordinary post received inside the window.
      const leaks = mine.filter((s) => s.createdAt.getTime() >= start && s.createdAt.getTime() < end);
      expect(leaks.map((s) => `${s.text} at ${s.createdAt.toISOString()}`)).toEqual([]);
      // The opening post on time, the closing one after the end, strike messages in between, spaced.
      const opening = statuses.find((s) => s.text === 'Nous sommes en grève')!;
      expect(opening.createdAt.getTime() - start).toBeGreaterThanOrEqual(0);
      expect(opening.createdAt.getTime() - start).toBeLessThan(2000);
      const closing = statuses.find((s) => s.text === 'Fin de la grève')!;
      expect(closing.createdAt.getTime()).toBeGreaterThanOrEqual(end);
      const slots = statuses.filter((s) => s.text.startsWith('Grève ')).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
      expect(slots.length).toBeGreaterThanOrEqual(2);
      expect(slots.map((s) => s.text).slice(0, 2)).toEqual(['Grève 1', 'Grève 2']);
      for (const s of slots) expect(s.createdAt.getTime()).toBeLessThan(end);
    }

    // Every held post has exactly one fate, and they come back spaced per account, never in a burst.
    const holds = live.holds.items as { accountId: string; fate: string; newScheduledAt: string; originalScheduledAt: string }[];
    expect(holds.length).toBeGreaterThanOrEqual(2 * 20);
    expect(holds.every((h) => h.fate === 'resumed')).toBe(true);
    for (const account of [a1, a2]) {
      const times = holds.filter((h) => h.accountId === account.account.id).map((h) => Date.parse(h.newScheduledAt)).sort((a, b) => a - b);
      expect(times[0]).toBeGreaterThanOrEqual(end);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1000);
    }

    // Every hold can be walked page by page, each exactly once.
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } = await api.call(
        'GET',
        `/v1/strikes/${strike.id}/holds?limit=7${cursor ? `&cursor=${cursor}` : ''}`,
        admin,
      );
      expect(page.status).toBe(200);
      walked.push(...page.body.items.map((h) => h.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(walked).size).toBe(holds.length);
    expect(walked).toHaveLength(holds.length);
    expect((await api.call('GET', `/v1/strikes/${strike.id}/holds?fate=dropped`, admin)).body.items).toEqual([]);
    expect((await api.call('GET', `/v1/strikes/${strike.id}/holds?fate=gone`, admin)).status).toBe(400);

    // Out of scope: published on time, inside the window.
    const others = mastodon.statusesOf(outside.remote.id);
    expect(others).toHaveLength(5);
    expect(others.some((s) => s.createdAt.getTime() >= start && s.createdAt.getTime() < end)).toBe(true);
  }, 150_000);

  it('asks the gate again after the media uploads: a strike decided during the upload holds the post', async () => {
    const { remote, account } = await connectAccount(api, admin, mastodon, 'photos');
    const form = new FormData();
    form.append('file', new Blob([PNG], { type: 'image/png' }), 'pixel.png');
    const media = await api.call('POST', '/v1/media', admin, form);
    expect(media.status).toBe(201);
    let decided: Promise<{ id: string }> | null = null;
    // The claim's answer (no strike yet) let the upload go; the strike is decided while it is out.
    mastodon.pauseNext({ path: /^\/api\/v2\/media$/, method: 'POST' }, async () => {
      decided = approvedStrike(api, admin, voters, {
        title: 'Grève éclair',
        reason: 'Décidée pendant un envoi',
        startsAt: at(Date.now() + 2000),
        endsAt: at(Date.now() + 120_000),
        accountIds: [account.id],
        mode: 'silence',
        heldPolicy: 'review',
        resumeSpacingSeconds: 1,
      });
      await decided;
    });
    const created = await api.call('POST', '/v1/posts', admin, {
      text: 'La photo du jour',
      media: [{ mediaId: media.body.id, altText: 'Un pixel' }],
      scheduledAt: at(Date.now() + 1000),
      accountIds: [account.id],
    });
    expect(created.status).toBe(201);

    const delivery = await waitFor(async () => {
      const r = await api.call('GET', `/v1/posts/${created.body.id}`, admin);
      const d = r.body.deliveries[0];
      return d.state !== 'scheduled' && d.state !== 'publishing' ? d : null;
    }, 'the delivery to be decided', 30_000);
    expect(decided).not.toBeNull();
    const strike = await decided!;
    expect(delivery.state).toBe('held');
    const holds = await api.call('GET', `/v1/strikes/${strike.id}/live`, admin);
    expect(holds.body.holds.items).toEqual([expect.objectContaining({ deliveryState: 'held' })]);
    expect(mastodon.media.size).toBeGreaterThan(0);
    expect(mastodon.statusesOf(remote.id)).toEqual([]);
  });
});
