import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

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
