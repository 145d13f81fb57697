/**
 * Report figures (issue 4, "Benchmark"): time and peak memory to build the report of a strike with
 * 1,000 strike posts, 100 snapshots each and 50,000 comments (and a baseline of ordinary posts),
 * with the product's own ReportsService against a real Postgres; then the page and the CSV
 * downloads from the same data. Prints figures only; asserts nothing about time.
 *
 *   npm run bench:report
 *   npm run build && node dist/bench/report.js --posts 1000 --snapshots 100 --comments 50000 --reps 3
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { renderReportPage } from '../apps/api/src/reports/report-page.js';
import { ReportExportsService } from '../apps/api/src/reports/report-exports.service.js';
import { ReportsRepository } from '../apps/api/src/reports/reports.repository.js';
import { StoryRepository } from '../apps/api/src/reports/story.repository.js';
import { ReportsService } from '../apps/api/src/reports/reports.service.js';
import type { Caller } from '#domain/models.js';
import { PrismaService } from '#database/prisma.service.js';
import type { PrismaClient } from '#database/generated/client.js';
import { BASE_DB, createBenchEnv, exit, figure, median, ms, positiveInt, progress, seedOrganisation, strikeMessage, withCleanup, type Defer, type Organisation } from './support.js';

const { values: args } = parseArgs({
  options: {
    posts: { type: 'string', default: '1000' },
    snapshots: { type: 'string', default: '100' },
    comments: { type: 'string', default: '50000' },
    'baseline-posts': { type: 'string', default: '1000' },
    accounts: { type: 'string', default: '5' },
    reps: { type: 'string', default: '3' },
  },
});
const POSTS = positiveInt('posts', args.posts);
const SNAPSHOTS = positiveInt('snapshots', args.snapshots);
const COMMENTS = positiveInt('comments', args.comments, 0);
const BASELINE = positiveInt('baseline-posts', args['baseline-posts'], 0);
const ACCOUNTS = positiveInt('accounts', args.accounts);
const REPS = positiveInt('reps', args.reps);
const HOUR = 3600_000;
const MB = 1024 * 1024;

/** Peak heap and RSS while `body` runs: sampled every few ms, plus before and after it. */
async function measured<T>(body: () => Promise<T>): Promise<{ value: T; ms: number; heapPeakMb: number; heapBeforeMb: number; rssPeakMb: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage();
  let heapPeak = before.heapUsed;
  let rssPeak = before.rss;
  const sample = () => {
    const m = process.memoryUsage();
    heapPeak = Math.max(heapPeak, m.heapUsed);
    rssPeak = Math.max(rssPeak, m.rss);
  };
  const timer = setInterval(sample, 5);
  const t0 = performance.now();
  try {
    const value = await body();
    sample();
    return { value, ms: performance.now() - t0, heapPeakMb: heapPeak / MB, heapBeforeMb: before.heapUsed / MB, rssPeakMb: rssPeak / MB };
  } finally {
    clearInterval(timer);
  }
}

/** The strike, its posts, snapshots and comments, and the baseline, in a few set-based statements. */
async function seed(db: PrismaClient, org: Organisation): Promise<string> {
  const from = new Date(Date.UTC(2026, 0, 10, 8));
  const until = new Date(from.getTime() + 8 * HOUR);
  const strike = await db.strike.create({
    data: {
      organisationId: org.organisationId, createdById: org.memberId, title: 'Benchmark strike', reason: 'Measuring the report',
      startsAt: from, effectiveFrom: from, endsAt: until, startedAt: from, endedAt: until, state: 'ended', allAccounts: false,
      mode: 'occupation', heldPolicy: 'resume', resumeSpacingSeconds: 60, occupationSpacingSeconds: 300,
      messages: { opening: strikeMessage('We are on strike.'), rotation: [], closing: null },
      accounts: { create: org.accountIds.map((accountId) => ({ accountId })) },
    },
  });
  const posts = async (count: number, strikeId: string | null, start: Date, spanMs: number) =>
    db.$executeRaw`
      WITH src AS MATERIALIZED (
        SELECT g, gen_random_uuid() AS post_id, gen_random_uuid() AS delivery_id,
               ${start}::timestamptz + (g * ${spanMs}::float8 / ${count}) * interval '1 millisecond' AS at
        FROM generate_series(0, ${count - 1}::int) AS g),
      p AS (
        INSERT INTO posts (id, organisation_id, text, scheduled_at, strike_id, strike_role, updated_at)
        SELECT post_id, ${org.organisationId}::uuid, 'Post ' || g || ': the picket line holds, and the comment spaces are full.', at,
               ${strikeId}::uuid, CASE WHEN ${strikeId}::uuid IS NULL THEN NULL WHEN g < ${ACCOUNTS} THEN 'opening' ELSE 'slot' END, now()
        FROM src)
      INSERT INTO deliveries (id, organisation_id, post_id, account_id, strike_id, state, scheduled_at, published_at, remote_id, remote_url, updated_at)
      SELECT delivery_id, ${org.organisationId}::uuid, post_id, (${org.accountIds}::uuid[])[1 + g % ${org.accountIds.length}::int], ${strikeId}::uuid,
             'published', at, at, 'r' || delivery_id, 'https://bench.example/@x/' || delivery_id, now()
      FROM src`;
  await posts(POSTS, strike.id, from, 8 * HOUR);
  await posts(BASELINE, null, new Date(from.getTime() - 30 * 24 * HOUR), 30 * 24 * HOUR - 1);
  // Every strike post: SNAPSHOTS snapshots 5 minutes apart, growing, at times of its own; ordinary posts: 10 each.
  await db.$executeRaw`
    INSERT INTO snapshots (delivery_id, taken_at, favourites, boosts, replies, quotes, impressions)
    SELECT d.id, d.published_at + k * interval '5 minutes' + (abs(hashtext(d.id::text)) % 300) * interval '1 second', k * (1 + abs(hashtext(d.id::text)) % 7), k * (abs(hashtext(d.id::text)) % 3), k / 4, k / 10, NULL
    FROM deliveries d, generate_series(1, CASE WHEN d.strike_id IS NULL THEN 10 ELSE ${SNAPSHOTS}::int END) AS k
    WHERE d.organisation_id = ${org.organisationId}::uuid`;
  await db.$executeRaw`
    WITH strike_posts AS (SELECT array_agg(id ORDER BY published_at, id) AS ids FROM deliveries WHERE strike_id = ${strike.id}::uuid)
    INSERT INTO comments (id, organisation_id, strike_id, delivery_id, remote_id, in_reply_to_remote_id, author_handle, author_name, author_url,
                          text, language, url, posted_at, deleted_at, updated_at)
    SELECT gen_random_uuid(), ${org.organisationId}::uuid, ${strike.id}::uuid, ids[1 + g % array_length(ids, 1)], 'c' || g, NULL,
           '@reader' || (g % 7919) || '@bench.example', 'Reader ' || (g % 7919), 'https://bench.example/@reader' || (g % 7919),
           CASE WHEN g % 50 = 0 THEN '=HYPERLINK("x") ' ELSE '' END || 'Comment ' || g || ', "solidarity" with the strikers' || E'\n' || 'and a second line.',
           'en', 'https://bench.example/c/' || g, ${from}::timestamptz + (g * 48.0 * 3600 / ${Math.max(1, COMMENTS)}) * interval '1 second',
           CASE WHEN g % 100 = 99 THEN now() END, now()
    FROM strike_posts, generate_series(0, ${COMMENTS - 1}::int) AS g`;
  await db.$executeRawUnsafe('ANALYZE posts, deliveries, snapshots, comments');
  return strike.id;
}

/** Drains a CSV stream the way an HTTP response would, counting bytes and lines. */
async function drain(chunks: AsyncIterable<string>): Promise<{ bytes: number; lines: number }> {
  let bytes = 0;
  let lines = 0;
  for await (const c of chunks) {
    bytes += Buffer.byteLength(c);
    lines += c.split('\r\n').length - 1;
  }
  return { bytes, lines };
}

async function run(defer: Defer): Promise<void> {
  const { config } = await createBenchEnv(defer);
  const prisma = new PrismaService(config);
  defer(() => prisma.onApplicationShutdown());
  const org = await seedOrganisation(prisma.client, config, ACCOUNTS);
  progress(`seeding ${POSTS} strike posts × ${SNAPSHOTS} snapshots, ${COMMENTS} comments, ${BASELINE} ordinary posts × 10 snapshots`);
  const t0 = performance.now();
  const strikeId = await seed(prisma.client, org);
  progress(`seeded in ${ms(performance.now() - t0)}`);

  const stories = new StoryRepository(prisma);
  const repo = new ReportsRepository(prisma, stories);
  const reports = new ReportsService(repo);
  const exports = new ReportExportsService(reports, repo, stories);
  const caller: Caller = { memberId: org.memberId, organisationId: org.organisationId, role: 'viewer' };

  await reports.report(caller, strikeId, {}); // warms up the JIT and the connection pool
  const runs = [];
  for (let i = 0; i < REPS; i++) runs.push(await measured(() => reports.report(caller, strikeId, {})));
  const report = runs[0]!.value;
  const json = await measured(async () => JSON.stringify(report));
  // Each post's own series, on request (?series=post): what every report carried before.
  const fullRuns = [];
  for (let i = 0; i < REPS; i++) fullRuns.push(await measured(() => reports.report(caller, strikeId, { series: 'post' })));
  const full = fullRuns[0]!.value;
  const fullJson = await measured(async () => JSON.stringify(full));
  const page = await measured(async () => renderReportPage(report, { lang: 'fr', tz: 'Europe/Paris' }));
  const postsCsv = await measured(() => exports.postsCsv(caller, strikeId));
  const snapshotsCsv = await measured(async () => drain(await exports.snapshotsCsv(caller, strikeId)));
  const commentsCsv = await measured(async () => drain(await exports.commentsCsv(caller, strikeId, { includeDeleted: false })));

  const times = runs.map((r) => r.ms);
  const build = median(times);
  figure({ name: 'default report, build + serialise', value: build + json.ms, unit: 'ms', goal: { atMost: 1000 }, before: '1,290 ms' });
  console.log(
    `default report (totals, summed series ≤ 1,000 points): build ${ms(build)} + serialise ${ms(json.ms)} = ${ms(build + json.ms)},` +
      ` JSON ${(json.value.length / MB).toFixed(1)} MB   (before: 810 ms + 480 ms = 1,290 ms, 19.7 MB)`,
  );
  console.log(
    `?series=post (each post's series, summed series in full): build ${ms(median(fullRuns.map((r) => r.ms)))} + serialise ${ms(fullJson.ms)},` +
      ` JSON ${(fullJson.value.length / MB).toFixed(1)} MB`,
  );
  console.log(
    `report (JSON object): median ${ms(median(times))}, max ${ms(Math.max(...times))} over ${REPS} runs;` +
      ` heap peak ${Math.max(...runs.map((r) => r.heapPeakMb)).toFixed(0)} MB (from ${runs[0]!.heapBeforeMb.toFixed(0)} MB before),` +
      ` RSS peak ${Math.max(...runs.map((r) => r.rssPeakMb)).toFixed(0)} MB`,
  );
  console.log(
    `  ${report.posts.length} posts, ${full.series.perPost.reduce((n, s) => n + s.points.length, 0)} snapshots, summed series ${full.series.total.length} points (${report.series.total.length} by default),` +
      ` ${report.comments.count} comments (${report.comments.uniqueAuthors} authors, ${report.comments.perHour.length} hours), baseline ${report.baseline.posts} posts`,
  );
  console.log(`  ${report.ratios.favourites?.sentence}`);
  const line = (name: string, m: { ms: number; heapPeakMb: number; rssPeakMb: number }, size: string) =>
    console.log(`${name}: ${ms(m.ms)}, ${size}, heap peak ${m.heapPeakMb.toFixed(0)} MB, RSS peak ${m.rssPeakMb.toFixed(0)} MB`);
  line('JSON.stringify', json, `${(json.value.length / MB).toFixed(1)} MB`);
  line('report page (HTML)', page, `${(page.value.length / 1024).toFixed(0)} KB`);
  line('posts.csv', postsCsv, `${(Buffer.byteLength(postsCsv.value) / 1024).toFixed(0)} KB`);
  line('snapshots.csv (streamed)', snapshotsCsv, `${snapshotsCsv.value.lines - 1} rows, ${(snapshotsCsv.value.bytes / MB).toFixed(1)} MB`);
  line('comments.csv (streamed)', commentsCsv, `${commentsCsv.value.lines - 1} rows, ${(commentsCsv.value.bytes / MB).toFixed(1)} MB`);
  console.log(`process max RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}

async function main(): Promise<void> {
  const began = Date.now();
  console.log(
    `Report benchmark (Postgres ${new URL(BASE_DB).host}): ${POSTS} strike posts × ${SNAPSHOTS} snapshots, ${COMMENTS} comments,` +
      ` ${BASELINE} ordinary posts in the baseline, ${ACCOUNTS} accounts${(globalThis as { gc?: unknown }).gc ? '' : ' (run node with --expose-gc for cleaner heap figures)'}`,
  );
  await withCleanup(run);
  console.log(`\nrun time: ${((Date.now() - began) / 1000).toFixed(1)} s`);
}

await main().then(
  () => exit(0),
  (err: unknown) => exit(1, err),
);
