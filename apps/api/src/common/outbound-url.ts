import { BlockedDestinationError, UnresolvableHostError } from '#networks/errors.js';
import type { OutboundHttp } from '#networks/http/outbound-http.js';
import { invalidField } from './errors.js';

/**
 * A URL Piquet will call on its own (a feed, a webhook endpoint): http(s), no credentials, a
 * public address (https only, unless ALLOW_PRIVATE_INSTANCES), checked by the outbound guard now,
 * as every connection is later. Else a 400 naming the field. Returns it without its fragment.
 */
export async function checkedOutboundUrl(outbound: OutboundHttp, raw: string, field: string): Promise<string> {
  if (!URL.canParse(raw)) throw invalidField(field, 'is not a URL (such as https://example.org/path)');
  const url = new URL(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidField(field, `must be an http(s) URL, not ${url.protocol}`);
  try {
    await outbound.guard.checkUrl(url);
  } catch (err) {
    if (err instanceof BlockedDestinationError) throw invalidField(field, err.reason);
    if (err instanceof UnresolvableHostError) throw invalidField(field, `cannot be resolved (${err.host})`);
    throw err;
  }
  url.hash = '';
  return url.href;
}
