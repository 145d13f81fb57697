import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { FakeMastodon } from '../apps/sandbox/src/mastodon-server.js';
import type { EngagementPoller } from '../apps/worker/src/engagement/engagement.poller.js';
import { createPollerContext } from '../apps/worker/src/engagement/poller-context.js';
import { PrismaService } from '#database/prisma.service.js';
import { connectAccount, settledPost, startApi, type Api } from './support/api.js';
import { createTestEnv, inSeconds, waitFor, type TestEnv } from './support/env.js';
import { startWorker } from './support/processes.js';
import { approveMotion, approvedStrike, createVoters, message, openMotion } from './support/strikes.js';

const MIN = 60_000;

describe('after a strike: the collective reads the report', () => {
  let t: TestEnv;
  let api: Api;
  let poller: EngagementPoller;
  let context: INestApplicationContext;
  const mastodon = new FakeMastodon();

  beforeAll(async () => {
    t = await createTestEnv();
    await mastodon.start();
    api = await startApi(t.config);
    ({ poller, app: context } = await createPollerContext(t.config));
  });

  afterAll(async () => {
    await context?.close();
    await api?.close();
    await mastodon.stop();
    await t?.cleanup();
  });

  it('shows the true figures, the comparison with ordinary posts and the conversation, on a page opened without a token', async () => {
    const { token: admin } = await api.createOrganisation('Collectif du journal');
    const voters = await createVoters(api, admin, 2);
    const a = await connectAccount(api, admin, mastodon, 'journal');
    const db = context.get(PrismaService).client;
    const worker = await startWorker(t.env);
    let strikeId: string;
    let heldDelivery: string;
    try {
      // Three ordinary posts before the strike: the baseline.
      const ordinary = await Promise.all(
        [0, 1, 2].map((i) => api.call('POST', '/v1/posts', admin, { text: `ordinaire ${i}`, scheduledAt: inSeconds(1), accountIds: [a.account.id] })),
      );
      await Promise.all(ordinary.map((p) => settledPost(api, admin, p.body.id)));
      const start = Math.ceil((Date.now() + 8000) / 1000) * 1000;
      // An ordinary post due just after the start: the strike holds it, and gives it back at the end.
      const heldPost = await api.call('POST', '/v1/posts', admin, { text: 'programme de la semaine', scheduledAt: new Date(start + 2000).toISOString(), accountIds: [a.account.id] });
      heldDelivery = heldPost.body.deliveries[0].id as string;
      const strike = await approvedStrike(api, admin, voters, {
        title: 'Grève du 5 décembre',
        reason: 'Retraites',
        startsAt: new Date(start).toISOString(),
        endsAt: new Date(start + 3600_000).toISOString(),
        accountIds: [a.account.id],
        mode: 'occupation',
        resumeSpacingSeconds: 1,
        messages: { opening: message('Aujourd’hui, la rédaction est en grève.') },
        profile: { displayNameSuffix: 'en grève', bio: 'Nous sommes en grève.', pinOpening: true },
      });
      strikeId = strike.id;
      await waitFor(async () => db.trackedPost.findFirst({ where: { strikeId } }), 'the opening post to be published');
      await waitFor(async () => (mastodon.profileOf(a.remote.id).pinnedIds.length === 1 ? true : null), 'the opening post to be pinned');
      await waitFor(async () => db.hold.findFirst({ where: { strikeId } }), 'the ordinary post to be held');
      // Someone rewrites the bio by hand during the strike: the restoration must leave it, and the report name it.
      mastodon.editProfileByHand(a.remote.id, { note: 'Bio réécrite à la main' });
      // The collective ends it now, by a second decision.
      expect((await api.call('POST', `/v1/strikes/${strikeId}/stop`, admin, {})).status).toBe(201);
      await approveMotion(api, await openMotion(api, admin, strikeId, 'stop'), voters);
      await waitFor(async () => {
        const l = (await api.call('GET', `/v1/strikes/${strikeId}/live`, admin)).body;
        return l.state === 'ended' && l.occupations.every((o: { restoreState: string }) => o.restoreState === 'done') ? l : null;
      }, 'the strike to end and the profile to be restored', 60_000);
      await waitFor(async () => (await db.delivery.findFirst({ where: { id: heldDelivery, state: 'published' } })), 'the held post to come back');
    } finally {
      await worker.stop();
    }

    // Engagement arrives: the ordinary posts drew 1, 2 and 3 favourites (median 2), the strike post 10.
    const statuses = mastodon.statusesOf(a.remote.id);
    const opening = statuses.find((s) => s.text.startsWith('Aujourd’hui'))!;
    statuses.filter((s) => s.text.startsWith('ordinaire')).forEach((s, i) => mastodon.setCounts(s.id, { favourites: i + 1, boosts: 1 }));
    mastodon.setCounts(opening.id, { favourites: 10, boosts: 6 });
    const first = mastodon.addReply(opening.id, { username: 'lectrice', instance: 'exemple.social' }, '<p>Courage à toute la rédaction !</p>');
    mastodon.addReply(first.id, { username: 'abonne', instance: 'autre.example' }, '<p>Qui fait les posts pendant la grève ?</p>');
    mastodon.addReply(opening.id, { username: 'lectrice', instance: 'exemple.social' }, '<p>Je partage.</p>');
    // The striking account answers under its own post: the organisation's own reply, not a person commenting.
    mastodon.addReply(opening.id, { username: 'journal' }, '<p>Merci pour votre soutien.</p>');

    const latest = await db.trackedPost.aggregate({ _max: { publishedAt: true } });
    await poller.pollAccount(a.account.id, new Date(latest._max.publishedAt!.getTime() + 5 * MIN));

    const report = await api.call('GET', `/v1/strikes/${strikeId}/report`, admin);
    expect(report.status).toBe(200);
    expect(report.body.totals.overall).toMatchObject({ posts: 1, favourites: 10, boosts: 6, comments: 3 });
    expect(report.body.baseline).toMatchObject({ posts: 3, metrics: { favourites: { n: 3, median: 2, mean: 2 }, boosts: { median: 1 } } });
    expect(report.body.ratios.favourites).toMatchObject({ median: 5, mean: 5 });
    expect(report.body.ratios.boosts).toMatchObject({ median: 6 });
    expect(report.body.comments).toMatchObject({ count: 3, uniqueAuthors: 2 });
    expect(report.body.ownReplies).toMatchObject({ count: 1 });
    expect(report.body.ownReplies.first[0]).toMatchObject({ text: 'Merci pour votre soutien.', authorHandle: a.account.handle });

    // The story, as the worker lived it: decided twice (approve, then stop), the profile occupied and
    // put back except the bio edited by hand, the opening post pinned and unpinned, the held post back.
    const story = report.body.story;
    expect(story).toMatchObject({ reason: 'Retraites', mode: 'occupation', heldPolicy: 'resume', failures: [] });
    expect(story.decisions.map((d: any) => [d.kind, d.status, d.votes])).toEqual([
      ['approve', 'approved', { eligible: 3, needed: 2, approvals: 2, rejections: 0 }],
      ['stop', 'approved', { eligible: 3, needed: 2, approvals: 2, rejections: 0 }],
    ]);
    expect(story.accounts).toEqual([
      {
        account: { id: a.account.id, handle: a.account.handle, network: 'mastodon' }, status: 'active',
        occupation: { state: 'done', fieldsChanged: ['displayName', 'bio'], pinned: true, lastError: null },
        restoration: { state: 'done', restored: ['displayName'], leftAsEdited: ['bio'], unpinned: true, nativeScheduled: null, lastError: null },
        // The sandbox offers every feature; each step as the worker recorded it, the hand edit named.
        featureGaps: [],
        steps: [
          { phase: 'occupy', step: 'nativeScheduled', outcome: 'done', detail: '0 natively scheduled post(s) moved out of the window', error: null },
          { phase: 'occupy', step: 'profile', outcome: 'done', detail: 'displayName, bio occupied', error: null },
          { phase: 'occupy', step: 'pin', outcome: 'done', detail: expect.stringMatching(/^post \S+ pinned$/), error: null },
          { phase: 'restore', step: 'nativeScheduled', outcome: 'skipped', detail: 'no natively scheduled post was parked', error: null },
          { phase: 'restore', step: 'displayName', outcome: 'done', detail: 'displayName put back as it was before the strike', error: null },
          { phase: 'restore', step: 'bio', outcome: 'editedByHand', detail: 'bio was changed by hand during the strike: left as it is', error: null },
          { phase: 'restore', step: 'avatar', outcome: 'skipped', detail: 'Piquet did not change it', error: null },
          { phase: 'restore', step: 'header', outcome: 'skipped', detail: 'Piquet did not change it', error: null },
          { phase: 'restore', step: 'unpin', outcome: 'done', detail: expect.stringMatching(/^post \S+ unpinned$/), error: null },
        ],
      },
    ]);
    expect(story.held).toMatchObject({ total: 1, byFate: { resumed: 1 }, more: false });
    expect(story.held.posts[0]).toMatchObject({ deliveryId: heldDelivery, text: 'programme de la semaine', fate: 'resumed', state: 'published' });
    expect(Date.parse(story.held.posts[0].publishedAt)).toBeGreaterThanOrEqual(Date.parse(story.window.endedAt));

    const link = await api.call('POST', `/v1/strikes/${strikeId}/report-link`, admin, { lang: 'fr' });
    expect(link.status).toBe(200);
    // The link is built on PUBLIC_URL; this API listens on a port of its own.
    const signed = new URL(link.body.url as string);
    const page = await fetch(`${api.url}${signed.pathname}${signed.search}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const fr = await api.call('GET', `/v1/strikes/${strikeId}/report?lang=fr`, admin);
    expect(html).toContain(fr.body.ratios.favourites.sentence as string);
    expect(html).toContain('Courage à toute la rédaction !');
    expect(html).toContain('Qui fait les posts pendant la grève ?');
    expect(html).toContain('@lectrice@exemple.social');
    expect(html).toContain('Laissé tel que modifié à la main pendant la grève : bio.');
    expect(html).toContain('1 post retenu : 1 repris.');
    expect(html).toContain('Merci pour votre soutien.');
    expect(html).not.toMatch(/<script/i);
  }, 90_000);
});
