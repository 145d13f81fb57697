/**
 * The strike report against figures worked out by hand on a fixed data set, inserted directly:
 * totals, medians (odd and even counts), means, ratios and their sentences, the summed series,
 * comments (count, unique authors, per post, per hour, the filterable list), the CSV downloads
 * (escaping, formula neutralisation), the report page in both languages and its signed link.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PrismaService } from '#database/prisma.service.js';
import type { PrismaClient } from '#database/generated/client.js';
import { mkdir } from 'node:fs/promises';
import { parseCsv } from '#reports/csv.js';
import { startApi, type Api } from './support/api.js';
import { MEASURE_WIDTH, openBrowser, type WidthProblems } from './support/browser.js';
import { createTestEnv, type TestEnv } from './support/env.js';

const T = (iso: string) => new Date(iso);
const close = (x: number) => expect.closeTo(x, 6);

let t: TestEnv;
let api: Api;
let db: PrismaClient;
let token: string;
let strikeId: string;
const ids: Record<string, string> = {};

interface Fetched {
  status: number;
  headers: Headers;
  text: string;
}

async function get(path: string, auth: string | null): Promise<Fetched> {
  const res = await fetch(api.url + path, { headers: auth ? { authorization: `Bearer ${auth}` } : {} });
  // The bytes as sent: res.text() would drop the CSV's byte order mark.
  return { status: res.status, headers: res.headers, text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer()) };
}

// ---------------------------------------------------------------- the fixed data set

const HOSTILE = {
  csv: 'Solidarité, "totale"\nvraiment',
  hyperlink: '=HYPERLINK("http://evil.example","clic")',
  plus: '+33 6 00 00 00 00',
  minus: '-1 pour la direction',
  at: '@direction vous voyez ?',
  script: '<script>alert(1)</script>',
};

async function seed(organisationId: string, memberId: string): Promise<void> {
  const account = (key: string, handle: string) =>
    db.account.create({
      data: {
        organisationId, network: 'mastodon', instanceUrl: 'https://example.org', remoteId: key, handle, displayName: key,
        tokenCiphertext: 'unused: nothing publishes in this test', maxCharacters: 500, maxMedia: 4, charactersPerUrl: 23,
      },
    });
  const a = await account('a', '@greve@example.org');
  const b = await account('b', '@redaction@example.org');
  const c = await account('c', '@autre@example.org');
  ids['A'] = a.id;
  ids['B'] = b.id;

  const strike = await db.strike.create({
    data: {
      organisationId, createdById: memberId, title: 'Grève du 10 mars', reason: 'Contre la réforme',
      startsAt: T('2025-03-10T10:00:00Z'), effectiveFrom: T('2025-03-10T10:00:00Z'), endsAt: T('2025-03-10T14:00:00Z'),
      endedAt: T('2025-03-10T14:00:00Z'), startedAt: T('2025-03-10T10:00:00Z'), approvedAt: T('2025-03-09T18:00:00Z'),
      state: 'ended', allAccounts: false, mode: 'occupation', heldPolicy: 'resume', resumeSpacingSeconds: 60, occupationSpacingSeconds: 300,
      messages: { opening: { text: 'Nous sommes en grève.', contentWarning: null, media: [] }, rotation: [], closing: null },
      accounts: { create: [{ accountId: a.id }, { accountId: b.id }] },
    },
  });
  strikeId = strike.id;

  const post = async (key: string, accountId: string, at: string, o: { strike?: string; state?: 'published' | 'failed'; text?: string } = {}) => {
    const p = await db.post.create({
      data: { organisationId, text: o.text ?? `Post ${key}`, scheduledAt: T(at), strikeId: o.strike ? strikeId : null, strikeRole: o.strike ?? null },
    });
    const published = (o.state ?? 'published') === 'published';
    const d = await db.delivery.create({
      data: {
        organisationId, postId: p.id, accountId, strikeId: o.strike ? strikeId : null, state: o.state ?? 'published', scheduledAt: T(at),
        publishedAt: published ? T(at) : null, remoteId: published ? `r-${key}` : null, remoteUrl: published ? `https://example.org/@x/${key}` : null,
      },
    });
    ids[key] = d.id;
    ids[`post:${key}`] = p.id;
    return d.id;
  };
  const snap = (key: string, at: string, favourites: number, boosts: number, replies: number, quotes: number | null) =>
    db.snapshot.create({ data: { deliveryId: ids[key]!, takenAt: T(at), favourites, boosts, replies, quotes } });

  // Strike posts: S1 (A, opening), S2 (B, opening), S3 (A, slot); S4 failed, so not a strike post that counts.
  await post('S1', a.id, '2025-03-10T10:00:00Z', { strike: 'opening', text: 'Nous sommes en grève.' });
  await post('S2', b.id, '2025-03-10T10:00:30Z', { strike: 'opening', text: 'La rédaction est en grève, "ensemble".' });
  await post('S3', a.id, '2025-03-10T12:00:00Z', { strike: 'slot', text: '=SUM(1) la grève continue' });
  await post('S4', b.id, '2025-03-10T12:00:00Z', { strike: 'slot', state: 'failed' });
  await snap('S1', '2025-03-10T10:05:00Z', 2, 1, 0, 0);
  await snap('S1', '2025-03-10T10:30:00Z', 6, 3, 2, 1);
  await snap('S1', '2025-03-10T11:00:00Z', 10, 4, 3, 1);
  await snap('S2', '2025-03-10T10:30:00Z', 3, 1, 1, 0);
  await snap('S2', '2025-03-10T11:00:00Z', 5, 2, 1, 0);
  await snap('S3', '2025-03-10T12:05:00Z', 7, 5, 2, 2);
  // S2 was deleted on the network after its last snapshot: it stays in the report, marked.
  const tracked = (key: string, publishedAt: string, goneAt: string | null) =>
    db.trackedPost.create({ data: { deliveryId: ids[key]!, organisationId, accountId: key === 'S2' ? b.id : a.id, strikeId, remoteId: `r-${key}`, publishedAt: T(publishedAt), goneAt: goneAt ? T(goneAt) : null } });
  await tracked('S1', '2025-03-10T10:00:00Z', null);
  await tracked('S2', '2025-03-10T10:00:30Z', '2025-03-10T11:30:00Z');

  // Baseline: ordinary posts of A and B in [2025-02-08T10:00, 2025-03-10T10:00).
  await post('O1', a.id, '2025-02-20T09:00:00Z');
  await snap('O1', '2025-02-21T09:00:00Z', 2, 0, 1, 0);
  await post('O2', a.id, '2025-02-25T09:00:00Z');
  await snap('O2', '2025-02-25T10:00:00Z', 0, 0, 0, 0); // an older snapshot: the latest one counts
  await snap('O2', '2025-02-26T09:00:00Z', 1, 1, 0, 1);
  await post('O3', b.id, '2025-03-01T09:00:00Z');
  await snap('O3', '2025-03-02T09:00:00Z', 3, 2, 0, null); // no quotes count: left out of the quotes statistics
  await post('O4', b.id, '2025-03-05T09:00:00Z');
  await snap('O4', '2025-03-06T09:00:00Z', 1, 0, 0, 3);
  await post('O5', a.id, '2025-03-10T09:59:59.999Z');
  await snap('O5', '2025-03-10T09:59:59.999Z', 3, 1, 2, 2);
  await post('O6', b.id, '2025-03-08T09:00:00Z'); // never measured: counted as unmeasured, not as zeros
  // Outside: before the period, after its end, another account, and a failed post.
  await post('X1', a.id, '2025-02-08T09:59:59Z');
  await snap('X1', '2025-02-09T09:00:00Z', 100, 100, 100, 100);
  await post('X2', a.id, '2025-03-11T09:00:00Z');
  await snap('X2', '2025-03-12T09:00:00Z', 40, 40, 40, 40);
  await post('X3', c.id, '2025-03-01T09:00:00Z');
  await snap('X3', '2025-03-02T09:00:00Z', 50, 50, 50, 50);
  await post('X4', a.id, '2025-03-02T09:00:00Z', { state: 'failed' });

  const comment = (key: string, post: string, at: string, authorHandle: string, text: string, deleted = false) =>
    db.comment.create({
      data: {
        organisationId, strikeId, deliveryId: ids[post]!, remoteId: `c-${key}`, inReplyToRemoteId: `r-${post}`, authorHandle,
        authorName: authorHandle.split('@')[1]!, authorUrl: `https://example.net/${authorHandle}`, text, language: 'fr',
        url: key === 'c7' ? 'javascript:alert(2)' : `https://example.net/${key}`, postedAt: T(at), deletedAt: deleted ? T('2025-03-10T13:00:00Z') : null,
      },
    }).then((row) => (ids[key] = row.id));
  await comment('c1', 'S1', '2025-03-10T10:10:00Z', '@alice@example.org', 'Courage à vous !');
  await comment('c2', 'S1', '2025-03-10T10:20:00Z', '@bob@example.net', HOSTILE.csv);
  await comment('c3', 'S1', '2025-03-10T10:40:00Z', '@alice@example.org', HOSTILE.hyperlink);
  await comment('c4', 'S2', '2025-03-10T11:15:00Z', '@carol@example.com', HOSTILE.plus);
  await comment('c5', 'S2', '2025-03-10T11:30:00Z', '@dave@example.com', HOSTILE.minus);
  await comment('c6', 'S3', '2025-03-10T12:10:00Z', '@erin_b@example.com', HOSTILE.at);
  await comment('c7', 'S3', '2025-03-10T12:20:00Z', '@mallory@evil.example', HOSTILE.script);
  await comment('c8', 'S3', '2025-03-10T12:30:00Z', '@zed@example.com', 'supprimé', true);
  await comment('c9', 'S1', '2025-03-10T13:05:00Z', '@frank@example.com', "100% d'accord");
  // The organisation's own replies (the striking accounts answering): apart, never among people commenting.
  await comment('own1', 'S1', '2025-03-10T10:15:00Z', '@greve@example.org', 'Merci pour votre soutien !');
  await comment('own2', 'S2', '2025-03-10T11:20:00Z', '@Redaction@example.org', 'Nous reprendrons demain.');
  await seedStory(organisationId, memberId, a.id, b.id);
}

/** What the strike did: its decisions, held and native posts, the occupation of each profile, a failure. */
async function seedStory(organisationId: string, memberId: string, a: string, b: string): Promise<void> {
  const rule = { decisionKind: 'votes' as const, ballot: 'secret' as const, quorumCount: 2, quorumPercent: 50 };
  const approve = await db.motion.create({
    data: {
      organisationId, strikeId, kind: 'approve', status: 'approved', ...rule, createdById: memberId, createdAt: T('2025-03-08T09:00:00Z'),
      decidedAt: T('2025-03-09T18:00:00Z'), approvals: 3, rejections: 1, eligible: 5,
    },
  });
  // A secret ballot's sealed choice: the report must never carry it, nor who voted.
  await db.vote.create({ data: { motionId: approve.id, memberId, sealedChoice: 'sealed-secret-choice', castAt: T('2025-03-09T17:00:00Z') } });
  await db.motion.create({
    data: {
      organisationId, strikeId, kind: 'extend', status: 'approved', decisionKind: 'assembly', ballot: 'named', quorumCount: 2, quorumPercent: 50,
      createdById: memberId, createdAt: T('2025-03-10T11:00:00Z'), decidedAt: T('2025-03-10T12:30:00Z'), payload: { endsAt: '2025-03-10T14:00:00.000Z' },
      assemblyDate: T('2025-03-10T12:00:00Z'), votesFor: 40, votesAgainst: 3, votesAbstain: 2, minutes: 'AG du midi', recordedById: memberId,
    },
  });

  // Held ordinary posts: H1 resumed and published after the end, H2 dropped, H3 waiting for review.
  const held = async (key: string, accountId: string, due: string, o: { fate: 'resumed' | 'dropped' | 'review'; state: 'published' | 'cancelled' | 'held'; at?: string; text: string }) => {
    const p = await db.post.create({ data: { organisationId, text: o.text, scheduledAt: T(due) } });
    const d = await db.delivery.create({
      data: {
        organisationId, postId: p.id, accountId, state: o.state, scheduledAt: T(o.at ?? due), publishedAt: o.state === 'published' ? T(o.at!) : null,
        remoteUrl: o.state === 'published' ? `https://example.org/@x/${key}` : null, cancelReason: o.state === 'cancelled' ? 'Dropped by strike "Grève du 10 mars"' : null,
      },
    });
    const h = await db.hold.create({
      data: {
        organisationId, strikeId, deliveryId: d.id, accountId, originalScheduledAt: T(due), heldAt: T('2025-03-10T10:00:00Z'), fate: o.fate,
        fateAt: T('2025-03-10T14:00:00Z'), newScheduledAt: o.at ? T(o.at) : null,
      },
    });
    ids[key] = d.id;
    ids[`hold:${key}`] = h.id;
  };
  await held('H1', a, '2025-03-10T11:00:00Z', { fate: 'resumed', state: 'published', at: '2025-03-10T14:01:00Z', text: 'Le programme de la semaine' });
  await held('H2', b, '2025-03-10T12:00:00Z', { fate: 'dropped', state: 'cancelled', text: 'Promotion annulée' });
  await held('H3', a, '2025-03-10T13:00:00Z', {
    fate: 'review', state: 'held',
    text: 'Un texte long avec une adresse https://example.org/une/adresse/tres/longue/qui/ne/tient/pas/sur/un/telephone/de/trois-cent-soixante/pixels et des mots anticonstitutionnellement longs',
  });
  // Posts scheduled natively on the instance, moved out of the window; one could not be moved back.
  await db.nativeHold.create({
    data: { strikeId, accountId: a, remoteId: 'sched-1', originalScheduledAt: T('2025-03-10T11:30:00Z'), parkedAt: T('2026-03-10T14:00:00Z'), text: 'Newsletter', fate: 'resumed', fateAt: T('2025-03-10T14:00:00Z'), newScheduledAt: T('2025-03-10T14:06:00Z') },
  });
  await db.nativeHold.create({
    data: { strikeId, accountId: b, remoteId: 'sched-2', originalScheduledAt: T('2025-03-10T12:30:00Z'), parkedAt: T('2026-03-10T14:00:00Z'), text: 'Podcast', fate: 'pending', lastError: 'Mastodon answered 422: scheduled_at too soon' },
  });
  // A: occupied and restored, the avatar edited by hand during the strike. B: the occupation failed.
  await db.accountOccupation.create({
    data: {
      strikeId, accountId: a, occupyState: 'done', restoreState: 'done', before: { displayName: 'Grève', bio: 'Le journal', avatarUrl: 'https://example.org/a.png' },
      applied: { displayName: 'Grève ✊ en grève', bio: 'En grève', avatarUrl: 'https://example.org/strike.png' }, pinnedRemoteId: 'r-S1',
      report: { displayName: 'restored', bio: 'restored', avatar: 'left as edited during the strike', pin: 'unpinned', nativeScheduled: '1 resume' },
    },
  });
  await db.accountOccupation.create({
    data: { strikeId, accountId: b, occupyState: 'failed', restoreState: 'done', report: {}, lastError: 'Mastodon answered 404 on /api/v1/scheduled_statuses' },
  });
  await db.delivery.update({ where: { id: ids['S4']! }, data: { failureReason: 'Text too long for @redaction@example.org (500 characters)' } });
  // What the worker records per account (the server's features) and per step of the occupation.
  const checkedAt = new Date('2025-03-10T09:59:00Z');
  const caps = (accountId: string, features: Record<string, string>) =>
    Object.entries(features).map(([feature, support]) => ({ accountId, feature, support, detail: 'checked', source: 'strike-start', checkedAt }));
  await db.accountCapability.createMany({
    data: [
      ...caps(a, { multiStatus: 'yes', scheduledStatuses: 'yes', pin: 'yes', profileFields: 'yes' }),
      ...caps(b, { multiStatus: 'yes', scheduledStatuses: 'no', pin: 'no', profileFields: 'yes' }),
    ],
  });
  await db.occupationStep.createMany({
    data: [
      { strikeId, accountId: b, phase: 'occupy', step: 'pin', outcome: 'unsupported', detail: 'the opening post is published, not pinned' },
      { strikeId, accountId: b, phase: 'occupy', step: 'native-scheduled', outcome: 'unsupported', detail: 'nothing to move' },
      { strikeId, accountId: b, phase: 'occupy', step: 'profile', outcome: 'failed', lastError: 'Mastodon answered 500', attempts: 6 },
      { strikeId, accountId: b, phase: 'restore', step: 'avatar', outcome: 'edited-by-hand', detail: 'avatar was changed by hand during the strike: left as it is' },
    ],
  });
}

beforeAll(async () => {
  t = await createTestEnv();
  api = await startApi(t.config);
  db = api.app.get(PrismaService).client;
  const org = await api.createOrganisation('Rédaction');
  token = org.token;
  await seed(org.organisationId, org.memberId);
});

afterAll(async () => {
  await api?.close();
  await t?.cleanup();
});

// ---------------------------------------------------------------- JSON

describe('GET /v1/strikes/:id/report', () => {
  it('gives the figures worked out by hand', async () => {
    // Each post's own series only on request; by default the summed series alone (checked below).
    const res = await api.call('GET', `/v1/strikes/${strikeId}/report?series=post`, token);
    expect(res.status).toBe(200);
    const r = res.body;
    expect(r.strike).toEqual({
      id: strikeId, title: 'Grève du 10 mars', state: 'ended', live: false,
      window: { from: '2025-03-10T10:00:00.000Z', until: '2025-03-10T14:00:00.000Z' },
    });
    expect(r.lang).toBe('en');
    expect(r.metrics).toEqual(['favourites', 'boosts', 'replies', 'quotes']);

    // Latest snapshots: S1 10/4/3/1 (f+b+r 17), S3 7/5/2/2 (14), S2 5/2/1/0 (8): ranked S1, S3, S2. S4 failed: absent.
    expect(r.posts.map((p: any) => [p.rank, p.deliveryId, p.role, p.account.id, p.comments, p.snapshotAt, p.goneAt])).toEqual([
      [1, ids['S1'], 'opening', ids['A'], 4, '2025-03-10T11:00:00.000Z', null],
      [2, ids['S3'], 'slot', ids['A'], 2, '2025-03-10T12:05:00.000Z', null],
      [3, ids['S2'], 'opening', ids['B'], 2, '2025-03-10T11:00:00.000Z', '2025-03-10T11:30:00.000Z'],
    ]);
    expect(r.posts[0]).toMatchObject({
      postId: ids['post:S1'], text: 'Nous sommes en grève.', url: 'https://example.org/@x/S1', publishedAt: '2025-03-10T10:00:00.000Z',
      account: { id: ids['A'], handle: '@greve@example.org', network: 'mastodon' },
      counts: { favourites: 10, boosts: 4, replies: 3, quotes: 1, impressions: null },
    });

    // Totals: favourites 10+7+5 = 22, boosts 4+5+2 = 11, replies 3+2+1 = 6, quotes 1+2+0 = 3; comments 4+2+2 = 8.
    expect(r.totals.overall).toEqual({ posts: 3, measured: 3, favourites: 22, boosts: 11, replies: 6, quotes: 3, impressions: null, comments: 8 });
    expect(r.totals.perNetwork).toEqual([
      {
        network: 'mastodon',
        posts: 3,
        measured: 3,
        comments: 8,
        metrics: { favourites: 22, boosts: 11, replies: 6, quotes: 3 },
        named: { favourites: 22, boosts: 11, replies: 6, quotes: 3 },
      },
    ]);
    // A: S1 + S3 = 17/9/5/3, comments 4+2; B: S2 = 5/2/1/0, comments 2.
    expect(r.totals.perAccount).toEqual([
      { account: { id: ids['A'], handle: '@greve@example.org', network: 'mastodon' }, posts: 2, measured: 2, favourites: 17, boosts: 9, replies: 5, quotes: 3, impressions: null, comments: 6 },
      { account: { id: ids['B'], handle: '@redaction@example.org', network: 'mastodon' }, posts: 1, measured: 1, favourites: 5, boosts: 2, replies: 1, quotes: 0, impressions: null, comments: 2 },
    ]);

    // Strike posts (3, odd): favourites 5 7 10 → median 7, mean 22/3; boosts 2 4 5 → 4, 11/3; replies 1 2 3 → 2, 2; quotes 0 1 2 → 1, 1.
    expect(r.strikeStats).toEqual({
      posts: 3,
      metrics: {
        favourites: { n: 3, median: 7, mean: close(22 / 3) },
        boosts: { n: 3, median: 4, mean: close(11 / 3) },
        replies: { n: 3, median: 2, mean: 2 },
        quotes: { n: 3, median: 1, mean: 1 },
      },
    });
    // Baseline O1..O5 (O6 never measured; X1 before, X2 after, X3 another account, X4 failed: out).
    // favourites 2 1 3 1 3 → sorted 1 1 2 3 3: median 2, mean 10/5 = 2
    // boosts 0 1 2 0 1 → 0 0 1 1 2: median 1, mean 4/5 = 0.8
    // replies 1 0 0 0 2 → 0 0 0 1 2: median 0, mean 3/5 = 0.6
    // quotes 0 1 (null) 3 2 → four known, 0 1 2 3: median (1 + 2) / 2 = 1.5, mean 6/4 = 1.5
    expect(r.baseline).toEqual({
      days: 30, from: '2025-02-08T10:00:00.000Z', until: '2025-03-10T10:00:00.000Z', accountIds: [ids['A'], ids['B']].sort(), posts: 5, unmeasured: 1,
      metrics: {
        favourites: { n: 5, median: 2, mean: 2 },
        boosts: { n: 5, median: 1, mean: close(0.8) },
        replies: { n: 5, median: 0, mean: close(0.6) },
        quotes: { n: 4, median: 1.5, mean: 1.5 },
      },
    });
    // favourites 7 / 2 = 3.5 and (22/3) / 2 = 3.667; boosts 4 / 1 = 4 and (11/3) / 0.8 = 4.583;
    // replies: median baseline 0 → null, 2 / 0.6 = 3.333; quotes 1 / 1.5 = 0.667 both.
    expect(r.ratios).toEqual({
      favourites: { median: 3.5, mean: close(11 / 3), sentence: 'Strike posts drew 3.5 times the median favourites of ordinary posts, and 3.7 times the mean.' },
      boosts: { median: 4, mean: close(55 / 12), sentence: 'Strike posts drew 4.0 times the median boosts of ordinary posts, and 4.6 times the mean.' },
      replies: {
        median: null, mean: close(10 / 3),
        sentence: 'Ordinary posts drew a median of 0 replies, so there is no ratio of medians; strike posts drew 3.3 times the mean replies of ordinary posts.',
      },
      quotes: { median: close(2 / 3), mean: close(2 / 3), sentence: 'Strike posts drew 0.7 times the median quotes of ordinary posts, and 0.7 times the mean.' },
    });

    // Summed series, each post carried forward at its last value:
    // 10:05 S1 2/1/0/0; 10:30 S1 6/3/2/1 + S2 3/1/1/0; 11:00 S1 10/4/3/1 + S2 5/2/1/0; 12:05 + S3 7/5/2/2.
    expect(r.series.total).toEqual([
      { at: '2025-03-10T10:05:00.000Z', favourites: 2, boosts: 1, replies: 0, quotes: 0, impressions: null },
      { at: '2025-03-10T10:30:00.000Z', favourites: 9, boosts: 4, replies: 3, quotes: 1, impressions: null },
      { at: '2025-03-10T11:00:00.000Z', favourites: 15, boosts: 6, replies: 4, quotes: 1, impressions: null },
      { at: '2025-03-10T12:05:00.000Z', favourites: 22, boosts: 11, replies: 6, quotes: 3, impressions: null },
    ]);
    expect(r.series.perPost.map((s: any) => [s.deliveryId, s.points.length])).toEqual([[ids['S1'], 3], [ids['S3'], 1], [ids['S2'], 2]]);
    expect(r.series.perPost[0].points[1]).toEqual({ at: '2025-03-10T10:30:00.000Z', favourites: 6, boosts: 3, replies: 2, quotes: 1, impressions: null });
    const byDefault = (await api.call('GET', `/v1/strikes/${strikeId}/report`, token)).body;
    expect(byDefault.series).toEqual({ total: r.series.total, perPost: [] });
    expect((await api.call('GET', `/v1/strikes/${strikeId}/report?series=everything`, token)).status).toBe(400);

    // Comments: 9 stored, c8 deleted → 8; authors alice (twice), bob, carol, dave, erin, mallory, frank → 7 (zed's is deleted).
    // Per hour: 10h c1 c2 c3, 11h c4 c5, 12h c6 c7 (c8 deleted), 13h c9.
    expect(r.comments).toMatchObject({
      count: 8, uniqueAuthors: 7, more: false,
      perPost: [{ deliveryId: ids['S1'], count: 4 }, { deliveryId: ids['S3'], count: 2 }, { deliveryId: ids['S2'], count: 2 }],
      perHour: [
        { hour: '2025-03-10T10:00:00.000Z', count: 3 },
        { hour: '2025-03-10T11:00:00.000Z', count: 2 },
        { hour: '2025-03-10T12:00:00.000Z', count: 2 },
        { hour: '2025-03-10T13:00:00.000Z', count: 1 },
      ],
    });
    expect(r.comments.first.map((c: any) => c.id)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c9'].map((k) => ids[k]));
    expect(r.comments.first[1]).toMatchObject({ deliveryId: ids['S1'], authorHandle: '@bob@example.net', text: HOSTILE.csv, postedAt: '2025-03-10T10:20:00.000Z', deletedAt: null });
    // The organisation's own replies: apart, and in none of the counts above (8 comments, 7 people).
    expect(r.ownReplies).toMatchObject({ count: 2, more: false });
    expect(r.ownReplies.first.map((c: any) => c.id)).toEqual([ids['own1'], ids['own2']]);
    expect(r.posts.map((p: any) => p.ownReplies)).toEqual([1, 0, 1]);
  });

  it('tells the strike’s story: the decision, the accounts, the held posts and the failures', async () => {
    const r = (await api.call('GET', `/v1/strikes/${strikeId}/report`, token)).body;
    const story = r.story;
    expect(story).toMatchObject({
      reason: 'Contre la réforme', mode: 'occupation', heldPolicy: 'resume', spacing: { resumeSeconds: 60, occupationSeconds: 300 },
      window: { startsAt: '2025-03-10T10:00:00.000Z', endsAt: '2025-03-10T14:00:00.000Z', effectiveFrom: '2025-03-10T10:00:00.000Z', startedAt: '2025-03-10T10:00:00.000Z', endedAt: '2025-03-10T14:00:00.000Z' },
    });
    // The rule and the totals frozen at the decision (needed = max(2, ⌈50 % × 5⌉) = 3); never a choice or a voter.
    expect(story.decisions).toEqual([
      {
        kind: 'approve', status: 'approved', openedAt: '2025-03-08T09:00:00.000Z', decidedAt: '2025-03-09T18:00:00.000Z',
        rule: { kind: 'votes', ballot: 'secret', quorumCount: 2, quorumPercent: 50 }, votes: { eligible: 5, needed: 3, approvals: 3, rejections: 1 }, assembly: null,
      },
      {
        kind: 'extend', status: 'approved', openedAt: '2025-03-10T11:00:00.000Z', decidedAt: '2025-03-10T12:30:00.000Z',
        rule: { kind: 'assembly', ballot: 'named', quorumCount: 2, quorumPercent: 50 }, votes: null,
        assembly: { heldAt: '2025-03-10T12:00:00.000Z', votesFor: 40, votesAgainst: 3, votesAbstain: 2 },
      },
    ]);
    const whole = JSON.stringify(r);
    expect(whole).not.toContain('sealed-secret-choice');
    expect(whole).not.toContain('"choice"');

    expect(story.accounts).toEqual([
      {
        account: { id: ids['A'], handle: '@greve@example.org', network: 'mastodon' }, status: 'active',
        occupation: { state: 'done', fieldsChanged: ['displayName', 'bio', 'avatar'], pinned: true, lastError: null },
        restoration: { state: 'done', restored: ['displayName', 'bio'], leftAsEdited: ['avatar'], unpinned: true, nativeScheduled: '1 resume', lastError: null },
        featureGaps: [], steps: null,
      },
      {
        account: { id: ids['B'], handle: '@redaction@example.org', network: 'mastodon' }, status: 'active',
        occupation: { state: 'failed', fieldsChanged: [], pinned: false, lastError: 'Mastodon answered 404 on /api/v1/scheduled_statuses' },
        restoration: { state: 'done', restored: [], leftAsEdited: [], unpinned: false, nativeScheduled: null, lastError: null },
        featureGaps: ['scheduledStatuses', 'pin'],
        steps: [
          { phase: 'occupy', step: 'nativeScheduled', outcome: 'unsupported', detail: 'nothing to move', error: null },
          { phase: 'occupy', step: 'profile', outcome: 'failed', detail: null, error: 'Mastodon answered 500' },
          { phase: 'occupy', step: 'pin', outcome: 'unsupported', detail: 'the opening post is published, not pinned', error: null },
          { phase: 'restore', step: 'avatar', outcome: 'editedByHand', detail: 'avatar was changed by hand during the strike: left as it is', error: null },
        ],
      },
    ]);

    expect(story.held).toMatchObject({ total: 3, byFate: { pending: 0, resumed: 1, shifted: 0, dropped: 1, review: 1 }, more: false });
    expect(story.held.posts).toEqual([
      {
        holdId: ids['hold:H1'], deliveryId: ids['H1'], account: { id: ids['A'], handle: '@greve@example.org', network: 'mastodon' }, text: 'Le programme de la semaine',
        originalScheduledAt: '2025-03-10T11:00:00.000Z', heldAt: '2025-03-10T10:00:00.000Z', fate: 'resumed', fateAt: '2025-03-10T14:00:00.000Z',
        newScheduledAt: '2025-03-10T14:01:00.000Z', state: 'published', publishedAt: '2025-03-10T14:01:00.000Z', url: 'https://example.org/@x/H1', reason: null,
      },
      expect.objectContaining({ deliveryId: ids['H2'], fate: 'dropped', state: 'cancelled', publishedAt: null, reason: 'Dropped by strike "Grève du 10 mars"' }),
      expect.objectContaining({ deliveryId: ids['H3'], fate: 'review', state: 'held', newScheduledAt: null }),
    ]);
    expect(story.nativeMoved).toMatchObject({ total: 2, more: false });
    expect(story.nativeMoved.posts.map((n: any) => [n.remoteId, n.fate, n.newScheduledAt, n.lastError])).toEqual([
      ['sched-1', 'resumed', '2025-03-10T14:06:00.000Z', null],
      ['sched-2', 'pending', null, 'Mastodon answered 422: scheduled_at too soon'],
    ]);
    expect(story.failures.map((f: any) => [f.account?.handle, f.step, f.error])).toEqual([
      ['@redaction@example.org', 'occupation', 'Mastodon answered 404 on /api/v1/scheduled_statuses'],
      ['@redaction@example.org', 'profile', 'Mastodon answered 500'],
      ['@redaction@example.org', 'strike post (slot)', 'Text too long for @redaction@example.org (500 characters)'],
      ['@redaction@example.org', 'native post', 'Mastodon answered 422: scheduled_at too soon'],
    ]);
  });

  it('takes the baseline period and the language from the query', async () => {
    // 10 days: [2025-02-28T10:00, 2025-03-10T10:00) holds O3, O4, O5 (measured) and O6: favourites 3 1 3 → median 3, mean 7/3.
    const r = (await api.call('GET', `/v1/strikes/${strikeId}/report?baselineDays=10&lang=fr`, token)).body;
    expect(r.baseline).toMatchObject({ days: 10, from: '2025-02-28T10:00:00.000Z', posts: 3, unmeasured: 1 });
    expect(r.baseline.metrics.favourites).toEqual({ n: 3, median: 3, mean: close(7 / 3) });
    // 7 / 3 = 2.333 and (22/3) / (7/3) = 22/7 = 3.143
    expect(r.ratios.favourites.sentence).toBe('Les posts de grève ont recueilli 2,3 fois la médiane des favoris des posts ordinaires, et 3,1 fois leur moyenne.');
    expect(r.lang).toBe('fr');
  });

  it('refuses a bad query with the field at fault', async () => {
    for (const q of ['baselineDays=0', 'baselineDays=366', 'baselineDays=abc', 'lang=de']) {
      const res = await api.call('GET', `/v1/strikes/${strikeId}/report?${q}`, token);
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe(q.split('=')[0]);
    }
  });
});

describe('GET /v1/strikes/:id/comments', () => {
  const list = async (q: string) => {
    const res = await api.call('GET', `/v1/strikes/${strikeId}/comments?${q}`, token);
    expect(res.status).toBe(200);
    return res.body as { items: { id: string }[]; nextCursor: string | null };
  };
  const keys = (items: { id: string }[]) => items.map((c) => Object.keys(ids).find((k) => ids[k] === c.id));

  it('lists every comment by time, and filters', async () => {
    // The organisation's own replies are listed too, marked.
    const all = (await list('')).items as { id: string; fromOrganisation: boolean }[];
    expect(keys(all)).toEqual(['c1', 'own1', 'c2', 'c3', 'c4', 'own2', 'c5', 'c6', 'c7', 'c9']);
    expect(keys(all.filter((c) => c.fromOrganisation))).toEqual(['own1', 'own2']);
    expect(keys((await list(`deliveryId=${ids['S3']}`)).items)).toEqual(['c6', 'c7']);
    expect(keys((await list(`deliveryId=${ids['S3']}&includeDeleted=true`)).items)).toEqual(['c6', 'c7', 'c8']);
    expect(keys((await list('author=alice@example.org')).items)).toEqual(['c1', 'c3']);
    expect(keys((await list(`author=${encodeURIComponent('@ALICE@example.org')}`)).items)).toEqual(['c1', 'c3']);
    expect(keys((await list('author=erin_b@example.com')).items)).toEqual(['c6']);
    expect(keys((await list('author=erin__@example.com')).items)).toEqual([]);
    expect(keys((await list('q=COURAGE')).items)).toEqual(['c1']);
    // % and _ are searched for, not LIKE wildcards.
    expect(keys((await list(`q=${encodeURIComponent('%')}`)).items)).toEqual(['c9']);
    expect(keys((await list('q=_')).items)).toEqual([]);
  });

  it('pages with a cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await list(`limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...keys(page.items).map(String));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(4);
    expect(seen).toEqual(['c1', 'own1', 'c2', 'c3', 'c4', 'own2', 'c5', 'c6', 'c7', 'c9']);
    const bad = await api.call('GET', `/v1/strikes/${strikeId}/comments?cursor=nonsense`, token);
    expect(bad.status).toBe(400);
    expect((await api.call('GET', `/v1/strikes/${strikeId}/comments?includeDeleted=yes`, token)).status).toBe(400);
  });
});

// ---------------------------------------------------------------- CSV

describe('CSV downloads', () => {
  const csv = async (name: string, q = '') => {
    const res = await get(`/v1/strikes/${strikeId}/report/${name}.csv${q}`, token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="strike-${strikeId}-${name}.csv"`);
    return { raw: res.text, rows: parseCsv(res.text) };
  };

  it('posts.csv: the ranked strike posts, numbers as numbers, text neutralised', async () => {
    const { rows } = await csv('posts');
    const [header, ...data] = rows;
    expect(header).toEqual([
      'rank', 'delivery_id', 'post_id', 'account_handle', 'network', 'role', 'published_at', 'url',
      'favourites', 'boosts', 'replies', 'quotes', 'impressions', 'counted_at', 'comments', 'own_replies', 'gone_at', 'text',
    ]);
    expect(data.map((d) => [d[0], d[1], ...d.slice(8, 17)])).toEqual([
      ['1', ids['S1'], '10', '4', '3', '1', '', '2025-03-10T11:00:00.000Z', '4', '1', ''],
      ['2', ids['S3'], '7', '5', '2', '2', '', '2025-03-10T12:05:00.000Z', '2', '0', ''],
      ['3', ids['S2'], '5', '2', '1', '0', '', '2025-03-10T11:00:00.000Z', '2', '1', '2025-03-10T11:30:00.000Z'],
    ]);
    expect(data.map((d) => d[17])).toEqual(['Nous sommes en grève.', "'=SUM(1) la grève continue", 'La rédaction est en grève, "ensemble".']);
  });

  it('snapshots.csv: every snapshot of every strike post', async () => {
    const { rows } = await csv('snapshots');
    expect(rows[0]).toEqual(['delivery_id', 'account_handle', 'role', 'taken_at', 'favourites', 'boosts', 'replies', 'quotes', 'impressions']);
    expect(rows.slice(1).map((r) => [r[0], r[3], r[4]])).toEqual([
      [ids['S1'], '2025-03-10T10:05:00.000Z', '2'],
      [ids['S1'], '2025-03-10T10:30:00.000Z', '6'],
      [ids['S1'], '2025-03-10T11:00:00.000Z', '10'],
      [ids['S2'], '2025-03-10T10:30:00.000Z', '3'],
      [ids['S2'], '2025-03-10T11:00:00.000Z', '5'],
      [ids['S3'], '2025-03-10T12:05:00.000Z', '7'],
    ]);
  });

  it('comments.csv: RFC 4180 escaping and formula neutralisation', async () => {
    const { raw, rows } = await csv('comments');
    expect(raw.startsWith('\uFEFFid,delivery_id,posted_at,')).toBe(true);
    expect(raw).toContain('"Solidarité, ""totale""\nvraiment"');
    const header = rows[0]!;
    const text = header.indexOf('text');
    expect(rows.slice(1).map((r) => r[text])).toEqual([
      'Courage à vous !',
      'Merci pour votre soutien !',
      HOSTILE.csv,
      `'${HOSTILE.hyperlink}`,
      `'${HOSTILE.plus}`,
      'Nous reprendrons demain.',
      `'${HOSTILE.minus}`,
      `'${HOSTILE.at}`,
      HOSTILE.script,
      "100% d'accord",
    ]);
    expect(rows[1]![header.indexOf('author_handle')]).toBe("'@alice@example.org");
    expect(rows.slice(1).map((r) => r[0])).toEqual(['c1', 'own1', 'c2', 'c3', 'c4', 'own2', 'c5', 'c6', 'c7', 'c9'].map((k) => ids[k]));
    expect(rows.slice(1).map((r) => r[header.indexOf('from_organisation')])).toEqual(['0', '1', '0', '0', '0', '1', '0', '0', '0', '0']);
    // The same filters as the list.
    const deleted = await csv('comments', `?includeDeleted=true&deliveryId=${ids['S3']}`);
    expect(deleted.rows.slice(1).map((r) => r[0])).toEqual([ids['c6'], ids['c7'], ids['c8']]);
    expect(deleted.rows[3]![header.indexOf('deleted_at')]).toBe('2025-03-10T13:00:00.000Z');
  });
});

// ---------------------------------------------------------------- the page and its link

describe('the report page', () => {
  const checkPage = (res: Fetched, lang: string) => {
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const page = res.text;
    // The one inline stylesheet is allowed by its hash, nothing else inline.
    const css = /<style>([\s\S]*?)<\/style>/.exec(page)![1]!;
    const hash = createHash('sha256').update(css, 'utf8').digest('base64');
    expect(res.headers.get('content-security-policy')).toBe(
      `default-src 'none'; style-src 'sha256-${hash}'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
    expect(page.match(/<style/g)).toHaveLength(1);
    expect(page).not.toMatch(/ style="/);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page).toContain(`<html lang="${lang}">`);
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/src="http/i);
    expect(page).not.toMatch(/<link|@import|url\(/i);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('javascript:'); // c7's link is not http(s): shown without it
    expect(page).toContain('<svg');
    expect(page).toContain('@media print');
    // The only addresses are the posts', the comments' and their authors'.
    const allowed = new Set([
      ...['S1', 'S2', 'S3', 'H1'].map((k) => `https://example.org/@x/${k}`),
      ...['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c9', 'own1', 'own2'].map((k) => `https://example.net/${k}`),
      ...['@alice@example.org', '@bob@example.net', '@carol@example.com', '@dave@example.com', '@erin_b@example.com', '@mallory@evil.example', '@frank@example.com', '@greve@example.org', '@Redaction@example.org'].map(
        (h) => `https://example.net/${h}`,
      ),
    ]);
    const attrs = [...page.matchAll(/\s(href|src|action|xlink:href|srcset|poster|data)="([^"]*)"/gi)];
    expect(attrs.filter((m) => m[1]!.toLowerCase() !== 'href')).toEqual([]);
    expect(attrs.map((m) => m[2]).filter((u) => !allowed.has(u!))).toEqual([]);
    expect(attrs.length).toBeGreaterThan(0);
    return page;
  };

  it('in English by default, with the figures, the sentences and the conversation', async () => {
    const page = checkPage(await get(`/v1/strikes/${strikeId}/report.html`, token), 'en');
    expect(page).toContain('Strike posts drew 3.5 times the median favourites of ordinary posts, and 3.7 times the mean.');
    expect(page).toContain('<dt>favourites</dt><dd>22</dd>');
    expect(page).toContain('<dt>people commenting</dt><dd>7</dd>');
    expect(page).toContain('Solidarité, &quot;totale&quot;\nvraiment');
    expect(page).toContain('=HYPERLINK(&quot;http://evil.example&quot;,&quot;clic&quot;)');
    expect(page).toContain('Compared with 5 ordinary posts of the same accounts');
    expect(page).not.toContain('supprimé');
    expect(page).toContain('<p class="text">Courage à vous !</p>');
    expect(page).toContain('10 Mar 2025, 10:00</a> <em>(deleted on the network)</em>');
    expect(page).toMatch(/>@bob@example\.net<\/a><\/span> · <a [^>]+>10 Mar 2025, 10:20<\/a> · under post #1</);

    // The story: why, how it was decided (rule and totals), each account, the held posts, the failures.
    expect(page).toContain('<strong>Why</strong>: Contre la réforme');
    expect(page).toContain('Vote in Piquet, secret ballot: approved when approvals reach max(2, 50 % of voters) and outnumber rejections.');
    expect(page).toContain('3 approvals, 1 rejection, 5 members with a vote, 3 approvals needed.');
    expect(page).toContain('Assembly of 10 Mar 2025, 12:00: 40 for, 3 against, 2 abstaining.');
    expect(page).toContain('Profile occupied: display name, bio, avatar. Opening post pinned.');
    expect(page).toContain('Put back: display name, bio. Opening post unpinned.');
    expect(page).toContain('Left as edited by hand during the strike: avatar.');
    expect(page).toContain('This server lacks: posts scheduled on the server, pinning a post;');
    expect(page).toContain('This server offers every feature the strike uses.');
    expect(page).toContain('Occupation steps: posts scheduled on the server not offered by this server (nothing to move), profile failed (<q>Mastodon answered 500</q>), pin not offered by this server (the opening post is published, not pinned)');
    expect(page).toContain('Restoration steps: avatar left alone (avatar was changed by hand during the strike: left as it is)');
    expect(page).toContain('Occupation failed: <q>Mastodon answered 404 on /api/v1/scheduled_statuses</q>');
    expect(page).toContain('3 posts held: 1 resumed, 1 cancelled, 1 waiting for review.');
    expect(page).toContain('strike post (slot)');
    expect(page).toContain('Text too long for @redaction@example.org (500 characters)');
    expect(page).toContain('<dt>posts held</dt><dd>3</dd>');
    expect(page).toContain('<dt>own replies</dt><dd>2</dd>');
    expect(page).toContain('A server’s reply count also counts replies Piquet cannot read');
    // Own replies: in their own section, after the public's.
    const own = page.indexOf('The organisation’s own replies');
    expect(own).toBeGreaterThan(page.indexOf('What people said'));
    expect(page.indexOf('Merci pour votre soutien !')).toBeGreaterThan(own);
  });

  it('in French, with times in the zone asked for', async () => {
    const page = checkPage(await get(`/v1/strikes/${strikeId}/report.html?lang=fr&tz=Europe/Paris`, token), 'fr');
    expect(page).toContain('Les posts de grève ont recueilli 3,5 fois la médiane des favoris des posts ordinaires, et 3,7 fois leur moyenne.');
    expect(page).toContain('<dt>favoris</dt><dd>22</dd>');
    expect(page).toContain('Heures en Europe/Paris.');
    // The start, 10:00 UTC, is 11:00 in Paris (UTC+1 in March).
    const start = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Paris' }).format(T('2025-03-10T10:00:00Z'));
    expect(start).toContain('11:00');
    expect(page).toContain(`Du ${start} au`);
    expect((await get(`/v1/strikes/${strikeId}/report.html?tz=Mars/Olympus`, token)).status).toBe(400);
    expect(page).toContain('3 approbations, 1 rejet, 5 membres avec droit de vote, 3 approbations nécessaires.');
    expect(page).toContain('Laissé tel que modifié à la main pendant la grève : avatar.');
    expect(page).toContain('3 posts retenus : 1 repris, 1 annulé, 1 en attente de décision.');
    expect(page).toContain('Les réponses de l’organisation elle-même');
  });

  it('reads on a 360 px phone: nothing sticks out but tables, which scroll in their own box; no word breaks mid-word', async () => {
    const browser = await openBrowser({ width: 360, height: 740 });
    try {
      await mkdir('test-output', { recursive: true });
      for (const lang of ['en', 'fr']) {
        const res = await get(`/v1/strikes/${strikeId}/report.html?lang=${lang}`, token);
        const tab = await browser.context.newPage();
        await tab.setContent(res.text, { waitUntil: 'load' });
        const m = (await tab.evaluate(MEASURE_WIDTH)) as WidthProblems;
        await tab.screenshot({ path: `test-output/report-360-${lang}.png`, fullPage: true });
        await tab.close();
        expect(m.viewport).toBe(360);
        expect(m.overflowing).toEqual([]);
        expect(m.pageWidth).toBeLessThanOrEqual(360);
        expect(m.brokenWords).toEqual([]);
        // The wide tables (the held posts, the ranked strike posts) do scroll: the check above had something to find.
        expect(m.scrolling).toBeGreaterThan(0);
      }
    } finally {
      await browser.close();
    }
  });

  it('opens from a signed link without a token; a tampered or expired one is refused', async () => {
    const created = await api.call('POST', `/v1/strikes/${strikeId}/report-link`, token, { lang: 'fr' });
    expect(created.status).toBe(200);
    const expiresAt = Date.parse(created.body.expiresAt);
    expect(Math.abs(expiresAt - (Date.now() + 30 * 86_400_000))).toBeLessThan(60_000);
    const link = new URL(created.body.url);
    expect(link.pathname).toBe(`/reports/${strikeId}`);
    const path = link.pathname + link.search;

    const page = checkPage(await get(path, null), 'fr');
    expect(page).toContain('3,5 fois la médiane des favoris');

    // A wrong signature, another link id, another strike, no parameters: a page saying the link does not work.
    const sig = link.searchParams.get('sig')!;
    const tampered = new URL(link);
    tampered.searchParams.set('sig', (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1));
    const refused = await fetch(api.url + tampered.pathname + tampered.search);
    expect(refused.status).toBe(404);
    expect(refused.headers.get('content-type')).toContain('text/html');
    expect(await refused.text()).toContain('Ce lien ne fonctionne pas');
    const otherId = new URL(link);
    otherId.searchParams.set('link', '00000000-0000-4000-8000-000000000000');
    expect((await fetch(api.url + otherId.pathname + otherId.search)).status).toBe(404);
    expect((await fetch(`${api.url}/reports/${ids['S1']}${link.search}`)).status).toBe(404);
    expect((await fetch(`${api.url}/reports/${strikeId}`)).status).toBe(404);
    expect((await fetch(`${api.url}/reports/not-a-strike?link=x&sig=y`)).status).toBe(404);

    // Past its expiry (the row says so): 410, in the language asked for.
    await db.reportLink.update({ where: { id: created.body.id }, data: { expiresAt: new Date(Date.now() - 60_000) } });
    const expired = await fetch(`${api.url}${path.replace('lang=fr', 'lang=en')}`);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('This link has expired');
  });
});

describe('another organisation', () => {
  it('cannot see the strike at all', async () => {
    const other = await api.createOrganisation('Autre collectif');
    for (const path of ['report', 'comments', 'report/posts.csv', 'report/snapshots.csv', 'report/comments.csv', 'report.html']) {
      expect((await get(`/v1/strikes/${strikeId}/${path}`, other.token)).status).toBe(404);
    }
    expect((await api.call('POST', `/v1/strikes/${strikeId}/report-link`, other.token, {})).status).toBe(404);
    expect((await get(`/v1/strikes/${strikeId}/report`, null)).status).toBe(401);
  });
});

describe('during the strike', () => {
  it('is live, and follows the counts and comments as they arrive', async () => {
    const org = await db.organisation.findFirstOrThrow({ where: { name: 'Rédaction' } });
    const strike = await db.strike.findUniqueOrThrow({ where: { id: strikeId } });
    const from = new Date(Date.now() - 3600_000);
    const until = new Date(Date.now() + 3600_000);
    const running = await db.strike.create({
      data: {
        organisationId: org.id, createdById: strike.createdById, title: 'Grève en cours', reason: 'Toujours',
        startsAt: from, effectiveFrom: from, endsAt: until, startedAt: from, state: 'running', allAccounts: true,
        mode: 'occupation', heldPolicy: 'resume', resumeSpacingSeconds: 60, occupationSpacingSeconds: 300, messages: strike.messages ?? {},
      },
    });
    const post = await db.post.create({ data: { organisationId: org.id, text: 'En grève.', scheduledAt: from, strikeId: running.id, strikeRole: 'opening' } });
    const d = await db.delivery.create({
      data: { organisationId: org.id, postId: post.id, accountId: ids['A']!, strikeId: running.id, state: 'published', scheduledAt: from, publishedAt: from, remoteUrl: 'https://example.org/@x/live' },
    });
    const report = async () => (await api.call('GET', `/v1/strikes/${running.id}/report`, token)).body;

    let r = await report();
    expect(r.strike).toMatchObject({ state: 'running', live: true, window: { from: from.toISOString(), until: until.toISOString() } });
    // No snapshot yet: not measured (null, `–` on the page), never 0; no statistics over a post nobody measured.
    expect(r.posts[0]).toMatchObject({ counts: { favourites: null, boosts: null, replies: null, quotes: null, impressions: null }, snapshotAt: null, comments: null });
    expect(r.totals.overall).toEqual({ posts: 1, measured: 0, favourites: null, boosts: null, replies: null, quotes: null, impressions: null, comments: null });
    expect(r.comments).toMatchObject({ count: null, uniqueAuthors: null });
    expect(r.strikeStats.posts).toBe(0);
    expect(r.ratios.favourites.sentence).toBe('No strike post has a count of favourites yet.');
    let html = (await get(`/v1/strikes/${running.id}/report.html`, token)).text;
    expect(html).toContain('<dt>strike posts</dt><dd>1</dd>');
    for (const label of ['favourites', 'boosts', 'replies', 'comments', 'people commenting']) expect(html).toContain(`<dt>${label}</dt><dd>–</dd>`);
    expect(html).toContain('– : not measured yet.');
    const csvBefore = parseCsv((await get(`/v1/strikes/${running.id}/report/posts.csv`, token)).text);
    expect(csvBefore[1]!.slice(8, 15)).toEqual(['', '', '', '', '', '', '']);

    await db.snapshot.create({ data: { deliveryId: d.id, takenAt: new Date(), favourites: 4, boosts: 1, replies: 1, quotes: 0 } });
    await db.comment.create({
      data: {
        organisationId: org.id, strikeId: running.id, deliveryId: d.id, remoteId: 'live-1', authorHandle: '@alice@example.org', authorName: 'alice',
        text: 'On est avec vous', postedAt: new Date(),
      },
    });
    r = await report();
    expect(r.totals.overall).toMatchObject({ posts: 1, measured: 1, favourites: 4, boosts: 1, replies: 1, quotes: 0, comments: 1 });
    expect(r.comments).toMatchObject({ count: 1, uniqueAuthors: 1 });
    html = (await get(`/v1/strikes/${running.id}/report.html`, token)).text;
    expect(html).toContain('Live: the strike is not over, these figures are still coming in.');
    // Measured: a count of nothing is 0, not `–`.
    expect(html).toContain('<dt>quotes</dt><dd>0</dd>');
    expect(html).toContain('<dt>own replies</dt><dd>0</dd>');
    expect(html).not.toContain('– : not measured yet.');
  });
});
