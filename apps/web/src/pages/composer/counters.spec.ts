import { describe, expect, it } from '@jest/globals';
import type { Account } from '../../api/views';
import { counters, postLength } from './counters';

const account = (network: Account['network'], maxCharacters: number, charactersPerUrl = 23) =>
  ({ id: network, handle: `@${network}`, network, limits: { maxCharacters, maxMedia: 4, charactersPerUrl } }) as Account;

describe('composer counters (the server’s counting code)', () => {
  const url = `https://example.org/${'a'.repeat(80)}`;
  it('counts a URL as the network does', () => {
    expect(postLength(account('mastodon', 500), `hi ${url}`, null)).toBe(3 + 23);
    expect(postLength(account('x', 280), `hi ${url}`, null)).toBe(3 + 23);
    expect(postLength(account('bluesky', 300, 0), `hi ${url}`, null)).toBe(3 + url.length);
  });

  it('counts the content warning with the text', () => {
    expect(postLength(account('mastodon', 500), 'abc', 'cw')).toBe(5);
    expect(postLength(account('x', 280), 'abc', 'cw')).toBe('cw\n\nabc'.length);
    expect(postLength(account('bluesky', 300, 0), 'abc', 'cw')).toBe('CW: cw\n\nabc'.length);
  });

  it('says which accounts are over their limit', () => {
    const text = 'é'.repeat(290);
    const result = counters([account('mastodon', 500), account('x', 280), account('bluesky', 300, 0)], text, null);
    expect(result.map((c) => [c.network, c.length, c.over])).toEqual([
      ['mastodon', 290, false],
      ['x', 290, true],
      ['bluesky', 290, false],
    ]);
  });
});
