import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from './env.js';
export { freePort } from '../../apps/sandbox/src/local-server.js';

/** Debian's Chromium (`apt-get install -y chromium`; .ci/run installs it). Playwright cannot download one here. */
export const CHROMIUM = '/usr/bin/chromium';

/** Without the background-networking flags Chromium stalls on a closed network (STACK.md). */
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** A headless Chromium with a fresh profile of its own, removed on close. */
export async function openBrowser(viewport: { width: number; height: number }): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = await mkdtemp(join(tmpdir(), 'piquet-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export interface WidthProblems {
  viewport: number;
  /** The page's own scroll width: more than the viewport means the whole page scrolls sideways. */
  pageWidth: number;
  /** Elements outside every scroll container that stick out of the viewport. */
  overflowing: string[];
  /** Words (letters only) broken across two lines. */
  brokenWords: string[];
  /** Scroll containers whose content is wider than they are: they do scroll. */
  scrolling: number;
}

/**
 * Measures, in the page, what a phone would see: sideways overflow and words broken mid-word.
 * A string, evaluated by Chromium (this project's TypeScript has no DOM types).
 */
export const MEASURE_WIDTH = `(() => {
  const vw = document.documentElement.clientWidth;
  const overflowing = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.parentElement && el.parentElement.closest('.scroll')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.right > vw + 0.5 || r.left < -0.5) overflowing.push(el.tagName.toLowerCase() + '.' + el.className + ' (' + Math.round(r.left) + '–' + Math.round(r.right) + ')');
  }
  const brokenWords = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const m of (node.textContent || '').matchAll(/\\p{L}{4,}/gu)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const tops = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
      if (tops.size > 1) brokenWords.push(m[0]);
    }
  }
  const scrolling = Array.from(document.querySelectorAll('.scroll')).filter((s) => s.scrollWidth > s.clientWidth).length;
  return { viewport: vw, pageWidth: document.documentElement.scrollWidth, overflowing, brokenWords, scrolling };
})()`;

export const SCREENSHOTS = join(ROOT, 'test-output', 'screenshots');
export const WIDTHS = [360, 1280] as const;

/**
 * Debian's Chromium, headless, with the flags that keep it from stalling on a closed network
 * (STACK.md); Playwright gives each launch a fresh profile directory.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? CHROMIUM,
    headless: true,
    args: FLAGS,
  });
}

/** A context in one language; CSP violations and page errors are collected for the test to assert on. */
export async function newContext(browser: Browser, baseURL: string, locale: 'en-GB' | 'fr-FR' = 'en-GB'): Promise<{ context: BrowserContext; problems: string[] }> {
  const context = await browser.newContext({ baseURL, locale, viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  context.on('weberror', (e) => problems.push(`page error: ${e.error().message}`));
  context.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(`csp: ${m.text()}`);
  });
  return { context, problems };
}

export interface AxeFinding {
  page: string;
  width: number;
  id: string;
  impact: string;
  nodes: string[];
}

/** axe-core's serious and critical violations on the page as it is now (WCAG 2.x A and AA rules). */
export async function seriousViolations(page: Page, name: string, width: number): Promise<AxeFinding[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ page: name, width, id: v.id, impact: v.impact!, nodes: v.nodes.map((n) => n.target.join(' ')) }));
}

/**
 * At each width: a full-page screenshot in test-output/screenshots/<name>-<width>.png and an axe
 * run. Returns the serious and critical findings (the caller expects none).
 */
export async function checkPage(page: Page, name: string): Promise<AxeFinding[]> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const findings: AxeFinding[] = [];
  const original = page.viewportSize();
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
    findings.push(...(await seriousViolations(page, name, width)));
  }
  if (original) await page.setViewportSize(original);
  return findings;
}


/** Types into a field found by its label, as a person would. */
export async function fill(page: Page, label: string | RegExp, value: string): Promise<void> {
  await page.getByLabel(label, { exact: typeof label === 'string' }).fill(value);
}

/** The error text tied to a field by aria-describedby: what a screen reader reads with it. */
export async function fieldError(page: Page, label: string | RegExp): Promise<string> {
  const control = page.getByLabel(label, { exact: typeof label === 'string' }).and(page.locator('[aria-invalid="true"]'));
  await control.waitFor();
  const ids = (await control.getAttribute('aria-describedby'))?.split(' ') ?? [];
  const texts = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).innerText()));
  return texts.join(' ');
}
