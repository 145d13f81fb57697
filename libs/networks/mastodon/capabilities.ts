import type { mastodon } from 'masto';
import { NetworkError, statusOf } from '../errors.js';
import type { AccountConnection, DetectedCapabilities, Feature, FeatureCheck, NetworkLimits } from '../network-adapter.js';
import type { RecordedResponse } from '../response-recorder.js';
import { toNetworkError } from './mastodon.adapter.js';

type Client = mastodon.rest.Client;
const yes = (detail: string): FeatureCheck => ({ support: 'yes', detail });
const no = (detail: string): FeatureCheck => ({ support: 'no', detail });
const unknown = (detail: string): FeatureCheck => ({ support: 'unknown', detail });

/**
 * What a Mastodon-API server offers, asked with reads only (and one pin of a post that cannot
 * exist). A route that answers 404 or 405 is missing, whatever the body; any other failure tells
 * nothing, so the feature is `unknown` and still tried (its first use tells).
 */
export async function detectMastodonCapabilities(
  client: Client,
  last: () => RecordedResponse | null,
  conn: AccountConnection,
  limits: (client: Client) => Promise<NetworkLimits>,
): Promise<DetectedCapabilities> {
  // The account itself must answer: a refused token is the caller's error, not a missing feature.
  const me = (await client.v1.accounts.verifyCredentials()) as mastodon.v1.Account & { source?: unknown };
  const answer = last();
  const rateLimit = answer?.header('x-ratelimit-limit');
  const instance = await probe(last, async () => (await client.v2.instance.fetch()).version);
  const version = typeof instance.value === 'string' ? instance.value : null;
  const latest = await probe(last, async () => (await client.v1.accounts.$select(me.id).statuses.list({ limit: 1 }))[0]?.id ?? null);
  const ownStatusId = typeof latest.value === 'string' ? latest.value : null;

  const features: Record<Feature, FeatureCheck> = {
    multiStatus: await multiStatus(client, last, ownStatusId),
    scheduledStatuses: routeCheck(
      await probe(last, async () => await client.v1.scheduledStatuses.list({ limit: 1 })),
      'GET /api/v1/scheduled_statuses',
      'natively scheduled posts can be listed and moved out of a strike',
    ),
    pin: await pin(client, last),
    profileFields: me.source
      ? yes('verify_credentials gives the editable profile (source)')
      : unknown('verify_credentials gives no editable profile (source): update_credentials is still tried'),
    profileImages: yes('update_credentials takes avatar and header images'),
    avatarRemoval: imageRemoval(version, 'avatar'),
    headerRemoval: imageRemoval(version, 'header'),
    rateLimitHeaders: rateLimit
      ? yes(`answers carry x-ratelimit-limit: ${rateLimit}`)
      : no('answers carry no x-ratelimit-* headers: Piquet keeps to its own budget (RATE_LIMIT_REQUESTS)'),
    replyNotifications: routeCheck(
      await probe(last, async () => await client.v1.notifications.list({ types: ['mention'], limit: 1 })),
      'GET /api/v1/notifications?types[]=mention',
      'new replies come from the account’s mentions; whole threads are read only when a count moves',
    ),
  };
  return { features, limits: await limits(client).catch(() => limitsFallback) };
}

const limitsFallback: NetworkLimits = { maxCharacters: 500, maxMedia: 4, charactersPerUrl: 23 };

interface Probe<T> {
  value?: T;
  error?: NetworkError;
  answer: RecordedResponse | null;
}

async function probe<T>(last: () => RecordedResponse | null, fn: () => Promise<T>): Promise<Probe<T>> {
  try {
    const value = await fn();
    return { value, answer: last() };
  } catch (err) {
    const error = toNetworkError(err, last());
    // The account's token refused mid-way: that is no answer about a feature.
    if (error.kind === 'auth') throw error;
    return { error, answer: last() };
  }
}

function describe(p: Probe<unknown>): string {
  const type = p.answer?.contentType?.split(';')[0] ?? 'no content type';
  return p.error ? `${p.error.status ?? 'no answer'} (${type}): ${p.error.message}` : `${p.answer?.status ?? 200} (${type})`;
}

function routeCheck(p: Probe<unknown>, route: string, what: string): FeatureCheck {
  if (!p.error) return Array.isArray(p.value) ? yes(`${route} answered ${describe(p)}: ${what}`) : unknown(`${route} answered something other than a list`);
  const s = statusOf(p.error);
  if (s === 404 || s === 405) return no(`${route} answered ${describe(p)}: the server has no such route`);
  return unknown(`${route} answered ${describe(p)}`);
}

async function multiStatus(client: Client, last: () => RecordedResponse | null, ownStatusId: string | null): Promise<FeatureCheck> {
  const route = 'GET /api/v1/statuses?id[]=';
  const p = await probe(last, () => client.v1.statuses.fetch({ id: [ownStatusId ?? '0'] }));
  const check = routeCheck(p, route, 'counts are asked 20 posts at a time');
  // Some servers answer a route they lack with an empty list: a post that exists must come back.
  if (check.support === 'yes' && ownStatusId && Array.isArray(p.value) && p.value.length === 0) {
    return no(`${route} answered an empty list for a post that exists: counts are asked one post at a time`);
  }
  if (check.support === 'yes' && !ownStatusId) return unknown(`${route} answers, but the account has no post to check it with`);
  return check;
}

/**
 * Pinning a post that cannot exist: Mastodon answers 404 in JSON ("Record not found") because the
 * route is there; a server without the route answers a plain-text or HTML 404, or 405.
 */
async function pin(client: Client, last: () => RecordedResponse | null): Promise<FeatureCheck> {
  const route = 'POST /api/v1/statuses/:id/pin';
  const p = await probe(last, () => client.v1.statuses.$select('0').pin());
  const s = statusOf(p.error);
  const json = /json/i.test(p.answer?.contentType ?? '');
  if (s === 404 && json) return yes(`${route} for a post that does not exist answered 404 in JSON: the route is there`);
  if (s === 404 || s === 405) return no(`${route} answered ${describe(p)}: the server has no such route`);
  return unknown(`${route} answered ${describe(p)}`);
}

/** Mastodon added DELETE /api/v1/profile/avatar and /header in 4.2; others are not known to have it. */
function imageRemoval(version: string | null, which: 'avatar' | 'header'): FeatureCheck {
  const route = `DELETE /api/v1/profile/${which}`;
  const m = version && !/compatible/i.test(version) ? /^(\d+)\.(\d+)/.exec(version) : null;
  if (m && (Number(m[1]) > 4 || (Number(m[1]) === 4 && Number(m[2]) >= 2))) return yes(`Mastodon ${version} has ${route}`);
  if (m) return no(`Mastodon ${version} is older than 4.2 and has no ${route}: a removed ${which} cannot be put back as "none"`);
  return unknown(`${version ? `server version "${version}"` : 'no server version'}: ${route} is tried when needed`);
}
