import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { promises as dns } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { Agent } from 'undici';
import { InstanceUrlError } from './errors.js';

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return blocked.check(mapped[1], 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Normalises a user-given instance URL to its origin, refusing anything but https to a public
 * address unless private instances are allowed (tests, the sandbox).
 */
export async function checkInstanceUrl(raw: string, allowPrivate: boolean): Promise<string> {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`);
  } catch {
    throw new InstanceUrlError('is not a valid URL');
  }
  if (url.username || url.password) throw new InstanceUrlError('must not contain credentials');
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) {
    throw new InstanceUrlError('must use https');
  }
  if (!allowPrivate) {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const addresses = isIP(host) ? [host] : await resolveAll(host);
    if (addresses.some(isPrivateAddress)) {
      throw new InstanceUrlError('resolves to a loopback, private or link-local address');
    }
  }
  return url.origin;
}

async function resolveAll(host: string): Promise<string[]> {
  try {
    const found = await dns.lookup(host, { all: true, verbatim: true });
    return found.map((a) => a.address);
  } catch {
    throw new InstanceUrlError(`cannot be resolved (${host})`);
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * An HTTP dispatcher that re-checks every address at connect time, so a name that resolved to a
 * public address when the account was connected cannot later be rebound to an internal one.
 */
export function createGuardedDispatcher(allowPrivate: boolean): Agent | undefined {
  if (allowPrivate) return undefined;
  const lookup = (hostname: string, options: { all?: boolean }, cb: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true, verbatim: true }, (err, addresses) => {
      if (err) return cb(err, []);
      const bad = addresses.find((a) => isPrivateAddress(a.address));
      if (bad) return cb(Object.assign(new Error(`refused private address ${bad.address}`), { code: 'EPRIVATE' }), []);
      if (options.all) return cb(null, addresses);
      const first = addresses[0];
      return first ? cb(null, first.address, first.family) : cb(new Error(`no address for ${hostname}`), []);
    });
  };
  return new Agent({ connect: { lookup: lookup as never } });
}
