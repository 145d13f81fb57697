import { describe, expect, it } from '@jest/globals';
import { MalformedFeedError, parseFeed } from './parse.js';

describe('parseFeed', () => {
  it('reads RSS 2.0, keeping guids and falling back to links', () => {
    const feed = parseFeed(
      `<?xml version="1.0"?><rss version="2.0"><channel><title>Le Journal</title>
        <item><guid isPermaLink="false">g2</guid><title>Deux &amp; trois</title><link>https://e.org/2</link><pubDate>Mon, 30 Nov 2026 10:00:00 GMT</pubDate></item>
        <item><title>Sans guid</title><link>/1</link></item></channel></rss>`,
      'application/rss+xml',
      'https://e.org/feed',
    );
    expect(feed.title).toBe('Le Journal');
    expect(feed.items.map((i) => [i.dedupeKey, i.title, i.url])).toEqual([
      ['id:g2', 'Deux & trois', 'https://e.org/2'],
      ['link:https://e.org/1', 'Sans guid', 'https://e.org/1'],
    ]);
    expect(feed.items[0]!.publishedAt?.toISOString()).toBe('2026-11-30T10:00:00.000Z');
  });

  it('reads Atom and JSON Feed', () => {
    const atom = parseFeed('<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><entry><id>urn:1</id><title>T</title><link href="https://e.org/a"/></entry></feed>', null, 'https://e.org/');
    expect(atom.items[0]).toMatchObject({ dedupeKey: 'id:urn:1', url: 'https://e.org/a' });
    const json = parseFeed(JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'J', items: [{ id: 'j1', url: 'https://e.org/j', title: 'Jt' }] }), 'application/feed+json', 'https://e.org/');
    expect(json.items[0]).toMatchObject({ dedupeKey: 'id:j1', title: 'Jt', url: 'https://e.org/j' });
  });

  it('refuses what is not a feed', () => {
    expect(() => parseFeed('<html><body>hello</body></html>', 'text/html', 'https://e.org/')).toThrow(MalformedFeedError);
    expect(() => parseFeed('<rss><channel><item>', 'text/xml', 'https://e.org/')).toThrow(MalformedFeedError);
    expect(() => parseFeed('{"nope":', 'application/json', 'https://e.org/')).toThrow(MalformedFeedError);
  });
});
