import { describe, expect, it } from '@jest/globals';
import { mastodonPostLength, mastodonTextLength } from './text-length.js';

describe('Mastodon text length', () => {
  it('counts characters, not UTF-16 units', () => {
    expect(mastodonTextLength('✊ grève 🏳️', 23)).toBe([...'✊ grève 🏳️'].length);
    expect(mastodonTextLength('😀', 23)).toBe(1);
  });

  it('counts every URL as the instance says, and remote mentions by their local part', () => {
    expect(mastodonTextLength('voir https://example.org/a/very/long/path/indeed?x=1', 23)).toBe(5 + 23);
    expect(mastodonTextLength('@camille@mastodon.example salut', 23)).toBe('@camille salut'.length);
  });

  it('adds the content warning', () => {
    expect(mastodonPostLength('abc', 'cw', 23)).toBe(5);
  });
});
