import { Inject, Injectable, Logger } from '@nestjs/common';
import ical from 'ical-generator';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import type { Lang } from '#reports/i18n.js';
import { decideAccess, nextChange, nextStrike, strikeInForce } from '#sites/access.js';
import { renderClosedPage, renderFrame, renderStrikePage } from './site-pages.js';
import { SiteStatusCache } from './site-status.cache.js';
import { FEED_KEY, SITE_KEY } from './sites.service.js';
import { SitesRepository, type PublicWindow, type SiteSnapshot } from './sites.repository.js';

/** While a strike is in force the script looks again every minute (a stop shows within one). */
const ACTIVE_RECHECK_MS = 60_000;
/** With nothing in force, at most this long between two looks (a strike decided meanwhile shows then). */
const IDLE_RECHECK_MS = 10 * 60_000;
const STATUS_MAX_AGE_S = 30;

export interface AccessAnswer {
  status: 200 | 503;
  cacheSeconds: number;
  retryAfterSeconds?: number;
  html?: Buffer;
}

/** The public view of a window: only what the strike makes public. */
export interface PublicWindowView {
  id: string;
  title: string;
  reason: string;
  form: string;
  effectiveFrom: string;
  endsAt: string;
  pageUrl: string;
}

export interface StatusAnswer {
  now: string;
  strike: PublicWindowView | null;
  next: PublicWindowView | null;
  checkAfter: string;
  cacheSeconds: number;
}

/**
 * The answers anyone may ask for: the access decision for a reverse proxy, the status the display
 * script reads, the iframe banner, the strike's public page and the calendar. An unknown key, a
 * removed site, a site of another organisation or a strike not naming the site: all read as
 * "nothing planned", the same answer byte for byte as a site with no strike.
 */
@Injectable()
export class SitePublicService {
  private readonly logger = new Logger(SitePublicService.name);
  private readonly pages = new Map<string, Buffer>();
  private lastOpenWarning = -Infinity;

  constructor(
    private readonly cache: SiteStatusCache,
    private readonly sites: SitesRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  pageUrl(strikeId: string, lang?: Lang): string {
    return `${this.config.http.publicUrl.replace(/\/$/, '')}/v1/public/strikes/${strikeId}${lang ? `?lang=${lang}` : ''}`;
  }

  private snapshot(key: string): Promise<SiteSnapshot | null> {
    if (!SITE_KEY.test(key)) return Promise.resolve(null);
    return this.cache.get(key);
  }

  /** The hot path: answered from memory when the site's rows are cached (no promise then). */
  accessFromCache(key: string, path: string | undefined, lang: Lang, now: Date): AccessAnswer | undefined {
    if (!SITE_KEY.test(key)) return this.access(null, path, lang, now);
    const snap = this.cache.peek(key, now.getTime());
    return snap === undefined ? undefined : this.access(snap, path, lang, now);
  }

  /**
   * Fails open: when the site's rows cannot be read (Postgres lost, Piquet shutting down), the
   * answer is "open", not kept. Any other answer would close the site: a proxy reads a 503 with
   * Retry-After as a strike, and Caddy's forward_auth hands any non-2xx to the visitor.
   */
  async accessFor(key: string, path: string | undefined, lang: Lang, now: Date): Promise<AccessAnswer> {
    let snap: SiteSnapshot | null;
    try {
      snap = await this.snapshot(key);
    } catch (err) {
      // Asked on every page view of every site: one line a minute says it, not one per request.
      if (now.getTime() - this.lastOpenWarning >= 60_000) {
        this.lastOpenWarning = now.getTime();
        this.logger.warn({ err: (err as Error).message }, 'site access asked while its rows cannot be read: answered open');
      }
      return { status: 200, cacheSeconds: 0 };
    }
    return this.access(snap, path, lang, now);
  }

  private access(snap: SiteSnapshot | null, path: string | undefined, lang: Lang, now: Date): AccessAnswer {
    if (!snap) return { status: 200, cacheSeconds: 5 };
    const d = decideAccess(snap, snap.windows, path, now);
    if (d.open) return { status: 200, cacheSeconds: d.cacheSeconds };
    const w = snap.windows.find((x) => x.strikeId === d.strikeId)!;
    return { status: 503, cacheSeconds: d.cacheSeconds, retryAfterSeconds: d.retryAfterSeconds, html: this.closedPage(w, lang, snap.timeZone) };
  }

  /** The closed page changes only with the strike's text and window: rendered once per strike and language. */
  private closedPage(w: PublicWindow, lang: Lang, timeZone: string): Buffer {
    const key = `${w.strikeId}|${lang}|${timeZone}|${w.endsAt.getTime()}|${w.title}|${w.reason}`;
    let html = this.pages.get(key);
    if (html === undefined) {
      if (this.pages.size >= 1000) this.pages.clear();
      html = Buffer.from(renderClosedPage(w, lang, this.pageUrl(w.strikeId, lang), timeZone));
      this.pages.set(key, html);
    }
    return html;
  }

  async status(key: string, now: Date): Promise<StatusAnswer> {
    return this.statusOf(await this.snapshot(key), now);
  }

  /** The status from memory when the site's rows are cached, else undefined. */
  statusFromCache(key: string, now: Date): StatusAnswer | undefined {
    if (!SITE_KEY.test(key)) return this.statusOf(null, now);
    const snap = this.cache.peek(key, now.getTime());
    return snap === undefined ? undefined : this.statusOf(snap, now);
  }

  private statusOf(snap: SiteSnapshot | null, now: Date): StatusAnswer {
    const windows = snap?.windows ?? [];
    const current = strikeInForce(windows, now);
    const next = nextStrike(windows, now);
    let checkAfter = now.getTime() + IDLE_RECHECK_MS;
    if (current) checkAfter = Math.min(current.endsAt.getTime(), now.getTime() + ACTIVE_RECHECK_MS);
    else if (next) checkAfter = Math.min(next.effectiveFrom.getTime(), checkAfter);
    const change = nextChange(windows, now);
    const untilChange = change ? Math.floor((change.getTime() - now.getTime()) / 1000) : STATUS_MAX_AGE_S;
    return {
      now: now.toISOString(),
      strike: current ? this.view(current) : null,
      next: next ? this.view(next) : null,
      checkAfter: new Date(checkAfter).toISOString(),
      cacheSeconds: Math.max(0, Math.min(STATUS_MAX_AGE_S, untilChange)),
    };
  }

  /** The no-JavaScript banner, and the site's origin its frame policy allows (null: none). */
  async frame(key: string, lang: Lang, now: Date): Promise<{ html: string; origin: string | null; cacheSeconds: number }> {
    const snap = await this.snapshot(key);
    const current = snap ? strikeInForce(snap.windows, now) : null;
    const shown = current;
    const change = snap ? nextChange(snap.windows, now) : null;
    const cacheSeconds = Math.max(0, Math.min(60, change ? Math.floor((change.getTime() - now.getTime()) / 1000) : 60));
    return { html: renderFrame(shown, lang, shown ? this.pageUrl(shown.strikeId, lang) : null), origin: snap?.origin ?? null, cacheSeconds };
  }

  async strikePage(strikeId: string, lang: Lang): Promise<string | null> {
    const strike = await this.sites.publicStrike(strikeId);
    return strike ? renderStrikePage(strike, lang) : null;
  }

  /** The organisation's approved public strikes as iCalendar, or null when the key is not a feed's. */
  async calendar(feedKey: string): Promise<string | null> {
    if (!FEED_KEY.test(feedKey)) return null;
    const feed = await this.sites.calendarByKey(feedKey);
    if (!feed) return null;
    const strikes = await this.sites.publicStrikesOf(feed.organisationId);
    const cal = ical({ name: feed.name, prodId: { company: 'Piquet', product: 'strikes', language: 'FR' } });
    for (const s of strikes) {
      cal.createEvent({
        id: `${s.id}@piquet`,
        start: s.startsAt,
        end: s.endsAt,
        stamp: s.updatedAt,
        summary: s.title,
        description: `${s.reason}\n\n${this.pageUrl(s.id)}`,
        url: this.pageUrl(s.id),
      });
    }
    return cal.toString();
  }

  private view(w: PublicWindow): PublicWindowView {
    return {
      id: w.strikeId,
      title: w.title,
      reason: w.reason,
      form: w.form,
      effectiveFrom: w.effectiveFrom.toISOString(),
      endsAt: w.endsAt.toISOString(),
      pageUrl: this.pageUrl(w.strikeId),
    };
  }
}
