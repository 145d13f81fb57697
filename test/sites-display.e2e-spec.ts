/**
 * The display form of a strike, in headless Chromium: pages on other origins, under a strict CSP,
 * load Piquet's script with one tag. The banner appears at the start without a reload, respects
 * dismissal, speaks the page's language, and is gone at the end; a full page with "continue"; the
 * no-JavaScript iframe. Another organisation's site, a site not in scope and an unknown key show
 * nothing and learn nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startApi, type Api } from './support/api.js';
import { launchChromium, newContext } from './support/browser.js';
import { createTestEnv, type TestEnv } from './support/env.js';
import { approvedStrike, createVoters } from './support/strikes.js';

const at = (ms: number) => new Date(ms).toISOString();

type Csp = 'nonce' | 'hash';

/** A host site on its own origin: one page per key, language and CSP variant. */
function hostServer(piquet: string, sha256: () => string): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://host');
    const key = url.searchParams.get('key') ?? '';
    const lang = url.searchParams.get('lang') ?? 'fr';
    const csp = (url.searchParams.get('csp') ?? 'nonce') as Csp;
    const nonce = randomBytes(12).toString('base64');
    const script =
      csp === 'nonce'
        ? `<script nonce="${nonce}" src="${piquet}/v1/public/embed.js" data-site="${key}" async></script>`
        : `<script src="${piquet}/v1/public/embed.js" data-site="${key}" integrity="${sha256()}" crossorigin="anonymous" async></script>`;
    const scriptSrc = csp === 'nonce' ? `'nonce-${nonce}'` : `'${sha256()}'`;
    const frame = url.pathname === '/noscript' ? `<iframe title="Grève" src="${piquet}/v1/public/sites/${key}/frame?lang=${lang}" width="600" height="60"></iframe>` : '';
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      // The documented policy: the script by nonce or by hash, its calls to Piquet, nothing else.
      'content-security-policy': `default-src 'none'; script-src ${scriptSrc}; connect-src ${piquet}; frame-src ${piquet}; style-src 'none'; img-src 'none'; base-uri 'none'`,
    });
    res.end(`<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>Le site</title></head>
<body><main><h1>Les nouvelles</h1><p>Le contenu du site.</p></main>${frame}${url.pathname === '/noscript' ? '' : script}</body></html>`);
  });
}

describe('the display form, in Chromium', () => {
  let t: TestEnv;
  let api: Api;
  let host: Server;
  let hostUrl: string;
  let browser: Browser;
  let admin: string;
  let voters: string[];
  let sha256 = '';
  const contexts: BrowserContext[] = [];
  const problems: string[][] = [];

  beforeAll(async () => {
    t = await createTestEnv();
    api = await startApi(t.config);
    ({ token: admin } = await api.createOrganisation('Rédaction'));
    voters = [admin, ...(await createVoters(api, admin, 1))];
    const script = Buffer.from(await (await fetch(`${api.url}/v1/public/embed.js`)).arrayBuffer());
    sha256 = `sha256-${createHash('sha256').update(script).digest('base64')}`;
    host = hostServer(api.url, () => sha256);
    await new Promise<void>((r) => host.listen(0, '127.0.0.1', () => r()));
    hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await new Promise((r) => host?.close(r));
    await api?.close();
    await t?.cleanup();
  });

  async function open(key: string, lang: 'fr' | 'en', csp: Csp, locale: 'fr-FR' | 'en-GB' = 'en-GB', shared?: BrowserContext): Promise<Page> {
    let context = shared;
    if (!context) {
      const made = await newContext(browser, hostUrl, locale);
      context = made.context;
      contexts.push(context);
      problems.push(made.problems);
    }
    // When the notice appears and goes, as the page sees it (an init script: the page's CSP does not apply to it).
    await context.addInitScript(`
      window.__seen = { shown: null, gone: null };
      new MutationObserver(() => {
        const there = !!document.getElementById('piquet-strike');
        if (there && window.__seen.shown === null) window.__seen.shown = Date.now();
        if (!there && window.__seen.shown !== null && window.__seen.gone === null) window.__seen.gone = Date.now();
      }).observe(document, { childList: true, subtree: true });
    `);
    const page = await context.newPage();
    await page.goto(`/?key=${key}&lang=${lang}&csp=${csp}`);
    return page;
  }

  const site = async (token: string, name: string, port: number) => {
    const res = await api.call('POST', '/v1/sites', token, { name, origin: `http://127.0.0.1:${port}` });
    expect(res.status).toBe(201);
    return res.body as { id: string; publicKey: string; embed: { sha256: string; iframe: string } };
  };

  it('shows the banner at the start without a reload, in the page\'s language, remembers dismissal, and hides it at the end; a full page with "continue"; the iframe without JavaScript', async () => {
    const hostPort = Number(new URL(hostUrl).port);
    const bannerSite = await site(admin, 'Journal', hostPort);
    const pageSite = await site(admin, 'Radio', hostPort);
    const outOfScope = await site(admin, 'Boutique', hostPort);
    const { token: other } = await api.createOrganisation('Autre maison');
    const theirs = await site(other, 'Leur site', hostPort);
    expect(bannerSite.embed.sha256).toBe(sha256);

    // Time for a loaded machine to open the pages before the start.
    const start = Math.ceil((Date.now() + 40_000) / 1000) * 1000;
    const end = start + 10_000;
    const strike = await approvedStrike(api, admin, voters, {
      title: 'Grève du 5 décembre',
      reason: 'Contre la réforme des retraites',
      startsAt: at(start),
      endsAt: at(end),
      allAccounts: true,
      mode: 'silence',
      sites: [
        { siteId: bannerSite.id, form: 'banner' },
        { siteId: pageSite.id, form: 'page-continue' },
      ],
    });
    const effective = Date.parse(strike.effectiveFrom);

    // Loaded before the start: the script learns the window and sleeps.
    const fr = await open(bannerSite.publicKey, 'fr', 'nonce');
    const frLoaded = Date.now();
    const en = await open(bannerSite.publicKey, 'en', 'hash', 'fr-FR');
    const full = await open(pageSite.publicKey, 'fr', 'nonce');
    const foreign = await open(theirs.publicKey, 'fr', 'nonce');
    const notInScope = await open(outOfScope.publicKey, 'fr', 'nonce', 'en-GB', foreign.context());
    const unknown = await open('pqs_' + 'A'.repeat(22), 'fr', 'nonce', 'en-GB', foreign.context());
    expect(Date.now()).toBeLessThan(effective);
    if (Date.now() < effective - 500) expect(await fr.locator('#piquet-strike').count()).toBe(0);

    await fr.locator('#piquet-strike').waitFor({ timeout: 60_000 });
    // Within seconds of the start (or of the page's load, on a machine slow enough to load it later).
    const seen = (p: Page) => p.evaluate('window.__seen') as Promise<{ shown: number | null; gone: number | null }>;
    const shown = (await seen(fr)).shown!;
    expect(shown).toBeGreaterThanOrEqual(effective - 1000);
    expect(shown - Math.max(effective, frLoaded)).toBeLessThan(2_000);
    expect(await fr.locator('#piquet-strike').getAttribute('data-form')).toBe('banner');
    const frText = await fr.locator('#piquet-strike').innerText();
    expect(frText).toContain('En grève — Grève du 5 décembre');
    expect(frText).toContain('Pourquoi cette grève');
    expect(await fr.locator('#piquet-strike a').getAttribute('href')).toMatch(new RegExp(`/v1/public/strikes/${strike.id}\\?lang=fr$`));
    await en.locator('#piquet-strike').waitFor({ timeout: 10_000 });
    expect(await en.locator('#piquet-strike').innerText()).toContain('On strike — Grève du 5 décembre');

    // A full page, with a way on to the site that is remembered.
    await full.locator('#piquet-strike').waitFor({ timeout: 10_000 });
    expect(await full.locator('#piquet-strike').getAttribute('role')).toBe('dialog');
    expect(await full.locator('#piquet-strike').innerText()).toContain('Contre la réforme des retraites');
    await full.getByRole('button', { name: 'Continuer vers le site' }).click();
    expect(await full.locator('#piquet-strike').count()).toBe(0);
    await full.reload();
    await full.waitForTimeout(1000);
    expect(await full.locator('#piquet-strike').count()).toBe(0);

    // Dismissal stays in this browser only.
    await fr.getByRole('button', { name: 'Fermer' }).click();
    expect(await fr.locator('#piquet-strike').count()).toBe(0);
    await fr.reload();
    await fr.waitForTimeout(1000);
    expect(await fr.locator('#piquet-strike').count()).toBe(0);
    expect(await fr.evaluate('document.cookie')).toBe('');

    // The no-JavaScript fallback.
    const noJs = await browser.newContext({ javaScriptEnabled: false, baseURL: hostUrl });
    contexts.push(noJs);
    const nsPage = await noJs.newPage();
    await nsPage.goto(`/noscript?key=${bannerSite.publicKey}&lang=fr`);
    const frame = nsPage.frames().find((f) => f.url().includes('/frame'));
    expect(frame).toBeDefined();
    expect(await frame!.locator('body').innerText()).toContain('En grève — Grève du 5 décembre');

    // Nothing on the other organisation's site, a site not in scope, an unknown key.
    for (const p of [foreign, notInScope, unknown]) expect(await p.locator('#piquet-strike').count()).toBe(0);

    // Gone at the end, on the page that never dismissed it, without a reload.
    await en.locator('#piquet-strike').waitFor({ state: 'detached', timeout: 60_000 });
    const gone = (await seen(en)).gone!;
    expect(gone).toBeGreaterThanOrEqual(end - 1000);
    expect(gone - end).toBeLessThan(2_000);
    await nsPage.reload();
    const after = nsPage.frames().find((f) => f.url().includes('/frame'));
    expect(await after!.locator('body').innerText()).not.toContain('Grève');

    // The page's CSP blocked nothing, and no page failed.
    expect(problems.flat()).toEqual([]);
  });

  it('answers a status only with what the strike makes public, and the same nothing for every key that has no strike', async () => {
    const hostPort = Number(new URL(hostUrl).port);
    const mine = await site(admin, 'Blog', hostPort);
    const start = Date.now() + 3_600_000;
    const proposed = await api.call('POST', '/v1/strikes', admin, {
      title: 'Projet de grève secret',
      reason: 'Pas encore votée',
      startsAt: at(start),
      endsAt: at(start + 3_600_000),
      allAccounts: true,
      mode: 'silence',
      sites: [{ siteId: mine.id, form: 'closed' }],
    });
    expect(proposed.status).toBe(201);
    const body = async (key: string) => {
      const res = await fetch(`${api.url}/v1/public/sites/${key}/status`);
      expect(res.status).toBe(200);
      expect(res.headers.get('set-cookie')).toBeNull();
      const json = (await res.json()) as Record<string, unknown>;
      return { strike: json['strike'], next: json['next'], text: JSON.stringify(json) };
    };
    // A proposal is not public: its site knows nothing of it, nor does its page exist.
    const asked = await body(mine.publicKey);
    expect(asked.strike).toBeNull();
    expect(asked.next).toBeNull();
    expect(asked.text).not.toContain('secret');
    expect((await fetch(`${api.url}/v1/public/strikes/${proposed.body.id}`)).status).toBe(404);
    for (const key of ['pqs_' + 'B'.repeat(22), 'not-a-key', mine.publicKey.slice(0, -2) + (mine.publicKey.endsWith('zz') ? 'yy' : 'zz')]) {
      const r = await body(key);
      expect([r.strike, r.next]).toEqual([null, null]);
      const access = await fetch(`${api.url}/v1/public/sites/${key}/access`);
      expect(access.status).toBe(200);
    }
  });
});
