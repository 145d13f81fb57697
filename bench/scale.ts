/**
 * More workers: deliveries per second with 1, 2 and 4 real worker processes against a fake Mastodon
 * that answers after `--latency` ms, and the ratio 4/1. Each run has its own schema and prefix.
 * Prints figures only; asserts nothing about time.
 *
 *   npm run bench:scale
 *   npm run build && node dist/bench/scale.js --n 3000 --latency 200 --concurrency 10 --workers 1,2,4
 */
import { parseArgs } from 'node:util';
import { exit, figure, positiveInt, progress, waitFor, withCleanup, type Defer } from './support.js';
import { startPublishRig } from './publish-rig.js';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '3000' },
    latency: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '10' },
    workers: { type: 'string', default: '1,2,4' },
    accounts: { type: 'string', default: '15' },
  },
});
const N = positiveInt('n', args.n);
const LATENCY = positiveInt('latency', args.latency, 0);
const CONCURRENCY = positiveInt('concurrency', args.concurrency);
const WORKERS = args.workers.split(',').map((w) => positiveInt('workers', w));
const ACCOUNTS = positiveInt('accounts', args.accounts);
/** Issue 15's figures, before the lean publish path. */
const BEFORE: Record<number, number> = { 1: 41.9, 2: 72.5, 4: 106.5 };

async function run(workers: number, defer: Defer): Promise<number> {
  const { server, db, workers: children, enqueue } = await startPublishRig(defer, { workers, concurrency: CONCURRENCY, latencyMs: LATENCY, settleMs: 1000 });
  const start = Date.now();
  await enqueue(N, ACCOUNTS);
  await waitFor(async () => {
    children.forEach((c) => c.alive());
    return (await db.delivery.count({ where: { state: 'published' } })) === N;
  }, `${N} deliveries to be published`, 600_000);
  const last = await db.delivery.aggregate({ _max: { updatedAt: true } });
  if (server.statuses.length !== N) throw new Error(`Fake Mastodon holds ${server.statuses.length} statuses, expected ${N}`);
  return (N * 1000) / (last._max.updatedAt!.getTime() - start);
}

async function main(): Promise<void> {
  console.log(`Worker scaling: ${N} deliveries, server latency ${LATENCY} ms, concurrency ${CONCURRENCY} per worker, ${ACCOUNTS} accounts`);
  const rates = new Map<number, number>();
  for (const w of WORKERS) {
    progress(`${w} worker(s)`);
    const rate = await withCleanup((defer) => run(w, defer));
    rates.set(w, rate);
    figure({ name: `${w} worker process${w > 1 ? 'es' : ''}, ${LATENCY} ms latency`, value: rate, unit: '/s', ...(BEFORE[w] ? { before: `${BEFORE[w]}/s` } : {}) });
    console.log(`  ${w} worker${w > 1 ? 's' : ''}: ${rate.toFixed(1)} deliveries/s${BEFORE[w] ? `   (before: ${BEFORE[w]}/s)` : ''}`);
  }
  const one = rates.get(1);
  const four = rates.get(4);
  if (one && four) figure({ name: 'workers 4/1', value: four / one, unit: 'ratio', goal: { atLeast: 3 }, before: '2.54' });
  if (one && four) console.log(`  4/1 = ${(four / one).toFixed(2)}   (before: 2.54)`);
}

await main().then(() => exit(0), (err: unknown) => exit(1, err));
