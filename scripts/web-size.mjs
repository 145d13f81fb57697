// Prints the web app's first load: the JS and CSS that dist/web/index.html loads, gzipped.
// Pages are separate chunks loaded on first visit, so they are not counted here.
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const dir = 'dist/web';
const html = readFileSync(join(dir, 'index.html'), 'utf8');
const refs = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*\shref)="([^"]+)"/g)]
  .map((m) => m[1])
  .filter((r) => /\.(m?js|css)$/.test(r) && !/^https?:/.test(r));
let total = 0;
const rows = [];
for (const ref of new Set(refs)) {
  const file = join(dir, ref.replace(/^\//, ''));
  if (!existsSync(file)) continue;
  const gz = gzipSync(readFileSync(file), { level: 9 }).length;
  total += gz;
  rows.push(`  ${ref}  ${(gz / 1024).toFixed(1)} KB gzip`);
}
console.log(`web app first load (what index.html loads):\n${rows.join('\n')}\n  total ${(total / 1024).toFixed(1)} KB gzip (target < 150 KB)`);
const limit = Number(process.env.WEB_FIRST_LOAD_LIMIT_KB ?? 150);
if (total / 1024 > limit) {
  console.error(`first load is over ${limit} KB gzip`);
  process.exit(1);
}
