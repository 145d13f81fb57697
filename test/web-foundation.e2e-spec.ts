import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { FakeMastodon } from '../apps/sandbox/src/mastodon-server.js';
import { checkPage, fieldError, fill, freePort, launchChromium, newContext, type AxeFinding } from './support/browser.js';
import { createTestEnv, waitFor, type TestEnv } from './support/env.js';
import { bootstrapOrganisation, startNode, type RunningProcess } from './support/processes.js';

// The web app's foundation in a real browser against the real API process (dist/), a real Postgres
// schema and a Redis prefix of its own: invitation → passphrase → signed in; the composer's field
// errors (a post over the limit cannot be sent); the queue; inviting a member; axe-core and
// screenshots at 360 and 1280 px on every page of this part of the app.

let env: TestEnv;
let api: RunningProcess;
let base: string;
let browser: Browser;
let adminToken: string;
let accountId: string;
const mastodon = new FakeMastodon();
const findings: AxeFinding[] = [];
const problems: string[] = [];

async function apiCall<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

function localInput(date: Date, timeZone = 'Europe/Paris'): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
      .formatToParts(date)
      .map((x) => [x.type, x.value]),
  );
  return `${p['year']}-${p['month']}-${p['day']}T${p['hour']}:${p['minute']}`;
}

beforeAll(async () => {
  env = await createTestEnv();
  await mastodon.start();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  api = await startNode('dist/apps/api/src/main.js', { ...env.env, HOST: '127.0.0.1', PORT: String(port), PUBLIC_URL: base });
  await waitFor(async () => (await fetch(`${base}/health`).catch(() => null))?.ok, 'the API to answer', 90_000);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await api?.stop();
  await mastodon.stop();
  await env?.cleanup();
});

describe('web app foundation', () => {
  it('serves the app at / with a CSP that allows no third party', async () => {
    const res = await fetch(`${base}/queue`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<div id="root"></div>');
    expect(html).not.toMatch(/<script>(?!<\/script>)|style=/);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
  });

  it('takes an invited admin from the bootstrap link to signed in, then composes, queues and invites', async () => {
    const boot = await bootstrapOrganisation({ ...env.env, PUBLIC_URL: base }, 'Rédaction');
    adminToken = boot.token;
    const remote = mastodon.addAccount('redaction');
    const connected = await apiCall<{ id: string; handle: string }>('POST', '/v1/accounts', { network: 'mastodon', instanceUrl: mastodon.url, accessToken: remote.token });
    expect(connected.status).toBe(201);
    accountId = connected.body.id;

    const { context, problems: seen } = await newContext(browser, base);
    const page = await context.newPage();

    // Sign-in page, signed out.
    await page.goto('/queue');
    await page.waitForURL(/\/signin\?next=%2Fqueue/);
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Sign in');
    findings.push(...(await checkPage(page, 'signin')));
    // Keyboard alone: the first Tab reaches the skip link, which moves focus to the content.
    await page.keyboard.press('Tab');
    await expect(page.locator(':focus').innerText()).resolves.toBe('Skip to content');
    await page.keyboard.press('Enter');
    await expect(page.locator(':focus').getAttribute('id')).resolves.toBe('main');
    await page.keyboard.press('Tab');
    await expect(page.locator(':focus').getAttribute('name')).resolves.toBe('login');

    // Invitation → login and passphrase → signed in.
    await page.goto(new URL(boot.invitationUrl).pathname);
    await page.getByText('Camille, you are invited to Rédaction as Admin').waitFor();
    findings.push(...(await checkPage(page, 'invite')));
    await fill(page, 'Login', 'camille@example.org');
    await fill(page, 'Passphrase', 'short');
    await fill(page, 'Passphrase again', 'short');
    await page.getByRole('button', { name: 'Join and sign in' }).click();
    expect(await fieldError(page, 'Passphrase')).toContain('at least 12 characters');
    await fill(page, 'Passphrase', 'a long enough passphrase');
    await fill(page, 'Passphrase again', 'a long enough passphrase');
    await page.getByRole('button', { name: 'Join and sign in' }).click();
    await page.waitForURL(/\/queue/);
    await page.getByRole('link', { name: /Camille/ }).waitFor();
    await page.getByText('Rédaction', { exact: true }).waitFor();

    // Composer: a post over the limit shows the error at the text and cannot be sent.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New post' }).click();
    await page.waitForURL(/\/posts\/new/);
    await page.getByRole('checkbox', { name: /@redaction/ }).check();
    await fill(page, 'Text', 'x'.repeat(510));
    expect(await fieldError(page, 'Text')).toContain('10 characters over its limit of 500');
    await expect(page.getByRole('button', { name: 'Schedule' }).isDisabled()).resolves.toBe(true);
    await page.getByText(/@redaction\S*: 510 \/ 500/).waitFor();
    findings.push(...(await checkPage(page, 'composer-errors')));
    expect((await apiCall<{ items: unknown[] }>('GET', '/v1/posts')).body.items).toHaveLength(0);

    // A URL counts as 23 on Mastodon, as the server counts it.
    await fill(page, 'Text', `${'y'.repeat(470)} https://example.org/${'z'.repeat(60)}`);
    await page.getByText(/@redaction\S*: 494 \/ 500/).waitFor();

    // The API's own field errors land next to their field: a time in the past.
    await fill(page, 'Text', 'Bonjour, première publication depuis le navigateur');
    await page.getByLabel(/^Publish at/).fill(localInput(new Date(Date.now() - 3_600_000)));
    await page.getByRole('button', { name: 'Schedule' }).click();
    expect(await fieldError(page, /^Publish at/)).toMatch(/is in the past/);

    // An image without a description is pointed out and blocks sending; with one, the post goes.
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    await page.getByLabel('Add images').setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: png });
    await page.getByText('This image has no description').waitFor();
    await expect(page.getByRole('button', { name: 'Schedule' }).isDisabled()).resolves.toBe(true);
    await fill(page, 'Description of image 1', 'A red dot');
    const at = new Date(Date.now() + 2 * 86_400_000);
    at.setUTCHours(9, 0, 0, 0);
    await page.getByLabel(/^Publish at/).fill(localInput(at));
    await page.getByRole('button', { name: 'Schedule' }).click();
    await page.waitForURL(/\/posts\/[0-9a-f-]{36}\?created=1/);
    await page.getByText('Scheduled. It is in the queue.').waitFor();
    findings.push(...(await checkPage(page, 'post')));
    const posts = await apiCall<{ items: { text: string; media: { altText: string }[]; scheduledAt: string }[] }>('GET', '/v1/posts');
    expect(posts.body.items).toHaveLength(1);
    expect(posts.body.items[0]!.media).toEqual([expect.objectContaining({ altText: 'A red dot' })]);
    expect(new Date(posts.body.items[0]!.scheduledAt).toISOString()).toBe(at.toISOString());

    // Two more posts through the API; the queue shows all three, in the week of the first one.
    for (const [text, days] of [['Deuxième publication', 3], ['Troisième publication', 20]] as const) {
      const r = await apiCall('POST', '/v1/posts', { text, scheduledAt: new Date(Date.now() + days * 86_400_000).toISOString(), accountIds: [accountId] });
      expect(r.status).toBe(201);
    }
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Queue' }).click();
    await page.getByRole('button', { name: 'List' }).click();
    await page.waitForURL(/view=list/);
    for (const text of ['Bonjour, première publication', 'Deuxième publication', 'Troisième publication']) await page.getByText(text).first().waitFor();
    await expect(page.locator('.post-card .badge', { hasText: 'scheduled' }).count()).resolves.toBe(3);
    findings.push(...(await checkPage(page, 'queue-list')));
    await page.getByRole('button', { name: 'Week' }).click();
    await page.getByRole('button', { name: 'Next week' }).click();
    await page.getByRole('button', { name: 'Today' }).click();
    await page.getByText('Bonjour, première publication').first().waitFor();
    findings.push(...(await checkPage(page, 'queue-week')));
    await page.getByRole('button', { name: 'Month' }).click();
    await page.waitForURL(/view=month/);
    findings.push(...(await checkPage(page, 'queue-month')));

    // Accounts.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Accounts' }).click();
    await page.getByRole('heading', { name: /@redaction/ }).waitFor();
    findings.push(...(await checkPage(page, 'accounts')));

    // Organisation: invite a member; the link is shown once and works.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Organisation' }).click();
    await page.getByRole('heading', { name: 'Members and roles' }).waitFor();
    await page.getByText('Camille').first().waitFor();
    await fill(page, 'Name of the person', 'Sam');
    await page.getByRole('button', { name: 'Create an invitation link' }).click();
    const dialog = page.getByRole('dialog', { name: 'Invitation for Sam' });
    await dialog.waitFor();
    const link = await dialog.getByLabel('Invitation link').inputValue();
    await expect(dialog.locator(':focus').count()).resolves.toBe(1);
    expect(link).toMatch(new RegExp(`^${base}/invite/.+`));
    findings.push(...(await checkPage(page, 'organisation-invitation')));
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await expect(page.locator(':focus').innerText()).resolves.toBe('Create an invitation link');
    await page.getByText('Sam', { exact: true }).waitFor();
    findings.push(...(await checkPage(page, 'organisation')));

    // Account settings: this session is listed.
    await page.getByRole('link', { name: /Camille/ }).click();
    await page.waitForURL(/\/me$/);
    await page.getByText('this session').waitFor();
    findings.push(...(await checkPage(page, 'me')));

    // Sam accepts in a browser of their own, in French.
    const fr = await newContext(browser, base, 'fr-FR');
    const sam = await fr.context.newPage();
    await sam.goto(new URL(link).pathname);
    await sam.getByText('Sam, vous êtes invité·e dans Rédaction').waitFor();
    await expect(sam.locator('html').getAttribute('lang')).resolves.toBe('fr');
    await fill(sam, 'Identifiant', 'sam@example.org');
    await fill(sam, 'Phrase de passe', 'une phrase de passe assez longue');
    await fill(sam, 'Phrase de passe, à nouveau', 'une phrase de passe assez longue');
    await sam.getByRole('button', { name: 'Rejoindre et se connecter' }).click();
    await sam.waitForURL(/\/queue/);
    await sam.getByRole('heading', { name: 'File d’attente', level: 1 }).waitFor();
    findings.push(...(await checkPage(sam, 'queue-fr')));
    // A strike is proposed: Sam sees the banner on every page, linking to the motion; the queue draws
    // the strike's window over the week and marks the post it covers.
    const startsAt = new Date(at.getTime() - 2 * 3_600_000);
    const strike = await apiCall<{ id: string; motions: { id: string }[] }>('POST', '/v1/strikes', {
      title: 'Grève du matin',
      reason: 'Contre la réforme',
      accountIds: [accountId],
      startsAt: startsAt.toISOString(),
      endsAt: new Date(at.getTime() + 2 * 3_600_000).toISOString(),
      mode: 'occupation',
      heldPolicy: 'resume',
      messages: { opening: { text: 'Nous sommes en grève.' }, closing: { text: 'Fin de la grève.' } },
    });
    expect(strike.status).toBe(201);
    await sam.reload();
    const banner = sam.getByRole('region', { name: 'Votes en attente' });
    const vote = banner.getByRole('link', { name: 'Voter sur « Grève du matin »' });
    await vote.waitFor();
    await expect(vote.getAttribute('href')).resolves.toBe(`/motions/${strike.body.motions[0]!.id}`);
    await sam.getByRole('navigation', { name: 'Principale' }).getByRole('link', { name: 'Comptes' }).click();
    await sam.getByRole('heading', { name: 'Comptes', level: 1 }).waitFor();
    await banner.waitFor();
    findings.push(...(await checkPage(sam, 'accounts-fr-banner')));
    await page.goto(`/queue?view=week&day=${localInput(at).slice(0, 10)}`);
    await page.getByText(/Strike “Grève du matin” \(proposed\): \d\d:\d\d → \d\d:\d\d/).first().waitFor();
    await page.locator('.post-card.in-strike', { hasText: 'Bonjour, première publication' }).getByText('during the strike “Grève du matin”').waitFor();
    await page.getByRole('combobox', { name: 'Strike' }).selectOption({ label: 'Grève du matin' });
    await page.waitForURL(/strike=/);
    await expect(page.locator('.post-card').count()).resolves.toBe(1);
    findings.push(...(await checkPage(page, 'queue-strike')));

    // The invitation is used: the admin's list no longer shows it.
    await page.goto('/organisation');
    await page.getByText('No pending invitation.').waitFor();
    const members = await apiCall<{ name: string; role: string }[]>('GET', '/v1/members');
    expect(members.body.map((m) => [m.name, m.role]).sort()).toEqual([
      ['Camille', 'admin'],
      ['Sam', 'member'],
    ]);

    // Sign out, and back in with the passphrase.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/signin/);
    await fill(page, 'Login', 'camille@example.org');
    await fill(page, 'Passphrase', 'a wrong passphrase here');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('This login and passphrase do not match.').waitFor();
    await fill(page, 'Passphrase', 'a long enough passphrase');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(/\/queue/);

    problems.push(...seen, ...fr.problems);
    await fr.context.close();
    await context.close();
    expect(problems).toEqual([]);
    expect(findings).toEqual([]);
  }, 900_000);
});
