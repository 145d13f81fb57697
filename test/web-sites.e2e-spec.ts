import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { checkPage, fieldError, fill, freePort, launchChromium, newContext, type AxeFinding } from './support/browser.js';
import { createTestEnv, waitFor, type TestEnv } from './support/env.js';
import { bootstrapOrganisation, startNode, type RunningProcess } from './support/processes.js';

// The websites page in a real browser against the real API process (dist/): an admin registers a
// partner site (its consent required, the error at its field) and an own site (a bad origin refused
// at its field), reads its key and the lines to paste (script, frame, nginx, Caddy: each with the
// key), removes one; a strike naming the site shows it in its motion's preview and its live view.
// axe-core and screenshots at 360 and 1280 px.

let env: TestEnv;
let api: RunningProcess;
let base: string;
let browser: Browser;
let adminToken: string;
const findings: AxeFinding[] = [];

async function apiCall<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

interface SiteView {
  id: string;
  name: string;
  kind: string;
  publicKey: string;
  origin: string;
  consent: { by: string; note: string } | null;
  exceptPrefixes: string[];
}

beforeAll(async () => {
  env = await createTestEnv();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  api = await startNode('dist/apps/api/src/main.js', { ...env.env, HOST: '127.0.0.1', PORT: String(port), PUBLIC_URL: base });
  await waitFor(async () => (await fetch(`${base}/health`).catch(() => null))?.ok, 'the API to answer', 90_000);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await api?.stop();
  await env?.cleanup();
});

describe('the websites page', () => {
  it('registers sites with their field errors, shows each key in its snippets, removes one, and shows the sites of a strike', async () => {
    const boot = await bootstrapOrganisation({ ...env.env, PUBLIC_URL: base }, 'Rédaction');
    adminToken = boot.token;
    const { context, problems } = await newContext(browser, base);
    const page = await context.newPage();
    await page.goto(new URL(boot.invitationUrl).pathname);
    await fill(page, 'Login', 'camille@example.org');
    await fill(page, 'Passphrase', 'a long enough passphrase');
    await fill(page, 'Passphrase again', 'a long enough passphrase');
    await page.getByRole('button', { name: 'Join and sign in' }).click();
    await page.waitForURL(/\/queue/);

    // Reached from the main navigation; nothing registered yet.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Websites' }).click();
    await page.waitForURL(/\/sites$/);
    await page.getByRole('heading', { level: 1, name: 'Websites' }).waitFor();
    await page.getByText('No website yet.').waitFor();

    // A partner site without its consent: the API's error at "Who agreed", nothing written.
    await fill(page, 'Name', 'Revue amie');
    await fill(page, 'Address', 'https://revue.example');
    await page.getByLabel('Kind').selectOption('partner');
    await page.getByRole('button', { name: 'Register the site' }).click();
    expect(await fieldError(page, 'Who agreed')).toContain('is required for a partner site');
    findings.push(...(await checkPage(page, 'sites-errors')));
    expect((await apiCall<{ items: SiteView[] }>('GET', '/v1/sites')).body.items).toEqual([]);
    await fill(page, 'Who agreed', 'Comité de rédaction de la revue');
    await fill(page, 'What they agreed to, and how', 'Vote du comité : bannière pendant les grèves votées');
    await page.getByRole('button', { name: 'Register the site' }).click();
    await page.getByText('Revue amie is registered.').waitFor();

    // An own site with a path in its address: refused at "Address"; fixed, registered.
    await page.getByLabel('Kind').selectOption('own');
    await fill(page, 'Name', 'Journal');
    await fill(page, 'Address', 'https://journal.example/articles');
    await fill(page, 'Paths never closed', '/legal, /status');
    await page.getByRole('button', { name: 'Register the site' }).click();
    expect(await fieldError(page, 'Address')).toContain('must be an http(s) origin');
    await fill(page, 'Address', 'https://journal.example');
    await page.getByRole('button', { name: 'Register the site' }).click();
    await page.getByText('Journal is registered.').waitFor();

    const sites = (await apiCall<{ items: SiteView[] }>('GET', '/v1/sites')).body.items;
    expect(sites.map((s) => [s.name, s.kind, s.origin, s.consent?.by ?? null, s.exceptPrefixes])).toEqual([
      ['Revue amie', 'partner', 'https://revue.example', 'Comité de rédaction de la revue', []],
      ['Journal', 'own', 'https://journal.example', null, ['/legal', '/status']],
    ]);
    const journal = sites[1]!;

    // The key, and every line to paste carries it.
    const card = page.locator(`article[data-site="${journal.id}"]`);
    await expect(card.getByLabel('Site key').inputValue()).resolves.toBe(journal.publicKey);
    await card.getByText('Lines to paste').click();
    const snippet = (id: string) => card.getByTestId(id).innerText();
    expect(await snippet('snippet-script')).toBe(`<script src="${base}/v1/public/embed.js" data-site="${journal.publicKey}" async></script>`);
    expect(await snippet('snippet-script-nonce')).toContain(`nonce="YOUR_PAGE_NONCE" src="${base}/v1/public/embed.js" data-site="${journal.publicKey}"`);
    expect(await snippet('snippet-frame')).toContain(`${base}/v1/public/sites/${journal.publicKey}/frame?lang=en`);
    expect(await snippet('snippet-nginx')).toContain(`proxy_pass http://piquet/v1/public/sites/${journal.publicKey}/access;`);
    expect(await snippet('snippet-caddy')).toContain(`uri /v1/public/sites/${journal.publicKey}/access`);
    // The snippet's access URL answers as the proxy needs (open: no strike).
    expect((await fetch(`${base}/v1/public/sites/${journal.publicKey}/access`)).status).toBe(200);
    findings.push(...(await checkPage(page, 'sites')));

    // Remove the partner site, after a confirmation.
    await page.getByRole('button', { name: 'Remove Revue amie' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove Revue amie?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Remove the site' }).click();
    await page.getByText('Revue amie is removed').waitFor();
    expect((await apiCall<{ items: SiteView[] }>('GET', '/v1/sites')).body.items.map((s) => s.name)).toEqual(['Journal']);

    // A strike naming the site: its motion's preview and its live view show the site and its form.
    const start = new Date(Date.now() + 2 * 86_400_000);
    const strike = await apiCall<{ id: string; motions: { id: string }[] }>('POST', '/v1/strikes', {
      title: 'Grève du 5 décembre',
      reason: 'Salaires',
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + 86_400_000).toISOString(),
      allAccounts: true,
      mode: 'silence',
      sites: [{ siteId: journal.id, form: 'closed' }],
    });
    expect(strike.status).toBe(201);
    await page.goto(`/motions/${strike.body.motions[0]!.id}`);
    const scope = page.getByTestId('strike-sites');
    await scope.getByText('Journal', { exact: true }).waitFor();
    await scope.getByText(/Site closed/).waitFor();
    findings.push(...(await checkPage(page, 'sites-motion-preview')));
    // The composer names the organisation's sites with the form chosen; changing one previews it.
    await page.goto(`/strikes/${strike.body.id}/edit`);
    const picker = page.getByTestId('sites-picker');
    await expect(picker.getByLabel('Journal (https://journal.example)').inputValue()).resolves.toBe('closed');
    await picker.getByLabel('Journal (https://journal.example)').selectOption('banner');
    await page.getByTestId('strike-sites').getByText(/Banner/).waitFor();
    findings.push(...(await checkPage(page, 'sites-composer')));
    await page.goto(`/strikes/${strike.body.id}/live`);
    await page.getByTestId('strike-sites').getByText('Journal', { exact: true }).waitFor();
    await expect(page.getByTestId('site-in-force').innerText()).resolves.toBe('not in force');
    await page.getByTestId('strike-sites').getByText('once approved, over the strike window').waitFor();
    findings.push(...(await checkPage(page, 'sites-live')));

    // The page in French (the language switch), the frame snippet in French too.
    await page.goto('/sites');
    await page.getByLabel('Language').selectOption('fr');
    await page.getByRole('heading', { level: 1, name: 'Sites web' }).waitFor();
    await page.getByRole('button', { name: 'Enregistrer le site' }).waitFor();
    await card.getByText('Lignes à coller').click();
    expect(await snippet('snippet-frame')).toContain(`${base}/v1/public/sites/${journal.publicKey}/frame?lang=fr`);
    findings.push(...(await checkPage(page, 'sites-fr')));

    const seen = [...problems];
    await context.close();
    expect(seen).toEqual([]);
    expect(findings).toEqual([]);
  }, 600_000);
});
