import { describe, expect, it } from '@jest/globals';
import { RichText } from '@atproto/api';
import { blueskyPostLength, blueskyText } from './bluesky-text.js';

// The composer counts with this file; it must agree with @atproto/api's own count.
describe('blueskyPostLength', () => {
  const samples = ['Bonjour', 'Grève ✊🏽 aujourd’hui', '👩‍👩‍👧‍👦 famille', 'e\u0301té', 'https://example.org/a/very/long/path?with=query', '日本語のテキスト', ''];
  it.each(samples)('counts %j as RichText does', (text) => {
    expect(blueskyPostLength(text, null)).toBe(new RichText({ text }).graphemeLength);
    expect(blueskyPostLength(text, 'CW ⚠️')).toBe(new RichText({ text: blueskyText(text, 'CW ⚠️') }).graphemeLength);
  });
});
