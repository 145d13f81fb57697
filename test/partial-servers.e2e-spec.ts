import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeMastodon } from '../apps/sandbox/src/mastodon-server.js';
import type { AppConfig } from '../libs/config/config.js';
import { NetworkPermanentError, NetworkUnsupportedError } from '../libs/networks/errors.js';
import { errorForStatus, rateLimitReset } from '../libs/networks/http-errors.js';
import { MastodonAdapter } from '../libs/networks/mastodon/mastodon.adapter.js';
import type { AccountConnection } from '../libs/networks/network-adapter.js';
import { adapterWith as guarded } from './support/adapters.js';

/**
 * Servers that speak Mastodon's API only in part, played by the sandbox's switches: every answer
 * keeps its status whatever its body, each server's features are found out, and (below) a strike
 * over each one degrades only what the server lacks.
 */
const adapter = guarded(MastodonAdapter, {
  networks: { allowPrivateInstances: true, timeoutMs: 5000 },
  mediaMaxBytes: 10_000_000,
  http: { publicUrl: 'http://127.0.0.1' },
} as AppConfig);

const post = (text: string) => ({ text, contentWarning: null, visibility: 'public' as const, language: null, remoteMediaIds: [] });

describe('servers that speak Mastodon in part: errors and capabilities', () => {
  const full = new FakeMastodon();
  const partial = new FakeMastodon().behave({
    jsonNotFound: false,
    multiStatus: false,
    scheduledStatuses: false,
    pin: false,
    fixedImageUrls: true,
    rateLimitHeaders: false,
    version: '4.0.0 (compatible; Partial)',
  });
  let odd: Server;
  let oddUrl = '';

  beforeAll(async () => {
    await Promise.all([full.start(), partial.start()]);
    // A server whose answers are not JSON: a login page in place of the API.
    odd = createServer((req, res) => {
      res.writeHead(req.url?.includes('verify_credentials') ? 200 : 503, { 'content-type': 'text/html' });
      res.end('<html><body>Please log in</body></html>');
    });
    await new Promise<void>((r) => odd.listen(0, '127.0.0.1', r));
    oddUrl = `http://127.0.0.1:${(odd.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await Promise.all([full.stop(), partial.stop(), new Promise((r) => odd.close(r))]);
  });

  const connect = (server: FakeMastodon, name: string): AccountConnection => ({ instanceUrl: server.url, accessToken: server.addAccount(name).token });

  it('keeps the status of a plain-text 404: no multi-status route is unsupported, a gone post is gone', async () => {
    const conn = connect(partial, 'plain');
    const published = await adapter.publish(conn, post('bonjour'), 'k1');
    const batch = await adapter.fetchCountsBatch(conn, [published.remoteId]).catch((e: unknown) => e);
    expect(batch).toBeInstanceOf(NetworkUnsupportedError);
    expect(batch).toMatchObject({ status: 404 });
    await expect(adapter.fetchCounts(conn, published.remoteId)).resolves.toMatchObject({ remoteId: published.remoteId });
    await expect(adapter.listNativeScheduled(conn)).rejects.toMatchObject({ kind: 'permanent', status: 404 });
    // Pinning a post that exists answers a plain 404: the server cannot pin.
    await expect(adapter.pin(conn, published.remoteId)).rejects.toBeInstanceOf(NetworkUnsupportedError);
    partial.deleteStatus(published.remoteId);
    await expect(adapter.fetchCounts(conn, published.remoteId)).resolves.toBeNull();
  });

  it('a non-JSON success is a clear permanent error; a non-JSON 503 is still a 503 to retry', async () => {
    const conn = { instanceUrl: oddUrl, accessToken: 't' };
    const err = await adapter.readProfile(conn).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkPermanentError);
    expect((err as Error).message).toMatch(/answered 200 with text\/html/);
    await expect(adapter.fetchCounts(conn, '1')).rejects.toMatchObject({ kind: 'transient', status: 503 });
  });

  it('one mapping of HTTP statuses for every network', () => {
    expect(errorForStatus(401, 'x')).toMatchObject({ kind: 'auth', status: 401 });
    expect(errorForStatus(404, 'x')).toMatchObject({ kind: 'permanent', status: 404 });
    expect(errorForStatus(502, 'x')).toMatchObject({ kind: 'transient', status: 502 });
    const now = Date.parse('2026-11-30T10:00:00Z');
    // Mastodon: an ISO date; X and Bluesky: epoch seconds; Retry-After: seconds from now.
    expect(rateLimitReset((h) => (h === 'x-ratelimit-reset' ? '2026-11-30T10:05:00Z' : null), 60_000, now).toISOString()).toBe('2026-11-30T10:05:00.000Z');
    expect(rateLimitReset((h) => (h === 'ratelimit-reset' ? String(now / 1000 + 90) : null), 60_000, now).getTime()).toBe(now + 90_000);
    expect(rateLimitReset((h) => (h === 'retry-after' ? '30' : null), 60_000, now).getTime()).toBe(now + 30_000);
    expect(rateLimitReset(() => null, 60_000, now).getTime()).toBe(now + 60_000);
  });

  it('finds out what each server offers, reading only', async () => {
    const fullConn = connect(full, 'complet');
    await adapter.publish(fullConn, post('premier'), 'k2');
    const f = await adapter.detectCapabilities(fullConn);
    const p = await adapter.detectCapabilities(connect(partial, 'partiel'));
    const support = (d: typeof f) => Object.fromEntries(Object.entries(d.features).map(([k, v]) => [k, v.support]));
    expect(support(f)).toEqual({
      multiStatus: 'yes', scheduledStatuses: 'yes', pin: 'yes', profileFields: 'yes', profileImages: 'yes', avatarRemoval: 'yes', headerRemoval: 'yes', rateLimitHeaders: 'yes',
    });
    expect(support(p)).toMatchObject({ multiStatus: 'no', scheduledStatuses: 'no', pin: 'no', profileFields: 'yes', avatarRemoval: 'unknown', rateLimitHeaders: 'no' });
    expect(p.features.scheduledStatuses.detail).toMatch(/404 \(text\/plain\)/);
    // Nothing was changed on either server by asking.
    expect(full.statuses).toHaveLength(1);
    expect(partial.statuses.filter((s) => s.pinned)).toHaveLength(0);
  });
});
