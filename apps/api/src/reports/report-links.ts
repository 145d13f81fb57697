import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '#config/config.js';

export const LINK_VALIDITY_MS = 30 * 86_400_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The URLs of report links (rows of `report_links`, which say who made them, until when, and
 * whether they were revoked). A URL names the strike and the link and carries an HMAC-SHA256 of
 * both: the row's id is listed to members, the signature never is (it is shown once, in the URL
 * at creation). The key is derived (HKDF) from the encryption key for this use only, so a
 * signature reveals nothing about the key that seals tokens.
 */
@Injectable()
export class ReportLinks {
  private readonly key: Buffer;
  private readonly base: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.key = Buffer.from(hkdfSync('sha256', config.encryptionKey, 'piquet', 'piquet report links v2', 32));
    this.base = config.http.publicUrl;
  }

  sign(strikeId: string, linkId: string): string {
    return createHmac('sha256', this.key).update(`${strikeId}|${linkId}`).digest('base64url');
  }

  url(strikeId: string, linkId: string, view: { lang?: string; tz?: string }): string {
    const query = new URLSearchParams({
      ...(view.lang ? { lang: view.lang } : {}),
      ...(view.tz ? { tz: view.tz } : {}),
      link: linkId,
      sig: this.sign(strikeId, linkId),
    });
    return `${this.base}/reports/${strikeId}?${query.toString()}`;
  }

  /** The link id a URL's parameters prove, or null when they prove nothing (the row decides the rest). */
  verify(strikeId: string, linkId: string | undefined, sig: string | undefined): string | null {
    if (!UUID.test(strikeId) || !linkId || !UUID.test(linkId) || !sig) return null;
    const expected = Buffer.from(this.sign(strikeId.toLowerCase(), linkId.toLowerCase()));
    const given = Buffer.from(sig);
    return given.length === expected.length && timingSafeEqual(given, expected) ? linkId.toLowerCase() : null;
  }
}
