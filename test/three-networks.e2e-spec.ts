import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { FakeMastodon } from '../apps/sandbox/src/mastodon-server.js';
import { FakeX } from '../apps/sandbox/src/x-server.js';
import type { EngagementPoller } from '../apps/worker/src/engagement/engagement.poller.js';
import { createPollerContext } from '../apps/worker/src/engagement/poller-context.js';
import { connectAccount, startApi, type Api } from './support/api.js';
import { startBluesky } from './support/bluesky.js';
import { createTestEnv, waitFor, type TestEnv } from './support/env.js';
import { startWorker, type RunningProcess } from './support/processes.js';
import { approvedStrike, createVoters, message } from './support/strikes.js';
import { connectX } from './support/x.js';

const at = (ms: number) => new Date(ms).toISOString();

/** The PDS closes idle keep-alive connections: a request that meets one is simply sent again. */
async function again<T>(call: () => Promise<T>, times = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await call();
    } catch (err) {
      if (i >= times || !/fetch failed|ECONNRESET|socket/i.test(String((err as Error).message) + String((err as { cause?: unknown }).cause))) throw err;
    }
  }
}
const inWindow = (t: Date, start: number, end: number) => t.getTime() >= start && t.getTime() < end;

describe('one strike over a Mastodon, an X and a Bluesky account', () => {
  let t: TestEnv;
  let api: Api;
  let worker: RunningProcess;
  let bluesky: Awaited<ReturnType<typeof startBluesky>>;
  let poller: EngagementPoller;
  let context: INestApplicationContext;
  const mastodon = new FakeMastodon();
  const x = new FakeX();

  beforeAll(async () => {
    await mastodon.start();
    await x.start();
    bluesky = await startBluesky();
    t = await createTestEnv({ X_CLIENT_ID: 'piquet-test', X_API_URL: x.url, X_AUTHORIZE_URL: `${x.url}/i/oauth2/authorize`, HTTP_TIMEOUT_MS: '5000' });
    api = await startApi(t.config);
    worker = await startWorker(t.env);
    ({ poller, app: context } = await createPollerContext(t.config));
  }, 60_000);

  afterAll(async () => {
    await worker?.stop();
    await context?.close();
    await api?.close();
    await bluesky?.close();
    await x.stop();
    await mastodon.stop();
    await t?.cleanup();
  });

  it('holds ordinary posts on all three, occupies and restores all three, and reports across the three', async () => {
    const { token: admin } = await api.createOrganisation('Rédaction multi-réseaux');
    const voters = await createVoters(api, admin, 2);
    const onMastodon = await connectAccount(api, admin, mastodon, 'journal');
    mastodon.editProfileByHand(onMastodon.remote.id, { displayName: 'Le Journal', note: 'Notre bio' });
    const onX = await connectX(api, admin, x, 'lejournal', { name: 'Le Journal', description: 'Notre bio sur X' });
    const alice = await bluesky.createAccount('journal');
    await alice.agent.upsertProfile((p) => ({ ...p, displayName: 'Le Journal', description: 'Notre bio sur Bluesky' }));
    const connected = await api.call('POST', '/v1/accounts/bluesky', admin, { service: bluesky.pdsUrl, identifier: alice.handle, appPassword: alice.appPassword });
    expect(connected.status).toBe(201);
    const accountIds = [onMastodon.account.id, onX.account.id, connected.body.id as string];

    const start = Math.ceil((Date.now() + 14_000) / 1000) * 1000;
    const end = start + 8000;
    for (let i = 0; i < 14; i++) {
      const r = await api.call('POST', '/v1/posts', admin, { text: `ordinaire numéro ${i}`, scheduledAt: at(start - 3000 + i * 1000), accountIds });
      expect(r.status).toBe(201);
    }
    const strike = await approvedStrike(api, admin, voters, {
      title: 'Grève',
      reason: 'Salaires',
      startsAt: at(start),
      endsAt: at(end),
      accountIds,
      mode: 'occupation',
      heldPolicy: 'resume',
      resumeSpacingSeconds: 1,
      occupationSpacingSeconds: 3600,
      messages: {
        opening: { text: 'La rédaction est en grève aujourd’hui. Notre communiqué suit.', perNetwork: { x: 'En grève aujourd’hui.' } },
        closing: message('Fin de la grève.'),
      },
      profile: { displayNameSuffix: '(en grève)', bio: 'En grève.', pinOpening: true },
    });

    // During the strike: every profile occupied.
    await waitFor(async () => (mastodon.profileOf(onMastodon.remote.id).displayName === 'Le Journal (en grève)' ? true : null), 'Mastodon occupied', 30_000);
    await waitFor(async () => (x.accounts.get(onX.remote.id)!.name === 'Le Journal (en grève)' ? true : null), 'X occupied', 30_000);
    const profileRecord = async () =>
      (await again(() => alice.agent.com.atproto.repo.getRecord({ repo: alice.agent.assertDid, collection: 'app.bsky.actor.profile', rkey: 'self' }))).data.value as {
        displayName?: string;
        description?: string;
        pinnedPost?: unknown;
      };
    try {
      await waitFor(async () => ((await profileRecord()).displayName === 'Le Journal (en grève)' ? true : null), 'Bluesky occupied', 30_000);
    } catch (err) {
      console.error(bluesky.output().slice(-3000), worker.output().slice(-3000));
      throw err;
    }

    // After: restored everywhere, held posts published.
    await waitFor(
      async () => {
        const live = (await api.call('GET', `/v1/strikes/${strike.id}/live`, admin)).body;
        const restored = live.occupations.length === 3 && live.occupations.every((o: { restoreState: string }) => o.restoreState === 'done');
        const held = live.holds.items as { deliveryState: string }[];
        return live.state === 'ended' && restored && held.every((h) => h.deliveryState === 'published') ? live : null;
      },
      'the strike to end, restore and resume',
      90_000,
    );

    const mastodonPosts = mastodon.statusesOf(onMastodon.remote.id).map((s) => ({ text: s.text, at: s.createdAt }));
    const xPosts = x.tweetsOf(onX.remote.id).map((s) => ({ text: s.text, at: s.createdAt }));
    const records = await again(() => alice.agent.com.atproto.repo.listRecords({ repo: alice.agent.assertDid, collection: 'app.bsky.feed.post', limit: 100 }));
    const blueskyPosts = records.data.records.map((r) => {
      const v = r.value as { text: string; createdAt: string };
      return { text: v.text, at: new Date(v.createdAt) };
    });
    for (const [name, posts] of Object.entries({ mastodon: mastodonPosts, x: xPosts, bluesky: blueskyPosts })) {
      const ordinary = posts.filter((p) => p.text.startsWith('ordinaire'));
      expect({ name, count: ordinary.length, distinct: new Set(ordinary.map((p) => p.text)).size }).toEqual({ name, count: 14, distinct: 14 });
      expect({ name, leaks: ordinary.filter((p) => inWindow(p.at, start, end)).map((p) => p.text) }).toEqual({ name, leaks: [] });
      expect({ name, closing: posts.filter((p) => p.text === 'Fin de la grève.').length }).toEqual({ name, closing: 1 });
    }
    expect(mastodonPosts.filter((p) => p.text.startsWith('La rédaction est en grève'))).toHaveLength(1);
    expect(blueskyPosts.filter((p) => p.text.startsWith('La rédaction est en grève'))).toHaveLength(1);
    expect(xPosts.filter((p) => p.text === 'En grève aujourd’hui.')).toHaveLength(1);

    expect(mastodon.profileOf(onMastodon.remote.id)).toMatchObject({ displayName: 'Le Journal', note: 'Notre bio', pinnedIds: [] });
    expect(x.accounts.get(onX.remote.id)).toMatchObject({ name: 'Le Journal', description: 'Notre bio sur X' });
    const restoredRecord = await profileRecord();
    expect(restoredRecord).toMatchObject({ displayName: 'Le Journal', description: 'Notre bio sur Bluesky' });
    expect(restoredRecord.pinnedPost).toBeUndefined();

    // Engagement arrives on each network; one round of polling, then one report across the three.
    const mastodonOpening = mastodon.statusesOf(onMastodon.remote.id).find((s) => s.text.startsWith('La rédaction'))!;
    mastodon.setCounts(mastodonOpening.id, { favourites: 7, boosts: 2 });
    const xOpening = x.tweetsOf(onX.remote.id).find((s) => s.text === 'En grève aujourd’hui.')!;
    x.setMetrics(xOpening.id, { like_count: 5, retweet_count: 1, impression_count: 300 });
    const bob = await bluesky.createAccount('lecteur');
    const bskyOpening = records.data.records.find((r) => (r.value as { text: string }).text.startsWith('La rédaction'))!;
    await again(() => bob.agent.like(bskyOpening.uri, bskyOpening.cid));
    const ref = { uri: bskyOpening.uri, cid: bskyOpening.cid! };
    await again(() => bob.agent.post({ text: 'Solidarité avec la rédaction', reply: { root: ref, parent: ref } }));
    await bluesky.processAll();
    const later = new Date(Date.now() + 3600_000);
    for (const id of accountIds) await poller.pollAccount(id, later);

    const report = (await api.call('GET', `/v1/strikes/${strike.id}/report`, admin)).body;
    const byNetwork = Object.fromEntries((report.totals.perNetwork as { network: string; named: Record<string, number> }[]).map((n) => [n.network, n.named]));
    expect(Object.keys(byNetwork).sort()).toEqual(['bluesky', 'mastodon', 'x']);
    expect(byNetwork['mastodon']).toMatchObject({ favourites: 7, boosts: 2 });
    expect(byNetwork['x']).toMatchObject({ likes: 5, reposts: 1, impressions: 300 });
    expect(byNetwork['bluesky']).toMatchObject({ likes: 1, replies: 1 });
    const comments = (await api.call('GET', `/v1/strikes/${strike.id}/comments`, admin)).body.items as { text: string; authorHandle: string }[];
    expect(comments.map((c) => [c.authorHandle, c.text])).toEqual([['@lecteur.test', 'Solidarité avec la rédaction']]);
  }, 180_000);
});
