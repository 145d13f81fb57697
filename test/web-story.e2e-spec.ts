import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { FakeMastodon, type FakeStatus } from '../apps/sandbox/src/mastodon-server.js';
import { checkPage, fieldError, fill, freePort, launchChromium, newContext, type AxeFinding } from './support/browser.js';
import { createTestEnv, waitFor, type TestEnv } from './support/env.js';
import { bootstrapOrganisation, startNode, type RunningProcess } from './support/processes.js';

// The whole strike, from three browsers, as the people it is for would run it: real API and worker
// processes (dist/), a real Postgres schema and Redis prefix, the sandbox Mastodon server over HTTP.
//
// The admin opens the bootstrap invitation, sets a passphrase, connects the sandbox account through
// OAuth (confirmation page in the same session), writes three posts (one over the limit is refused
// at its field), invites two members. Each member joins in a browser of their own — one in French.
// One proposes a strike in the strike composer, whose preview shows the held posts as it is typed;
// both vote on a secret ballot; the motion is decided as the rule says. The live page shows the
// opening post appear without a reload; a stop motion, voted the same way, ends it early; the held
// posts, left for review, are resumed from the held-posts page and come back; the report shows the counts and a comment written on the
// sandbox. Every page: axe-core (no serious or critical finding) and screenshots at 360 and 1280 px.

jest.setTimeout(600_000);
const ZONE = 'Europe/Paris';
const MIN = 60_000;
const PASS = { admin: 'une phrase de passe pour Camille', ana: 'a passphrase for Ana, long enough', sam: 'une phrase de passe pour Sam' };

let env: TestEnv;
let api: RunningProcess;
let worker: RunningProcess;
let base: string;
let browser: Browser;
let adminToken: string;
const mastodon = new FakeMastodon();
const findings: AxeFinding[] = [];
const contexts: { context: BrowserContext; problems: string[] }[] = [];

/** Reads through the API as the admin's automation would: only to check what the pages claim. */
async function apiGet<T>(path: string): Promise<T> {
  const res = await fetch(base + path, { headers: { authorization: `Bearer ${adminToken}` } });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** An `<input type="datetime-local">` value for an instant, in the organisation's zone. */
function localInput(date: Date): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
      .formatToParts(date)
      .map((x) => [x.type, x.value]),
  );
  return `${p['year']}-${p['month']}-${p['day']}T${p['hour']}:${p['minute']}`;
}

async function check(page: Page, name: string) {
  findings.push(...(await checkPage(page, name)));
}

async function browserFor(locale: 'en-GB' | 'fr-FR'): Promise<Page> {
  const opened = await newContext(browser, base, locale);
  opened.context.setDefaultTimeout(60_000);
  contexts.push(opened); // its page errors and CSP refusals are checked at the end
  return opened.context.newPage();
}

/** A member joins from the invitation link, in their own browser. */
async function join(page: Page, link: string, login: string, passphrase: string, fr = false) {
  await page.goto(new URL(link).pathname);
  await fill(page, fr ? 'Identifiant' : 'Login', login);
  await fill(page, fr ? 'Phrase de passe' : 'Passphrase', passphrase);
  await fill(page, fr ? 'Phrase de passe, à nouveau' : 'Passphrase again', passphrase);
  await page.getByRole('button', { name: fr ? 'Rejoindre et se connecter' : 'Join and sign in' }).click();
  await page.waitForURL(/\/queue/);
}

/** Invites a member from the organisation page; returns the link shown once. */
async function invite(page: Page, name: string): Promise<string> {
  await page.goto('/organisation');
  await fill(page, 'Name of the person', name);
  await page.getByRole('button', { name: 'Create an invitation link' }).click();
  const dialog = page.getByRole('dialog', { name: `Invitation for ${name}` });
  await dialog.waitFor();
  const link = await dialog.getByLabel('Invitation link').inputValue();
  await page.keyboard.press('Escape');
  return link;
}

/** Writes a post in the composer for the sandbox account. */
async function writePost(page: Page, text: string, at: Date) {
  await page.goto('/posts/new');
  await page.getByRole('checkbox', { name: /@piquet/ }).check();
  await fill(page, 'Text', text);
  await page.getByLabel(/^Publish at/).fill(localInput(at));
  await page.getByRole('button', { name: 'Schedule' }).click();
  await page.waitForURL(/\/posts\/[0-9a-f-]{36}\?created=1/);
}

beforeAll(async () => {
  env = await createTestEnv({ ENGAGEMENT_TICK_MS: '500', ENGAGEMENT_SCHEDULE: '1s@30m', RECONCILE_INTERVAL_MS: '1000' });
  mastodon.addAccount('piquet'); // the sandbox's user: its OAuth page approves as this account
  await mastodon.start();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const processEnv = { ...env.env, HOST: '127.0.0.1', PORT: String(port), PUBLIC_URL: base };
  api = await startNode('dist/apps/api/src/main.js', processEnv);
  await waitFor(async () => (await fetch(`${base}/health`).catch(() => null))?.ok, 'the API to answer', 90_000);
  // Not startWorker: its 30 s wait is too short on a loaded machine.
  worker = await startNode('dist/apps/worker/src/main.js', processEnv);
  await waitFor(async () => /worker started/.test(worker.output()), 'the worker to start', 180_000);
  browser = await launchChromium();
});

afterAll(async () => {
  for (const c of contexts) await c.context.close().catch(() => undefined);
  await browser?.close();
  await worker?.stop();
  await api?.stop();
  await mastodon.stop();
  await env?.cleanup();
});

describe('a strike run from the browser, end to end', () => {
  it('invites, connects, composes, proposes, votes, occupies, hands back and reports — in English and French', async () => {
    // ------------------------------------------------------------------ the admin arrives
    const boot = await bootstrapOrganisation({ ...env.env, PUBLIC_URL: base }, 'Rédaction');
    adminToken = boot.token;
    const admin = await browserFor('en-GB');
    await admin.goto(new URL(boot.invitationUrl).pathname);
    await fill(admin, 'Login', 'camille@example.org');
    await fill(admin, 'Passphrase', PASS.admin);
    await fill(admin, 'Passphrase again', PASS.admin);
    await admin.getByRole('button', { name: 'Join and sign in' }).click();
    await admin.waitForURL(/\/queue/);

    // Secret ballots: who voted is shown, never how (set through the API; the organisation page is web-app's test).
    const rule = await fetch(`${base}/v1/organisation/decision-rule`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'votes', quorumCount: 2, quorumPercent: 50, ballot: 'secret' }),
    });
    expect(rule.status).toBe(200);

    // ------------------------------------------------------------------ OAuth, finished in this session after a confirmation
    await admin.goto('/accounts');
    await fill(admin, 'Server address', mastodon.url);
    await admin.getByRole('button', { name: 'Continue to the server' }).click();
    await admin.waitForURL(/\/v1\/oauth\/mastodon\/callback/);
    await admin.getByText('Rédaction').first().waitFor();
    await admin.getByRole('button', { name: 'Connect' }).click();
    await admin.waitForURL(/\/accounts\?connected=/);
    await admin.getByRole('heading', { name: /@piquet/ }).waitFor();
    const accounts = await apiGet<{ id: string; handle: string }[]>('/v1/accounts');
    expect(accounts.map((a) => a.handle)).toEqual([expect.stringMatching(/^@piquet@/)]);

    // ------------------------------------------------------------------ two members join, one in French
    const anaLink = await invite(admin, 'Ana');
    const samLink = await invite(admin, 'Sam');
    const ana = await browserFor('en-GB');
    await join(ana, anaLink, 'ana@example.org', PASS.ana);
    const sam = await browserFor('fr-FR');
    await join(sam, samLink, 'sam@example.org', PASS.sam, true);

    // ------------------------------------------------------------------ the window, half an hour long
    // The posts are due well inside it: the start holds them whenever the decision lands (a decision
    // after the start takes effect at once), and the strike is ended early by a stop motion. Its start
    // (whole minutes: the form's precision) is chosen as the composer is filled, just far enough ahead
    // to be proposed in time, so the story waits as little as it can for it.
    const heldAt = new Date(Math.ceil(Date.now() / MIN) * MIN + 15 * MIN);

    // Three posts written in the composer: two due inside the window, one over the limit refused at its field.
    await writePost(admin, 'Le point sur la réforme, épisode 1', heldAt);
    await writePost(admin, 'Le point sur la réforme, épisode 2', heldAt);
    await admin.goto('/posts/new');
    await admin.getByRole('checkbox', { name: /@piquet/ }).check();
    await fill(admin, 'Text', 'x'.repeat(510));
    expect(await fieldError(admin, 'Text')).toContain('over its limit of 500');
    await expect(admin.getByRole('button', { name: 'Schedule' }).isDisabled()).resolves.toBe(true);
    expect((await apiGet<{ items: unknown[] }>('/v1/posts')).items).toHaveLength(2);

    // ------------------------------------------------------------------ Ana proposes a strike; the preview follows her typing
    await ana.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Strikes' }).click();
    await ana.waitForURL(/\/strikes$/);
    await ana.getByText('No strike yet').waitFor();
    await check(ana, 'strikes-empty');
    await ana.getByRole('link', { name: 'Propose a strike' }).click();
    await ana.waitForURL(/\/strikes\/new$/);
    // Before the opening message is written the preview names what it needs.
    await ana.getByTestId('preview-needs').waitFor();
    await fill(ana, 'Title', 'Grève du numérique');
    await fill(ana, 'Reason', 'Contre la réforme des retraites');
    const start = new Date(Math.ceil((Date.now() + 45_000) / MIN) * MIN);
    const end = new Date(start.getTime() + 30 * MIN);
    expect(heldAt > start && heldAt < end).toBe(true);
    await fill(ana, 'Starts', localInput(start));
    await fill(ana, 'Ends', localInput(end));
    // A message too long for the account: the API's error lands at its field, from the preview.
    await fill(ana, 'Opening message', 'y'.repeat(501));
    await ana.getByLabel('Opening message').blur();
    expect(await fieldError(ana, 'Opening message')).toMatch(/at most 500/);
    await ana.getByText(/@piquet\S*: 501 \/ 500 — too long/).waitFor();
    await fill(ana, 'Opening message', 'Nous sommes en grève. Les posts programmés attendront.');
    await ana.getByRole('checkbox', { name: 'Publish a closing message at the end' }).check();
    await fill(ana, 'Closing message', 'Fin de la grève. Merci de votre soutien.');
    await ana.getByRole('checkbox', { name: /Occupy the profile/ }).check();
    await fill(ana, 'After the display name', 'en grève');
    await ana.getByRole('radio', { name: /^Review/ }).check();
    // The preview, as typed: both posts held, opening + two slots + closing, left for review, profile occupied and restored.
    const counts = ana.getByTestId('preview-counts');
    await counts.getByText('2 ordinary posts held').waitFor();
    await counts.getByText('2 held posts left for review').waitFor();
    await counts.getByText('2 profile changes').waitFor();
    const previewText = await ana.locator('.composer-preview').innerText();
    expect(previewText).toContain('Le point sur la réforme, épisode 1');
    expect(previewText).toContain('Le point sur la réforme, épisode 2');
    expect(previewText).toContain('Opening strike post');
    expect(previewText).toContain('name “piquet en grève”');
    await check(ana, 'strike-composer');
    expect((await apiGet<{ items: unknown[] }>('/v1/strikes')).items).toHaveLength(0); // previews save nothing
    await ana.getByRole('button', { name: 'Propose the strike' }).click();
    await ana.waitForURL(/\/motions\/[0-9a-f-]{36}$/);
    const motionPath = new URL(ana.url()).pathname;
    await ana.getByRole('heading', { name: 'Approve the strike “Grève du numérique”' }).waitFor();
    await ana.getByTestId('preview-counts').getByText('2 ordinary posts held').waitFor();
    await check(ana, 'motion-open');
    const strikeId = (await apiGet<{ items: { id: string }[] }>('/v1/strikes')).items[0]!.id;

    // The admin opens the live page now, before the decision and the start, and never reloads it.
    await admin.goto(`/strikes/${strikeId}/live`);
    await admin.getByTestId('connection').getByText('Live: updates arrive by themselves.').waitFor();
    await admin.getByTestId(/starts-in|ends-in/).first().waitFor();
    await admin.evaluate(() => ((globalThis as unknown as { stillHere: boolean }).stillHere = true));
    // The admin votes too: the banner says so until the decision.
    const adminBanner = admin.getByRole('region', { name: /vote/i });
    await adminBanner.waitFor();
    await check(admin, 'live-before');

    // ------------------------------------------------------------------ both vote; the rule decides
    await ana.getByRole('button', { name: 'Vote for' }).click();
    await ana.getByText(/You voted \(/).waitFor();
    await ana.getByText('The totals stay sealed until the decision.').waitFor();
    // Sam sees the banner on every page, in French, and follows it.
    await sam.reload();
    await sam.getByRole('region', { name: /vote/i }).getByRole('link').click();
    await sam.waitForURL(new RegExp(`${motionPath}$`));
    await sam.getByRole('heading', { name: 'Approuver la grève « Grève du numérique »' }).waitFor();
    // Who has voted, never how: Ana is listed, with no choice next to her name.
    const votes = await sam.getByTestId('votes').innerText();
    expect(votes).toContain('Ana');
    expect(votes).not.toMatch(/\bpour\b|\bcontre\b|\bfor\b|\bagainst\b/);
    await check(sam, 'motion-open-fr');
    await sam.getByRole('button', { name: 'Voter pour' }).click();
    await sam.getByText('La motion est approuvée.').waitFor();
    await sam.getByText('2 pour, 0 contre.').waitFor();
    await check(sam, 'motion-approved-fr');
    // Ana's page learns it by itself.
    await ana.getByText('The motion is approved.').waitFor();
    const decided = await apiGet<{ state: string; approvedAt: string | null }>(`/v1/strikes/${strikeId}`);
    expect(['approved', 'running']).toContain(decided.state); // running already if the machine was slow
    expect(decided.approvedAt).not.toBeNull();

    // ------------------------------------------------------------------ the strike page and the list
    await ana.goto(`/strikes/${strikeId}`);
    await ana.getByRole('heading', { name: 'Grève du numérique', level: 1 }).waitFor();
    await check(ana, 'strike-overview');
    await ana.goto('/strikes');
    await ana.getByRole('link', { name: 'Grève du numérique' }).waitFor();
    await check(ana, 'strikes-list');

    // ------------------------------------------------------------------ live: the opening post appears without a reload
    const published = admin.getByTestId('strike-posts').getByRole('link', { name: 'see it on the network' }).first();
    await published.waitFor({ timeout: Math.max(0, start.getTime() - Date.now()) + 120_000 });
    expect(await admin.evaluate(() => (globalThis as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
    // The decision ended the motion: the never-reloaded page's banner has gone with it.
    await adminBanner.waitFor({ state: 'detached' });
    await admin.getByTestId('ends-in').waitFor();
    await admin.getByText('Profile occupied.').waitFor();
    const opening = await waitFor(async () => mastodon.statuses.find((s) => s.text.startsWith('Nous sommes en grève')), 'the opening post on the sandbox');
    expect(await published.getAttribute('href')).toContain(opening.id);
    await waitFor(async () => [...mastodon.accounts.values()].find((a) => a.id === opening.accountId)?.displayName === 'piquet en grève', 'the occupied display name', 60_000);
    // The two ordinary posts are held when their time comes, and shown so as it happens.
    await admin.getByTestId('holds').getByText('Le point sur la réforme, épisode 2').waitFor();
    await check(admin, 'live-running');
    // Sam follows it in French.
    await sam.goto(`/strikes/${strikeId}/live`);
    await sam.getByText('En direct : les mises à jour arrivent d’elles-mêmes.').waitFor();
    await check(sam, 'live-running-fr');

    // A reader answers the opening post on the sandbox: the report will show it.
    mastodon.addReply(opening.id, { username: 'lectrice', instance: 'example.net', displayName: 'Une lectrice' }, '<p>Tout mon soutien aux grévistes !</p>');

    // ------------------------------------------------------------------ ended early, by the same rule: a stop motion
    await ana.goto(`/strikes/${strikeId}`);
    await ana.getByRole('button', { name: 'Propose to end it now' }).click();
    const stop = ana.getByRole('dialog', { name: 'Propose to end it now' });
    await fill(ana, 'Why (shown with the motion)', 'Assez pour aujourd’hui');
    await check(ana, 'strike-stop-dialog');
    await stop.getByRole('button', { name: 'Open the motion' }).click();
    await ana.getByRole('heading', { name: 'Stop the strike “Grève du numérique”' }).waitFor();
    const stopPath = new URL(ana.url()).pathname;
    await ana.getByRole('button', { name: 'Vote for' }).click();
    await ana.getByText(/You voted \(/).waitFor();
    await sam.goto(stopPath);
    await sam.getByRole('button', { name: 'Voter pour' }).click();
    await sam.getByText('La motion est approuvée.').waitFor();
    await check(sam, 'motion-stop-fr');

    // ------------------------------------------------------------------ the end: held posts wait for review, and come back
    await admin.getByText('2 held posts wait for review.').waitFor({ timeout: 120_000 });
    expect(await admin.evaluate(() => (globalThis as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
    await admin.getByText(/restored/).first().waitFor({ timeout: 120_000 });
    await check(admin, 'live-ended');
    const ordinary = (): FakeStatus[] => mastodon.statuses.filter((s) => s.text.startsWith('Le point sur la réforme'));
    expect(ordinary()).toHaveLength(0); // nothing leaked during the strike

    await admin.getByRole('link', { name: 'Review them' }).click();
    await admin.waitForURL(new RegExp(`/strikes/${strikeId}/held$`));
    await admin.getByRole('table').getByText('Le point sur la réforme, épisode 1').waitFor();
    await check(admin, 'held-review');
    await admin.getByRole('checkbox', { name: 'Select all' }).check();
    await admin.getByRole('button', { name: 'Resume the 2 selected posts' }).click();
    await admin.getByText('2 posts resumed.').waitFor();
    await admin.getByText('No held post is waiting for review.').waitFor();
    await check(admin, 'held-done');
    await waitFor(async () => ordinary().length === 2, 'the two held posts to come back on the sandbox', 60_000);
    expect(ordinary().map((s) => s.text).sort()).toEqual(['Le point sur la réforme, épisode 1', 'Le point sur la réforme, épisode 2']);
    await admin.getByLabel('Show').selectOption({ label: 'Resumed' });
    await admin.getByRole('table').getByText('Le point sur la réforme, épisode 2').waitFor();

    // ------------------------------------------------------------------ the report: counts and the reader's comment
    await admin.goto(`/strikes/${strikeId}/report`);
    await waitFor(
      async () => {
        await admin.reload();
        await admin.getByRole('heading', { level: 1 }).waitFor();
        return (await admin.getByText('Tout mon soutien aux grévistes !').count()) > 0;
      },
      'the comment in the report',
      60_000,
    );
    const totals = admin.getByTestId('report-totals');
    await expect(totals.locator('[data-metric="posts"]').innerText()).resolves.toBe('2');
    await expect(totals.locator('[data-metric="comments"]').innerText()).resolves.toBe('1');
    await admin.getByText('@lectrice@example.net').waitFor();
    await admin.getByRole('link', { name: 'Posts (CSV)' }).waitFor();
    await check(admin, 'report');
    // A signed link is made and shown once; it opens the printable page without signing in.
    await admin.getByRole('button', { name: 'Make a link' }).click();
    const link = await admin.getByTestId('report-link').innerText();
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Grève du numérique');
    await check(admin, 'report-link');

    // Sam reads it in French.
    await sam.goto(`/strikes/${strikeId}/report`);
    await sam.getByRole('heading', { name: 'Rapport : Grève du numérique' }).waitFor();
    await sam.getByText('Tout mon soutien aux grévistes !').waitFor();
    await check(sam, 'report-fr');

    expect(contexts.flatMap((c) => c.problems)).toEqual([]);
    expect(findings).toEqual([]);
  });
});
