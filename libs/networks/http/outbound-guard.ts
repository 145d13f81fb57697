import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import { BlockedDestinationError, UnresolvableHostError } from '../errors.js';
import { blockedAddressReason } from './address-policy.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Name resolution, injectable so tests never depend on (or reach) real DNS. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface GuardPolicy {
  /** ALLOW_PRIVATE_INSTANCES: loopback and private addresses and plain http allowed (tests, the sandbox). */
  allowPrivate: boolean;
  resolve?: Resolver;
  /**
   * Tests only (never set from configuration): origins such as `http://127.0.0.1:4000` let through
   * whatever their scheme and address, so a test can stand up an "allowed" server on loopback and
   * prove that where it points next (a redirect, a DID document's PDS) is refused.
   */
  exemptOrigins?: string[];
}

export const systemResolver: Resolver = async (hostname) => {
  const found = await dns.lookup(hostname, { all: true, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/**
 * The one decision on where Piquet may send a request: the scheme of every URL and every address
 * it connects to, names resolved here (all their addresses must pass, so a name that mixes a
 * public and a loopback address is refused) and IP literals checked as they are.
 */
export class OutboundGuard {
  private readonly resolve: Resolver;
  private readonly exempt: URL[];

  constructor(readonly policy: GuardPolicy) {
    this.resolve = policy.resolve ?? systemResolver;
    this.exempt = (policy.exemptOrigins ?? []).map((o) => new URL(o));
  }

  get allowPrivate(): boolean {
    return this.policy.allowPrivate;
  }

  /** Why this address and port are refused, or null. */
  refusal(address: string, port: number): string | null {
    if (this.policy.allowPrivate) return null;
    if (this.exempt.some((o) => o.hostname.replace(/^\[|\]$/g, '') === address && defaultPort(o) === port)) return null;
    return blockedAddressReason(address);
  }

  /**
   * The addresses to connect to for a host (a name or an IP literal, brackets allowed), every one
   * checked; throws BlockedDestinationError naming the first refused one. Called on every connection.
   */
  async resolveChecked(host: string, port: number, target = `${host}:${port}`): Promise<ResolvedAddress[]> {
    const bare = host.replace(/^\[|\]$/g, '');
    const family = isIP(bare);
    let addresses: ResolvedAddress[];
    if (family !== 0) {
      addresses = [{ address: bare, family: family === 6 ? 6 : 4 }];
    } else {
      try {
        addresses = await this.resolve(bare);
      } catch {
        throw new UnresolvableHostError(bare);
      }
      if (addresses.length === 0) throw new UnresolvableHostError(bare);
    }
    for (const { address } of addresses) {
      const reason = this.refusal(address, port);
      if (reason) throw new BlockedDestinationError(target, family === 0 ? `${bare} resolves to ${reason}` : reason);
    }
    return addresses;
  }

  /** https only (and no credentials in the URL), plain http only where private instances are allowed. */
  checkScheme(url: URL): void {
    if (url.username || url.password) throw new BlockedDestinationError(url.origin, 'must not contain credentials');
    if (url.protocol === 'https:' || (this.policy.allowPrivate && url.protocol === 'http:')) return;
    if (this.exempt.some((o) => o.origin === url.origin)) return;
    throw new BlockedDestinationError(url.origin, 'must use https');
  }

  /** Scheme and addresses of a URL, before anything is sent to it. */
  async checkUrl(raw: string | URL): Promise<URL> {
    if (typeof raw === 'string' && !URL.canParse(raw)) throw new BlockedDestinationError(raw.slice(0, 200), 'is not a valid URL');
    const url = new URL(raw);
    this.checkScheme(url);
    await this.resolveChecked(url.hostname, defaultPort(url), url.origin);
    return url;
  }

  /** A server URL a person typed ("mastodon.social" means https://mastodon.social): its checked origin. */
  async checkServerUrl(raw: string): Promise<string> {
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
    return (await this.checkUrl(withScheme)).origin;
  }
}

export function defaultPort(url: URL): number {
  return Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
}
