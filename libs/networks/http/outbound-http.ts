import { Agent as HttpAgent, type AgentOptions, type ClientRequestArgs } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { LookupAddress } from 'node:dns';
import type { Duplex } from 'node:stream';
import { Agent, buildConnector } from 'undici';
import type { AppConfig } from '#config/config.js';
import { NetworkError, RedirectRefusedError } from '../errors.js';
import { isIP } from 'node:net';
import { OutboundGuard, defaultPort, type GuardPolicy, type ResolvedAddress } from './outbound-guard.js';

export interface OutboundOptions extends GuardPolicy {
  /** Connection timeout (HTTP_TIMEOUT_MS). */
  timeoutMs: number;
}

export interface GuardedFetchOptions {
  /** How many redirects to follow, each hop checked again; 0 (the default) refuses any redirect. */
  maxRedirects?: number;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * Every outbound HTTP request of Piquet goes through here, API and worker alike:
 * - `dispatcher`: an undici Agent whose every new connection resolves the host through the guard
 *   and connects only to the addresses it checked (IP literals included); for fetch-based clients
 *   (masto, @atproto/api, downloads);
 * - `fetch`: fetch through that dispatcher, refusing redirects unless asked to follow a few, each
 *   hop's scheme checked again (and its address, when it connects);
 * - `nodeAgent`: node:http/https agents with the same check, for clients built on https.request
 *   (twitter-api-v2).
 */
export class OutboundHttp {
  static fromConfig(config: Pick<AppConfig, 'networks'>): OutboundHttp {
    return new OutboundHttp({ allowPrivate: config.networks.allowPrivateInstances, timeoutMs: config.networks.timeoutMs });
  }


  readonly guard: OutboundGuard;
  readonly dispatcher: Agent;
  private readonly agents: { 'http:': HttpAgent; 'https:': HttpAgent };

  constructor(options: OutboundOptions) {
    const { timeoutMs, ...policy } = options;
    this.guard = new OutboundGuard(policy);
    this.dispatcher = new Agent({ connect: guardedConnector(this.guard, timeoutMs) });
    const agentOptions: AgentOptions = { keepAlive: true };
    this.agents = { 'http:': new GuardedHttpAgent(this.guard, agentOptions), 'https:': new GuardedHttpsAgent(this.guard, agentOptions) };
  }

  /** What masto's requests need: this dispatcher, and no redirect followed. */
  get requestInit(): RequestInit {
    return { dispatcher: this.dispatcher, redirect: 'error' } as RequestInit;
  }

  /** A WHATWG fetch through the guard (for @atproto/api and downloads). */
  async fetch(input: string | URL | Request, init?: RequestInit, options: GuardedFetchOptions = {}): Promise<Response> {
    const maxRedirects = options.maxRedirects ?? 0;
    let request = new Request(input instanceof URL ? input.href : input, init);
    for (let hop = 0; ; hop++) {
      const url = new URL(request.url);
      this.guard.checkScheme(url);
      // An IP literal is refused here already (the connection would be refused too, but fetch may
      // fail earlier for its own reasons, such as a port it never uses, and hide why).
      if (isIP(url.hostname.replace(/^\[|\]$/g, '')) !== 0) await this.guard.resolveChecked(url.hostname, defaultPort(url), url.origin);
      const res = await globalThis.fetch(request, { dispatcher: this.dispatcher, redirect: 'manual' } as RequestInit);
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) return res;
      await res.body?.cancel();
      const next = URL.canParse(location, url.href) ? new URL(location, url) : null;
      if (hop >= maxRedirects || !next) {
        const where = next ? ` to ${next.origin}` : '';
        throw new RedirectRefusedError(
          maxRedirects === 0
            ? `${url.origin} answered ${res.status} (a redirect${where}); Piquet follows no redirects there`
            : `${url.origin} redirected more than ${maxRedirects} times`,
          res.status,
        );
      }
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        throw new RedirectRefusedError(`${url.origin} redirected a ${request.method} request`, res.status);
      }
      // Credentials never follow a redirect to another origin.
      const headers = new Headers(request.headers);
      if (next.origin !== url.origin) for (const h of ['authorization', 'cookie', 'proxy-authorization']) headers.delete(h);
      request = new Request(next.href, { method: request.method, headers, signal: request.signal });
    }
  }

  /** node:http(s) agent for `https.request`-based clients (the caller checks the URL's scheme first). */
  nodeAgent(protocol: string): HttpAgent {
    return protocol === 'http:' ? this.agents['http:'] : this.agents['https:'];
  }

  /** After the workers have finished their in-flight calls (they stop in onModuleDestroy). */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  async close(): Promise<void> {
    this.agents['http:'].destroy();
    this.agents['https:'].destroy();
    await this.dispatcher.close();
  }
}

/** A lookup that answers with addresses the guard already checked: no second, unchecked resolution. */
function checkedLookup(addresses: ResolvedAddress[]) {
  return (_hostname: string, options: { all?: boolean; family?: number | string }, cb: LookupCallback): void => {
    const family = options.family === 'IPv6' || options.family === 6 ? 6 : options.family === 'IPv4' || options.family === 4 ? 4 : 0;
    const usable = family ? addresses.filter((a) => a.family === family) : addresses;
    if (usable.length === 0) {
      cb(Object.assign(new Error('no checked address of that family'), { code: 'ENOTFOUND' }), []);
      return;
    }
    if (options.all) cb(null, usable);
    else cb(null, usable[0]!.address, usable[0]!.family);
  };
}

/** undici connector: resolve and check first, then connect to those addresses only (TLS still names the host). */
function guardedConnector(guard: OutboundGuard, timeoutMs: number): buildConnector.connector {
  return (opts, callback) => {
    const port = Number(opts.port) || (opts.protocol === 'https:' ? 443 : 80);
    guard.resolveChecked(opts.hostname, port, `${opts.protocol}//${opts.host ?? opts.hostname}`).then(
      (addresses) => {
        const connect = buildConnector({ timeout: timeoutMs, lookup: checkedLookup(addresses) } as buildConnector.BuildOptions);
        connect(opts, callback);
      },
      // fetch keeps only plain Errors as they are (a subclass from another realm, as under a test
      // runner's VM, becomes its string): the refusal travels as the cause of a plain Error.
      (err: Error) => callback(Object.assign(new Error(err.message, { cause: err }), { code: 'EBLOCKED' }), null),
    );
  };
}

type CreateConnectionCallback = (err: Error | null, stream: Duplex) => void;

/**
 * node's Agent accepts a socket handed to the callback later (createConnection returning nothing):
 * the host is resolved and checked first, then the socket connects to those addresses only.
 */
function guardedCreateConnection(
  guard: OutboundGuard,
  base: (options: ClientRequestArgs) => Duplex | null | undefined,
  protocol: 'http:' | 'https:',
  options: ClientRequestArgs,
  callback: CreateConnectionCallback | undefined,
): undefined {
  const done: CreateConnectionCallback = callback ?? (() => undefined);
  const host = options.hostname ?? options.host ?? 'localhost';
  const port = Number(options.port) || (protocol === 'https:' ? 443 : 80);
  guard.resolveChecked(host, port, `${protocol}//${host}:${port}`).then(
    (addresses) => {
      try {
        const socket = base({ ...options, lookup: checkedLookup(addresses) as ClientRequestArgs['lookup'] });
        if (!socket) throw new Error(`no socket for ${host}:${port}`);
        done(null, socket);
      } catch (err) {
        done(err as Error, undefined as unknown as Duplex);
      }
    },
    (err: Error) => done(err, undefined as unknown as Duplex),
  );
  return undefined;
}

class GuardedHttpAgent extends HttpAgent {
  constructor(
    private readonly guard: OutboundGuard,
    options: AgentOptions,
  ) {
    super(options);
  }

  override createConnection(options: ClientRequestArgs, callback?: CreateConnectionCallback): Duplex | null | undefined {
    return guardedCreateConnection(this.guard, (o) => super.createConnection(o), 'http:', options, callback);
  }
}

class GuardedHttpsAgent extends HttpsAgent {
  constructor(
    private readonly guard: OutboundGuard,
    options: AgentOptions,
  ) {
    super(options);
  }

  override createConnection(options: ClientRequestArgs, callback?: CreateConnectionCallback): Duplex | null | undefined {
    return guardedCreateConnection(this.guard, (o) => super.createConnection(o), 'https:', options, callback);
  }
}

/**
 * The guard's refusal behind a library's error (fetch wraps it as `cause`, XRPC and twitter-api-v2
 * wrap it again): adapters report it as it is, a permanent error that names the reason.
 */
export function refusalIn(err: unknown): NetworkError | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 6 && current; depth++) {
    if (current instanceof NetworkError) return current;
    const e = current as { cause?: unknown; requestError?: unknown; _options?: { error?: unknown } };
    // fetch's "redirect: error" (masto) fails with this cause.
    if ((current as { message?: unknown }).message === 'unexpected redirect') {
      return new RedirectRefusedError('The server answered with a redirect; Piquet follows no redirects there');
    }
    current = e.cause ?? e.requestError ?? e._options?.error;
  }
  return undefined;
}
