import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { FakeMastodon } from '../apps/sandbox/src/mastodon-server.js';
import type { EngagementPoller } from '../apps/worker/src/engagement/engagement.poller.js';
import { createPollerContext } from '../apps/worker/src/engagement/poller-context.js';
import { PrismaService } from '../libs/database/prisma.service.js';
import { connectAccount, settledPost, startApi, type Api } from './support/api.js';
import { createTestEnv, inSeconds, waitFor, type TestEnv } from './support/env.js';
import { startWorker } from './support/processes.js';
import { approvedStrike, createVoters, message } from './support/strikes.js';

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
    try {
      // Three ordinary posts before the strike: the baseline.
      const ordinary = await Promise.all(
        [0, 1, 2].map((i) => api.call('POST', '/v1/posts', admin, { text: `ordinaire ${i}`, scheduledAt: inSeconds(1), accountIds: [a.account.id] })),
      );
      await Promise.all(ordinary.map((p) => settledPost(api, admin, p.body.id)));
      const start = Math.ceil((Date.now() + 8000) / 1000) * 1000;
      const strike = await approvedStrike(api, admin, voters, {
        title: 'Grève du 5 décembre',
        reason: 'Retraites',
        startsAt: new Date(start).toISOString(),
        endsAt: new Date(start + 3600_000).toISOString(),
        accountIds: [a.account.id],
        mode: 'occupation',
        messages: { opening: message('Aujourd’hui, la rédaction est en grève.') },
      });
      strikeId = strike.id;
      await waitFor(async () => db.trackedPost.findFirst({ where: { strikeId } }), 'the opening post to be published');
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

    const latest = await db.trackedPost.aggregate({ _max: { publishedAt: true } });
    await poller.pollAccount(a.account.id, new Date(latest._max.publishedAt!.getTime() + 5 * MIN));

    const report = await api.call('GET', `/v1/strikes/${strikeId}/report`, admin);
    expect(report.status).toBe(200);
    expect(report.body.totals.overall).toMatchObject({ posts: 1, favourites: 10, boosts: 6, comments: 3 });
    expect(report.body.baseline).toMatchObject({ posts: 3, metrics: { favourites: { n: 3, median: 2, mean: 2 }, boosts: { median: 1 } } });
    expect(report.body.ratios.favourites).toMatchObject({ median: 5, mean: 5 });
    expect(report.body.ratios.boosts).toMatchObject({ median: 6 });
    expect(report.body.comments).toMatchObject({ count: 3, uniqueAuthors: 2 });

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
    expect(html).not.toMatch(/<script/i);
  }, 90_000);
});
