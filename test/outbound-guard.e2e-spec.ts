import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppConfig } from '#config/config.js';
import { BlueskyAdapter, encodeBlueskySecret } from '#networks/bluesky/bluesky.adapter.js';
import { BlockedDestinationError, RedirectRefusedError } from '#networks/errors.js';
import { OutboundHttp } from '#networks/http/outbound-http.js';
import type { ResolvedAddress } from '#networks/http/outbound-guard.js';
import { MastodonAdapter } from '#networks/mastodon/mastodon.adapter.js';
import { serializeXSecret, XAdapter } from '#networks/x/x.adapter.js';

/**
 * Loopback canaries: real servers on 127.0.0.1 and ::1 that count every TCP connection. With
 * ALLOW_PRIVATE_INSTANCES off, nothing Piquet does (Mastodon, X, Bluesky, OAuth, image downloads)
 * may open a connection to them, whatever form the address takes, whatever a name resolves to,
 * wherever an allowed server redirects, whatever PDS a DID document names.
 */
interface Canary {
  server: Server;
  port: number;
  connections: number;
  headers: IncomingHttpHeaders[];
}

async function canary(host: string): Promise<Canary> {
  const c: Canary = { server: createServer(), port: 0, connections: 0, headers: [] };
  c.server.on('connection', () => c.connections++);
  c.server.on('request', (req, res) => {
    c.headers.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"secret":"internal"}');
  });
  await new Promise<void>((resolve) => c.server.listen(0, host, resolve));
  c.port = (c.server.address() as AddressInfo).port;
  return c;
}

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const DID = 'did:plc:abcdefghijklmnopqrstuvwx';

/** The one "allowed" server (exempted in the guard's policy): it redirects, or plays a Bluesky entryway. */
class AllowedServer {
  server = createServer((req, res) => this.handle(req.method ?? 'GET', req.url ?? '/', req.headers, res));
  port = 0;
  redirectTo: string | null = null;
  pdsEndpoint = '';
  authorizedRequests = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  private handle(method: string, path: string, headers: IncomingHttpHeaders, res: import('node:http').ServerResponse): void {
    if (headers.authorization?.includes('session-access')) this.authorizedRequests++;
    if (path === '/real.png') {
      res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
      return;
    }
    if (this.redirectTo) {
      res.writeHead(302, { location: this.redirectTo }).end();
      return;
    }
    if (method === 'POST' && path.startsWith('/xrpc/com.atproto.server.createSession')) {
      const didDoc = {
        '@context': ['https://www.w3.org/ns/did/v1'],
        id: DID,
        alsoKnownAs: ['at://alice.test'],
        service: [{ id: '#atproto_pds', type: 'AtprotoPersonalDataServer', serviceEndpoint: this.pdsEndpoint }],
      };
      const body = { accessJwt: 'session-access', refreshJwt: 'session-refresh', handle: 'alice.test', did: DID, didDoc, active: true };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    // What a PDS says for a profile that does not exist: the control run gets this far.
    res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'RecordNotFound', message: 'no profile' }));
  }
}

describe('outbound guard: loopback canaries (ALLOW_PRIVATE_INSTANCES off)', () => {
  let c4: Canary;
  let c6: Canary;
  const allowed = new AllowedServer();
  let outbound: OutboundHttp;
  let mastodon: MastodonAdapter;
  let x: XAdapter;
  let bluesky: BlueskyAdapter;
  const resolved: string[] = [];

  // Public-looking names that resolve (by injection) to loopback: the DNS-rebinding case.
  const resolve = async (name: string): Promise<ResolvedAddress[]> => {
    resolved.push(name);
    if (name.endsWith('.v6.example')) return [{ address: '::1', family: 6 }];
    if (name.endsWith('.example')) return [{ address: '127.0.0.1', family: 4 }];
    throw new Error(`ENOTFOUND ${name}`);
  };

  const config = {
    networks: { allowPrivateInstances: false, timeoutMs: 3000 },
    mediaMaxBytes: 1_000_000,
    http: { publicUrl: 'https://piquet.example' },
  } as AppConfig;

  beforeAll(async () => {
    c4 = await canary('127.0.0.1');
    c6 = await canary('::1');
    await allowed.start();
    outbound = new OutboundHttp({ allowPrivate: false, timeoutMs: 3000, resolve, exemptOrigins: [allowed.url] });
    mastodon = new MastodonAdapter(config, outbound);
    x = new XAdapter(config, outbound);
    bluesky = new BlueskyAdapter(config, outbound);
  });

  afterAll(async () => {
    await outbound.close();
    for (const s of [c4.server, c6.server, allowed.server]) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });

  beforeEach(() => {
    allowed.redirectTo = null;
    allowed.pdsEndpoint = '';
  });

  const mastodonToken = 'mastodon-canary-token';
  const xSecret = serializeXSecret({ accessToken: 'x-canary-token', refreshToken: null, expiresAt: null, clientId: 'piquet' });
  const blueskySecret = encodeBlueskySecret({ identifier: 'alice.test', appPassword: 'canary-app-password' });

  /** Every way Piquet reaches a server, pointed at one base URL. */
  function callsTo(base: string): [string, () => Promise<unknown>][] {
    return [
      ['Mastodon API', () => mastodon.verify({ instanceUrl: base, accessToken: mastodonToken })],
      ['Mastodon OAuth app registration', () => mastodon.registerApp(base, 'https://piquet.example/cb')],
      ['Mastodon OAuth token exchange', () => mastodon.exchangeCode(base, { clientId: 'c', clientSecret: 's', redirectUri: 'https://piquet.example/cb' }, 'oauth-code')],
      ['X API', () => x.verify({ instanceUrl: base, accessToken: xSecret })],
      ['X OAuth token exchange', () => x.exchangeCode(base, { clientId: 'piquet', redirectUri: 'https://piquet.example/cb' }, 'oauth-code', 'verifier')],
      ['Bluesky session', () => bluesky.verify({ instanceUrl: base, accessToken: blueskySecret })],
      ['image download', () => mastodon.fetchImage({ instanceUrl: base, accessToken: mastodonToken }, `${base}/avatar.png`)],
    ];
  }

  async function refusal(call: () => Promise<unknown>): Promise<Error> {
    const err = await call().then(
      () => new Error('the call succeeded'),
      (e: unknown) => e as Error,
    );
    return err;
  }

  it('control: the canary counts a connection when private instances are allowed', async () => {
    const open = new OutboundHttp({ allowPrivate: true, timeoutMs: 3000, resolve });
    const res = await open.fetch(`http://127.0.0.1:${c4.port}/`);
    expect(res.status).toBe(200);
    await res.text();
    await open.close();
    expect(c4.connections).toBe(1);
    c4.connections = 0;
    c4.headers.length = 0;
  });

  const literals: [string, (c: { c4: number; c6: number }) => string, RegExp][] = [
    ['IPv4 loopback', (p) => `https://127.0.0.1:${p.c4}`, /127\.0\.0\.1 is loopback/],
    ['IPv6 loopback', (p) => `https://[::1]:${p.c6}`, /::1 is loopback/],
    ['IPv4-mapped loopback', (p) => `https://[::ffff:127.0.0.1]:${p.c4}`, /IPv4-mapped carrying 127\.0\.0\.1 \(loopback\)/],
    ['IPv4-compatible loopback', (p) => `https://[::127.0.0.1]:${p.c4}`, /IPv4-compatible \(deprecated\) carrying 127\.0\.0\.1/],
    ['NAT64 of loopback', (p) => `https://[64:ff9b::7f00:1]:${p.c4}`, /NAT64 carrying 127\.0\.0\.1 \(loopback\)/],
    ['6to4 of loopback', (p) => `https://[2002:7f00:1::]:${p.c4}`, /6to4 carrying 127\.0\.0\.1 \(loopback\)/],
    ['decimal IPv4', (p) => `https://2130706433:${p.c4}`, /127\.0\.0\.1 is loopback/],
    ['plain http', (p) => `http://127.0.0.1:${p.c4}`, /must use https/],
  ];

  it.each(literals)('IP literal (%s): no connection from any client, a clear refusal', async (_name, target, reason) => {
    const base = target({ c4: c4.port, c6: c6.port });
    for (const [what, call] of callsTo(base)) {
      const err = await refusal(call);
      expect([what, err]).toEqual([what, expect.any(BlockedDestinationError)]);
      expect(err.message).toMatch(reason);
    }
    expect([c4.connections, c6.connections]).toEqual([0, 0]);
  });

  it('a public-looking name whose resolution gives loopback: no connection, refused when connecting', async () => {
    for (const base of [`https://social.example:${c4.port}`, `https://social.v6.example:${c6.port}`]) {
      for (const [what, call] of callsTo(base)) {
        const err = await refusal(call);
        expect([what, err]).toEqual([what, expect.any(BlockedDestinationError)]);
        expect(err.message).toMatch(/social(\.v6)?\.example resolves to (127\.0\.0\.1|::1) is loopback/);
      }
    }
    expect(resolved).toContain('social.example');
    expect([c4.connections, c6.connections]).toEqual([0, 0]);
  });

  it('control: the allowed server is reachable, and a redirect to itself is followed for downloads', async () => {
    allowed.redirectTo = `${allowed.url}/real.png`;
    const image = await mastodon.fetchImage({ instanceUrl: allowed.url, accessToken: mastodonToken }, `${allowed.url}/avatar.png`);
    expect(image.mimeType).toBe('image/png');
  });

  it('a redirect from the allowed server to the canary: refused at that hop, never followed by API clients', async () => {
    const hops = [
      `https://127.0.0.1:${c4.port}/secret`,
      `https://[::ffff:127.0.0.1]:${c4.port}/secret`,
      `https://[64:ff9b::7f00:1]:${c4.port}/secret`,
      `https://cdn.example:${c4.port}/secret`,
      `https://[::1]:${c6.port}/secret`,
      `http://127.0.0.1:${c4.port}/secret`,
    ];
    for (const hop of hops) {
      allowed.redirectTo = hop;
      // Downloads follow redirects, each hop checked again.
      const download = await refusal(() => mastodon.fetchImage({ instanceUrl: allowed.url, accessToken: mastodonToken }, `${allowed.url}/avatar.png`));
      expect([hop, download]).toEqual([hop, expect.any(BlockedDestinationError)]);
      expect(download.message).toMatch(/loopback|must use https/);
      // API calls follow none: Mastodon, Bluesky (fetch) and X (https.request) alike.
      const api = await refusal(() => mastodon.verify({ instanceUrl: allowed.url, accessToken: mastodonToken }));
      expect([hop, api]).toEqual([hop, expect.any(RedirectRefusedError)]);
      const session = await refusal(() => bluesky.verify({ instanceUrl: allowed.url, accessToken: blueskySecret }));
      expect([hop, session]).toEqual([hop, expect.any(RedirectRefusedError)]);
      expect(session.message).toMatch(/follows no redirects/);
      const xApi = await refusal(() => x.verify({ instanceUrl: allowed.url, accessToken: xSecret }));
      expect([hop, xApi]).toEqual([hop, expect.any(RedirectRefusedError)]);
    }
    expect([c4.connections, c6.connections]).toEqual([0, 0]);
  });

  it('control: a DID document naming the allowed server as PDS gets the session token there', async () => {
    allowed.pdsEndpoint = allowed.url;
    const before = allowed.authorizedRequests;
    const verified = await bluesky.verify({ instanceUrl: allowed.url, accessToken: blueskySecret });
    expect(verified.remoteId).toBe(DID);
    expect(allowed.authorizedRequests).toBeGreaterThan(before);
  });

  it('a DID document whose PDS is loopback (or http): refused before the session token goes anywhere', async () => {
    const endpoints: [string, RegExp][] = [
      [`https://127.0.0.1:${c4.port}`, /PDS endpoint in the account's DID document is refused \(127\.0\.0\.1 is loopback\)/],
      [`http://127.0.0.1:${c4.port}`, /PDS endpoint in the account's DID document must use https/],
      [`https://pds.example:${c4.port}`, /PDS endpoint in the account's DID document is refused \(pds\.example resolves to 127\.0\.0\.1 is loopback\)/],
      [`https://[::ffff:127.0.0.1]:${c4.port}`, /IPv4-mapped carrying 127\.0\.0\.1/],
      [`https://[::1]:${c6.port}`, /::1 is loopback/],
    ];
    for (const [endpoint, reason] of endpoints) {
      allowed.pdsEndpoint = endpoint;
      // A fresh adapter each time: no cached session from an earlier endpoint.
      const adapter = new BlueskyAdapter(config, outbound);
      const err = await refusal(() => adapter.verify({ instanceUrl: allowed.url, accessToken: blueskySecret }));
      expect([endpoint, err]).toEqual([endpoint, expect.any(BlockedDestinationError)]);
      expect(err.message).toMatch(reason);
    }
    expect([c4.connections, c6.connections]).toEqual([0, 0]);
    expect([...c4.headers, ...c6.headers].filter((h) => h.authorization)).toEqual([]);
  });
});
