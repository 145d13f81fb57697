import { describe, expect, it } from '@jest/globals';
import { dedupeKey, isBackCatalogue, itemSchedule, itemUrl, nextPollDelay, oldestFirst } from './rules.js';
import { cleanCut, fill, plainText, renderPost, templateProblem, TEMPLATE_MAX_LENGTH } from './template.js';

const graphemes = (s: string) => [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s)].length;
// Mastodon-like: every URL counts 23.
const mastodonish = (s: string) => graphemes(s.replace(/https?:\/\/\S+/g, 'x'.repeat(23)));

describe('feed templates', () => {
  const values = { title: 'Grève à la rédaction', url: 'https://example.org/a', summary: '', feed: 'Le Journal' };

  it('fills placeholders and folds the spaces an empty one leaves', () => {
    expect(fill('{title} {summary} {url}', values)).toBe('Grève à la rédaction https://example.org/a');
  });

  it('refuses unknown placeholders and huge templates', () => {
    expect(templateProblem('{title} {link}')).toMatch(/unknown placeholder \{link\}/);
    expect(templateProblem('x'.repeat(TEMPLATE_MAX_LENGTH + 1))).toMatch(/at most/);
    expect(templateProblem('   ')).toBe('is empty');
    expect(templateProblem('{title}\n{url}')).toBeNull();
  });

  it('cuts the title cleanly at a word, keeps the URL whole, and fits', () => {
    const long = { ...values, title: 'Un titre '.repeat(80).trim() };
    const text = renderPost('{title} {url}', long, mastodonish, 100)!;
    expect(mastodonish(text)).toBeLessThanOrEqual(100);
    expect(text.endsWith(' https://example.org/a')).toBe(true);
    expect(text).toMatch(/ (Un|titre)… https/);
  });

  it('cuts the summary before the title', () => {
    const v = { ...values, summary: 'Lorem ipsum dolor sit amet '.repeat(20) };
    const text = renderPost('{title}\n\n{summary}\n{url}', v, mastodonish, 120)!;
    expect(text.startsWith('Grève à la rédaction\n\n')).toBe(true);
    expect(text).toContain('…');
    expect(mastodonish(text)).toBeLessThanOrEqual(120);
  });

  it('never splits a grapheme', () => {
    expect(cleanCut('👩‍👩‍👧‍👦👩‍👩‍👧‍👦👩‍👩‍👧‍👦', 2)).toBe('👩‍👩‍👧‍👦…');
    expect(cleanCut('short', 10)).toBe('short');
  });

  it('answers null when nothing fits', () => {
    expect(renderPost('{url} and a long fixed text', values, mastodonish, 10)).toBeNull();
  });

  it('reads HTML as text', () => {
    expect(plainText('<p>Tom &amp; Jerry&#x21;</p>\n<script>x()</script>')).toBe('Tom & Jerry!');
  });
});

describe('feed rules', () => {
  it('dedupes by guid, then link, then a hash of the title', () => {
    expect(dedupeKey({ id: 'g1', link: 'https://a', title: 'x' })).toBe('id:g1');
    expect(dedupeKey({ id: 'g1', link: 'https://a', title: 'edited' })).toBe('id:g1');
    expect(dedupeKey({ link: 'https://a' })).toBe('link:https://a');
    expect(dedupeKey({ title: 'x' })).toMatch(/^hash:[0-9a-f]{64}$/);
  });

  it('backs off exponentially on errors, capped', () => {
    const t = { intervalMs: 1000, maxBackoffMs: 60_000 };
    expect(nextPollDelay(0, t)).toBe(1000);
    expect(nextPollDelay(1, t)).toBe(2000);
    expect(nextPollDelay(3, t)).toBe(8000);
    expect(nextPollDelay(40, t)).toBe(60_000);
  });

  it('spaces items after the delay and after the previous feed post', () => {
    const now = new Date('2026-12-05T09:00:00Z');
    const at = itemSchedule(3, now, 60, 600, null).map((d) => d.toISOString());
    expect(at).toEqual(['2026-12-05T09:01:00.000Z', '2026-12-05T09:11:00.000Z', '2026-12-05T09:21:00.000Z']);
    const later = itemSchedule(1, now, 0, 600, new Date('2026-12-05T08:55:00Z'));
    expect(later[0]!.toISOString()).toBe('2026-12-05T09:05:00.000Z');
  });

  it('orders oldest first', () => {
    const a = { publishedAt: new Date('2026-01-02'), n: 'a' };
    const b = { publishedAt: new Date('2026-01-01'), n: 'b' };
    expect(oldestFirst([a, b]).map((x) => x.n)).toEqual(['b', 'a']);
    expect(oldestFirst([{ publishedAt: null, n: 'new' }, { publishedAt: null, n: 'old' }]).map((x) => x.n)).toEqual(['old', 'new']);
  });

  it('keeps http(s) links only, resolved against the feed', () => {
    expect(itemUrl('/a', 'https://example.org/feed')).toBe('https://example.org/a');
    expect(itemUrl('javascript:alert(1)', 'https://example.org/')).toBeNull();
  });

  it('the first read publishes only items dated after the subscription, unless the back catalogue is asked for', () => {
    const sub = new Date('2026-12-05T09:00:00Z');
    expect(isBackCatalogue(false, false, new Date('2026-12-05T08:00:00Z'), sub)).toBe(true);
    expect(isBackCatalogue(false, false, null, sub)).toBe(true);
    expect(isBackCatalogue(false, false, new Date('2026-12-05T09:30:00Z'), sub)).toBe(false);
    expect(isBackCatalogue(false, true, null, sub)).toBe(false);
    expect(isBackCatalogue(true, false, null, sub)).toBe(false);
  });
});
