import { extractFromJson, extractFromXml, type FeedData } from '@extractus/feed-extractor';
import { plainText } from './template.js';
import { dedupeKey, itemUrl } from './rules.js';

export interface FeedItemInput {
  dedupeKey: string;
  title: string;
  summary: string;
  url: string | null;
  publishedAt: Date | null;
}

export interface ParsedFeed {
  title: string;
  items: FeedItemInput[];
}

export class MalformedFeedError extends Error {}

/** RSS 2.0 / RDF, Atom or JSON Feed, told apart by the body (content types lie). */
export function parseFeed(body: string, contentType: string | null, baseUrl: string): ParsedFeed {
  const trimmed = body.replace(/^\uFEFF/, '').trimStart();
  const json = trimmed.startsWith('{') || /\bjson\b/i.test(contentType ?? '');
  // The parser invents an id when an item has none (not stable across reads): the raw one is kept.
  const options = { descriptionMaxLen: 0, baseUrl, getExtraEntryFields: (raw: Record<string, unknown>) => ({ rawId: rawId(raw['guid'] ?? raw['id']) }) };
  let data: FeedData;
  try {
    data = json ? extractFromJson(JSON.parse(trimmed) as Record<string, unknown>, options) : extractFromXml(trimmed, options);
  } catch (err) {
    throw new MalformedFeedError(`not a feed: ${(err as Error).message}`.slice(0, 300));
  }
  if (!data || !Array.isArray(data.entries)) throw new MalformedFeedError('not an RSS, Atom or JSON feed (no items list)');
  const items = data.entries.map((e) => {
    const published = e.published ? new Date(e.published) : null;
    return {
      dedupeKey: dedupeKey({ id: typeof e['rawId'] === 'string' ? e['rawId'] : undefined, link: e.link, title: e.title, description: e.description }),
      title: plainText(e.title).slice(0, 2000),
      summary: plainText(e.description).slice(0, 5000),
      url: itemUrl(e.link, baseUrl),
      publishedAt: published && !Number.isNaN(published.getTime()) ? published : null,
    };
  });
  // A feed may repeat an item: the first one counts.
  const seen = new Set<string>();
  return { title: plainText(data.title ?? '').slice(0, 300), items: items.filter((i) => !seen.has(i.dedupeKey) && seen.add(i.dedupeKey)) };
}

function rawId(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (value && typeof value === 'object' && '#text' in value) return rawId((value as Record<string, unknown>)['#text']);
  return null;
}
