import { createHash } from 'node:crypto';
import { escapeHtml } from '#html/escape.js';
import { LocalHttpServer } from '../../apps/sandbox/src/local-server.js';

export interface FeedEntry {
  guid: string;
  title: string;
  link: string;
  publishedAt: Date;
}

/**
 * Feeds on loopback whose content the test changes while it runs: RSS 2.0 with an ETag and
 * Last-Modified honoured (304), plus the broken kinds (malformed, redirecting forever, too large).
 */
export class FeedServer {
  readonly feeds = new Map<string, FeedEntry[]>();
  readonly requests = new Map<string, number>();
  readonly notModified = new Map<string, number>();
  url = '';
  hugeBytes = 1024 * 1024;
  private readonly server = new LocalHttpServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0]!;
      this.requests.set(path, (this.requests.get(path) ?? 0) + 1);
      if (path === '/malformed.xml') {
        res.writeHead(200, { 'content-type': 'application/rss+xml' }).end('<rss version="2.0"><channel><title>Oops<item><title>never closed');
        return;
      }
      if (path.startsWith('/loop')) {
        const n = Number(path.slice(5) || 0);
        res.writeHead(302, { location: `/loop${n + 1}` }).end();
        return;
      }
      if (path === '/huge.xml') {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        res.write('<rss version="2.0"><channel><title>Huge</title>');
        const chunk = `<item><title>${'x'.repeat(1000)}</title></item>`;
        for (let n = 0; n < this.hugeBytes; n += chunk.length) res.write(chunk);
        res.end('</channel></rss>');
        return;
      }
      const entries = this.feeds.get(path);
      if (!entries) {
        res.writeHead(404).end('not found');
        return;
      }
      const body = rss(path, entries, this.url);
      const etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;
      const lastModified = new Date(Math.max(0, ...entries.map((e) => e.publishedAt.getTime()))).toUTCString();
      if (req.headers['if-none-match'] === etag) {
        this.notModified.set(path, (this.notModified.get(path) ?? 0) + 1);
        res.writeHead(304, { etag, 'last-modified': lastModified }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag, 'last-modified': lastModified }).end(body);
  });

  async start(): Promise<string> {
    this.url = await this.server.start();
    return this.url;
  }

  /** Adds (or, with the same guid, edits) an item: newest first, as feeds list them. */
  put(path: string, entry: FeedEntry): void {
    const list = (this.feeds.get(path) ?? []).filter((e) => e.guid !== entry.guid);
    this.feeds.set(path, [entry, ...list].sort((a, b) => b.publishedAt.getTime() - a.publishedAt.getTime()));
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }
}

function rss(path: string, entries: FeedEntry[], base: string): string {
  const items = entries
    .map((e) => `<item><guid isPermaLink="false">${escapeHtml(e.guid)}</guid><title>${escapeHtml(e.title)}</title><link>${escapeHtml(e.link)}</link><pubDate>${e.publishedAt.toUTCString()}</pubDate></item>`)
    .join('');
  return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed ${escapeHtml(path)}</title><link>${base}</link>${items}</channel></rss>`;
}
