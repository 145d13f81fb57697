import { describe, expect, it } from '@jest/globals';
import { X_MAX_CHARACTERS, xPostLength, xPostText, xTextLength, xTextValid } from './x-text.js';

describe('X weighted text length', () => {
  it('counts plain Latin text one per character, accents included', () => {
    expect(xTextLength('grève générale')).toBe('grève générale'.length);
  });

  it('counts every URL as 23, however long', () => {
    const url = 'https://example.org/a/very/long/path/that/goes/on/and/on/indeed?x=1&y=2';
    expect(xTextLength(`voir ${url}`)).toBe(5 + 23);
    expect(xTextLength('https://a.co')).toBe(23);
  });

  it('counts CJK characters and emoji as 2', () => {
    expect(xTextLength('日本語')).toBe(6);
    expect(xTextLength('😀')).toBe(2);
    expect(xTextLength('✊🏽')).toBe(2);
  });

  it('refuses more than 280 weighted characters', () => {
    expect(xTextValid('a'.repeat(X_MAX_CHARACTERS))).toBe(true);
    expect(xTextValid('a'.repeat(X_MAX_CHARACTERS + 1))).toBe(false);
    // 140 CJK characters already reach the limit.
    expect(xTextValid('字'.repeat(140))).toBe(true);
    expect(xTextValid('字'.repeat(141))).toBe(false);
  });

  it('puts a content warning first and counts it with the text', () => {
    expect(xPostText('body', 'cw')).toBe('cw\n\nbody');
    expect(xPostLength('body', 'cw')).toBe(8);
    expect(xPostLength('body', null)).toBe(4);
  });
});
