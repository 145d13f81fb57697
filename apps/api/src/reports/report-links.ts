import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../../../libs/config/config.js';

export const LINK_VALIDITY_MS = 30 * 86_400_000;

export type LinkCheck = 'valid' | 'invalid' | 'expired';

/**
 * Links to a strike's report page that open in a browser without an API token: the URL carries
 * its expiry and an HMAC-SHA256 of `strikeId|expires`. The key is derived (HKDF) from the
 * encryption key for this use only, so a signature reveals nothing about the key that seals tokens.
 */
@Injectable()
export class ReportLinks {
  private readonly key: Buffer;
  private readonly base: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.key = Buffer.from(hkdfSync('sha256', config.encryptionKey, 'piquet', 'piquet report links v1', 32));
    this.base = config.http.publicUrl;
  }

  /** `expires` in seconds since the epoch. */
  sign(strikeId: string, expires: number): string {
    return createHmac('sha256', this.key).update(`${strikeId}|${expires}`).digest('base64url');
  }

  create(strikeId: string, view: { lang?: string; tz?: string }, now = Date.now()): { url: string; expiresAt: Date } {
    const expires = Math.floor((now + LINK_VALIDITY_MS) / 1000);
    const query = new URLSearchParams({
      ...(view.lang ? { lang: view.lang } : {}),
      ...(view.tz ? { tz: view.tz } : {}),
      expires: String(expires),
      sig: this.sign(strikeId, expires),
    });
    return { url: `${this.base}/reports/${strikeId}?${query.toString()}`, expiresAt: new Date(expires * 1000) };
  }

  check(strikeId: string, expires: string | undefined, sig: string | undefined, now = Date.now()): LinkCheck {
    if (!expires || !sig || !/^[1-9]\d{0,11}$/.test(expires)) return 'invalid';
    const expected = Buffer.from(this.sign(strikeId, Number(expires)));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
    return Number(expires) * 1000 <= now ? 'expired' : 'valid';
  }
}
