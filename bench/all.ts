/**
 * `npm run bench`: every benchmark of issue 15 in one run, each in its own process as when run
 * alone (its own lines printed as they come), then one table of the headline figures side by side
 * with their goals and the figures measured before. Prints figures only: a goal missed is a line
 * that says so, not a failure (this machine is shared and its load changes the figures).
 *
 *   npm run bench
 *   npm run build && node dist/bench/all.js --only publish,strikes
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Figure } from './support.js';

const BENCHES: Record<string, string[]> = {
  publish: ['publish-throughput.js', '--concurrency', '10'],
  strikes: ['strikes.js', '--figures', '2,3'],
  takeover: ['takeover.js'],
  'takeover-spaced': ['takeover.js', '--n', '4000', '--kills', '5', '--every', '8-10'],
  scale: ['scale.js'],
  engagement: ['engagement.js'],
  report: ['report.js'],
};

const { values: args } = parseArgs({ options: { only: { type: 'string', default: Object.keys(BENCHES).join(',') } } });
const chosen = args.only.split(',').map((b) => b.trim());
for (const b of chosen) if (!BENCHES[b]) throw new Error(`--only: no bench named ${b} (there are ${Object.keys(BENCHES).join(', ')})`);

const dir = mkdtempSync(join(tmpdir(), 'piquet-bench-'));
const file = join(dir, 'figures.jsonl');
const began = Date.now();
const load = loadavg()[0]!.toFixed(2);
const failed: string[] = [];
for (const name of chosen) {
  const [script, ...rest] = BENCHES[name]!;
  console.log(`\n==================== ${name} (node dist/bench/${[script, ...rest].join(' ')})`);
  const run = spawnSync(process.execPath, [fileURLToPath(new URL(`./${script}`, import.meta.url)), ...rest], {
    stdio: 'inherit',
    env: { ...process.env, PIQUET_BENCH_FIGURES: file },
  });
  if (run.status !== 0) failed.push(`${name} (exit ${run.status ?? run.signal})`);
}

const figures: Figure[] = (() => {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Figure);
  } catch {
    return []; // no bench recorded a figure
  }
})();
rmSync(dir, { recursive: true, force: true });

const shown = (v: number, unit: Figure['unit']) =>
  unit === 'ms' ? `${Math.round(v)} ms` : unit === 's' ? `${v.toFixed(1)} s` : unit === '/s' ? `${v.toFixed(1)}/s` : unit === 'ratio' || unit === 'requests' ? v.toFixed(3) : String(v);
const goal = (f: Figure) => (f.goal?.atMost !== undefined ? `≤ ${shown(f.goal.atMost, f.unit)}` : f.goal?.atLeast !== undefined ? `≥ ${shown(f.goal.atLeast, f.unit)}` : '');
const met = (f: Figure) =>
  !f.goal ? '' : (f.goal.atMost === undefined || f.value <= f.goal.atMost) && (f.goal.atLeast === undefined || f.value >= f.goal.atLeast) ? 'yes' : 'NO';
const rows = [['figure', 'now', 'goal', 'met', 'before'], ...figures.map((f) => [f.name, shown(f.value, f.unit), goal(f), met(f), f.before ?? ''])];
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
console.log(`\n==================== summary: ${figures.length} figures in ${((Date.now() - began) / 60_000).toFixed(1)} min, load average ${load} at the start`);
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
if (failed.length) console.log(`benches that stopped with an error: ${failed.join(', ')}`);
process.exitCode = failed.length ? 1 : 0;
