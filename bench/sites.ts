/**
 * Site figures (issue 13, "Benchmarks"): the public answers of sites under load, with 100 sites and a
 * strike in force on all of them, beside a static file of about the same size served by the same
 * API process (the ceiling). The load comes from autocannon in a second process on loopback, cycling
 * through the 100 sites' keys. Prints requests per second, p99 latency and the ratio to the static
 * file; asserts nothing about time.
 *
 *   npm run bench:sites
 *   npm run build && node dist/bench/sites.js --sites 100 --connections 50 --duration 10
 */
import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { promisify } from 'node:util';
import { createApiApp } from '../apps/api/src/bootstrap-app.js';
import { OrganisationsRepository } from '../apps/api/src/organisations/organisations.repository.js';
import { issueApiToken } from '#crypto/api-tokens.js';
import { PrismaService } from '#database/prisma.service.js';
import { createBenchEnv, exit, positiveInt, progress, withCleanup } from './support.js';

const { values: args } = parseArgs({
  options: {
    sites: { type: 'string', default: '100' },
    connections: { type: 'string', default: '50' },
    duration: { type: 'string', default: '10' },
  },
});
const SITES = positiveInt('sites', args.sites);
const CONNECTIONS = positiveInt('connections', args.connections);
const DURATION = positiveInt('duration', args.duration);
const RUNNER = fileURLToPath(new URL('./autocannon-runner.js', import.meta.url));
const run = promisify(execFile);

interface Figures {
  rps: number;
  total: number;
  p50: number;
  p99: number;
  errors: number;
  timeouts: number;
  statuses: Record<string, number>;
}

async function load(url: string, paths: string[], duration = DURATION, headers?: Record<string, string>): Promise<Figures> {
  const { stdout } = await run(process.execPath, [RUNNER, JSON.stringify({ url, paths, connections: CONNECTIONS, duration, headers })], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as Figures;
}

await withCleanup(async (defer) => {
  const web = mkdtempSync(join(tmpdir(), 'piquet-bench-web-'));
  defer(async () => rmSync(web, { recursive: true, force: true }));
  const env = await createBenchEnv(defer, { WEB_DIR: web });
  const app = await createApiApp(env.config, { logs: false });
  await app.listen(0, '127.0.0.1');
  defer(() => app.close());
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const prisma = app.get(PrismaService).client;

  progress(`seeding ${SITES} sites and a strike in force on all of them`);
  const token = issueApiToken();
  const { organisationId, memberId } = await new OrganisationsRepository(app.get(PrismaService)).createWithAdmin('Bench', 'admin', token);
  const keys: string[] = [];
  for (let i = 0; i < SITES; i++) {
    const res = await fetch(`${base}/v1/sites`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `Site ${i}`, origin: `https://site-${i}.example`, exceptPrefixes: ['/legal'] }),
    });
    if (res.status !== 201) throw new Error(`site refused: ${res.status} ${await res.text()}`);
    keys.push(((await res.json()) as { publicKey: string; id: string }).publicKey);
  }
  const siteIds = (await prisma.site.findMany({ where: { organisationId }, select: { id: true } })).map((s) => s.id);
  const now = Date.now();
  const strike = await prisma.strike.create({
    data: {
      organisationId,
      createdById: memberId,
      title: 'Grève du 5 décembre',
      reason: 'Contre la réforme des retraites, pour les salaires et contre la suppression de postes à la rédaction.',
      startsAt: new Date(now - 60_000),
      endsAt: new Date(now + 3_600_000),
      effectiveFrom: new Date(now - 60_000),
      approvedAt: new Date(now - 120_000),
      allAccounts: true,
      mode: 'silence',
      heldPolicy: 'resume',
      resumeSpacingSeconds: 300,
      occupationSpacingSeconds: 900,
      messages: { opening: null, rotation: [], closing: null },
      state: 'running',
    },
  });
  await prisma.strikeSite.createMany({ data: siteIds.map((siteId, i) => ({ strikeId: strike.id, siteId, form: i % 2 === 0 ? 'closed' : 'banner' })) });
  // The closed sites answer 503 with the strike page; the ceiling is a static file of the same size.
  const closedKeys = keys.filter((_, i) => i % 2 === 0);
  const page = await fetch(`${base}/v1/public/sites/${closedKeys[0]}/access`, { headers: { 'x-original-uri': '/' } });
  const pageBytes = (await page.text()).length;
  if (page.status !== 503) throw new Error(`expected the strike page, got ${page.status}`);
  writeFileSync(join(web, 'ceiling.html'), 'x'.repeat(pageBytes));

  const scenarios: { name: string; paths: string[]; headers?: Record<string, string> }[] = [
    { name: `static file (${pageBytes} B), the ceiling`, paths: ['/ceiling.html'] },
    { name: 'access, closed: 503 + strike page', paths: closedKeys.map((k) => `/v1/public/sites/${k}/access`), headers: { 'x-original-uri': '/articles/1' } },
    { name: 'access, excepted path: 200', paths: closedKeys.map((k) => `/v1/public/sites/${k}/access?path=/legal`) },
    { name: 'status (display script), JSON', paths: keys.map((k) => `/v1/public/sites/${k}/status`) },
  ];
  progress('warming up');
  for (const s of scenarios) await load(base, s.paths, 2, s.headers);

  const results: { name: string; f: Figures }[] = [];
  for (const s of scenarios) {
    progress(`${s.name}: ${CONNECTIONS} connections, ${DURATION} s`);
    results.push({ name: s.name, f: await load(base, s.paths, DURATION, s.headers) });
  }
  const ceiling = results[0]!.f.rps;
  console.log(`\nSites: ${SITES} sites, a strike in force on all (half closed, half banner); autocannon, ${CONNECTIONS} connections, ${DURATION} s each, from a second process on loopback\n`);
  console.log('| answer | req/s | p50 ms | p99 ms | × static | statuses | errors |');
  console.log('| --- | ---: | ---: | ---: | ---: | --- | ---: |');
  for (const { name, f } of results) {
    const statuses = Object.entries(f.statuses).map(([c, n]) => `${c}: ${n}`).join(', ');
    console.log(`| ${name} | ${Math.round(f.rps)} | ${f.p50} | ${f.p99} | ${(f.rps / ceiling).toFixed(2)} | ${statuses} | ${f.errors + f.timeouts} |`);
  }
}).then(
  () => exit(0),
  (err: unknown) => exit(1, err),
);
