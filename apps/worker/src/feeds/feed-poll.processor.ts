import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { FeedPollingRepository, type FeedTarget } from '#database/feed-polling.repository.js';
import { MalformedFeedError, parseFeed, type FeedItemInput } from '#feeds/parse.js';
import { nextPollDelay } from '#feeds/rules.js';
import { renderPost } from '#feeds/template.js';
import { NetworkRegistry } from '#networks/network-registry.js';
import { DeliveryQueue } from '#queue/delivery-queue.js';
import { FeedFetchError, FeedFetcher } from './feed-fetcher.js';
import { HostPacer } from './host-pacer.js';

export type PollOutcome = 'gone' | 'not-modified' | 'read' | 'failed';

/**
 * One read of one feed. A feed's failure (unreachable, malformed, too large, redirect loop) is
 * recorded on it with a back-off, and the job completes: it never stops other feeds.
 */
@Injectable()
export class FeedPollProcessor {
  private readonly pacer: HostPacer;

  private readonly logger = new Logger(FeedPollProcessor.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: FeedPollingRepository,
    private readonly fetcher: FeedFetcher,
    private readonly networks: NetworkRegistry,
    private readonly deliveries: DeliveryQueue,
  ) {
    this.pacer = new HostPacer(config.feeds.hostGapMs);
  }

  async poll(feedId: string): Promise<PollOutcome> {
    const feed = await this.repo.find(feedId);
    if (!feed || feed.paused) return 'gone';
    const timing = { intervalMs: this.config.feeds.pollIntervalMs, maxBackoffMs: this.config.feeds.maxBackoffMs };
    const later = (failures: number) => new Date(Date.now() + nextPollDelay(failures, timing));
    if (feed.strikePolicy === 'drop') {
      const dropped = await this.repo.dropHeld(feedId, new Date());
      if (dropped > 0) this.logger.log({ feedId, dropped }, 'feed set to drop: held posts cancelled');
    }
    try {
      const fetched = await this.pacer.run(new URL(feed.url).host, () => this.fetcher.fetch(feed.url, feed.etag, feed.lastModified));
      const now = new Date();
      if (fetched.kind === 'not-modified') {
        await this.repo.notModified(feedId, now, later(0));
        return 'not-modified';
      }
      const parsed = parseFeed(fetched.body, fetched.contentType, fetched.url);
      const result = await this.repo.ingest(
        feedId,
        parsed.items,
        now,
        { status: fetched.status, etag: fetched.etag, lastModified: fetched.lastModified, title: parsed.title || null, nextPollAt: later(0) },
        (target, item, feedTitle) => this.render(target, item, feedTitle),
      );
      if (result.jobs.length > 0) {
        // The reconciler rebuilds any job lost here from Postgres.
        await this.deliveries.schedule(result.jobs).catch((err: unknown) => this.logger.warn({ err: (err as Error).message }, 'queue unavailable; the reconciler will enqueue'));
      }
      if (result.posted + result.dropped + result.backCatalogue > 0) this.logger.log({ feedId, ...result, jobs: result.jobs.length }, 'feed read');
      return 'read';
    } catch (err) {
      if (!(err instanceof FeedFetchError) && !(err instanceof MalformedFeedError)) throw err;
      const message = err instanceof MalformedFeedError ? `malformed: ${err.message}` : err.message;
      await this.repo.failed(feedId, new Date(), message, err instanceof FeedFetchError ? err.status : null, later(feed.consecutiveFailures + 1));
      this.logger.warn({ feedId, err: message }, 'feed read failed');
      return 'failed';
    }
  }

  private render(target: FeedTarget, item: FeedItemInput, feedTitle: string): string | null {
    const adapter = this.networks.get(target.network);
    const limits = { maxCharacters: target.maxCharacters, maxMedia: target.maxMedia, charactersPerUrl: target.charactersPerUrl };
    return renderPost(
      target.template,
      { title: item.title, url: item.url ?? '', summary: item.summary, feed: feedTitle },
      (text) => adapter.postLength(text, null, limits),
      target.maxCharacters,
    );
  }
}
