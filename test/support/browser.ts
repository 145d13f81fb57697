import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from './env.js';

export const SCREENSHOTS = join(ROOT, 'test-output', 'screenshots');
export const WIDTHS = [360, 1280] as const;

/**
 * Debian's Chromium, headless, with the flags that keep it from stalling on a closed network
 * (STACK.md); Playwright gives each launch a fresh profile directory.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
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

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}
