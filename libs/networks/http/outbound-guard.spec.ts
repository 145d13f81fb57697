import { describe, expect, it } from '@jest/globals';
import { BlockedDestinationError, UnresolvableHostError } from '../errors.js';
import { blockedAddressReason } from './address-policy.js';
import { OutboundGuard, type ResolvedAddress } from './outbound-guard.js';

/** Name resolution for the table: fixed answers, never the network. */
const NAMES: Record<string, string[]> = {
  'public.example': ['93.184.215.14'],
  'public6.example': ['2606:4700:4700::1111'],
  'dual.example': ['93.184.215.14', '2a00:1450:4001:82b::200e'],
  'mastodon.example': ['198.17.0.10', '2001:4860:4860::8888'],
  'rebind.example': ['127.0.0.1'],
  'mixed.example': ['93.184.215.14', '10.0.0.5'],
  'mixed6.example': ['2606:4700:4700::1111', 'fd00::5'],
  'metadata.example': ['169.254.169.254'],
  'private.example': ['192.168.0.10'],
  'cgnat.example': ['100.64.1.1'],
  'bench.example': ['198.18.0.1'],
  'nat64.example': ['64:ff9b::a9fe:a9fe'],
  'mapped.example': ['::ffff:127.0.0.1'],
  'compat.example': ['::7f00:1'],
  'sixtofour.example': ['2002:7f00:1::1'],
  'teredo.example': ['2001:0:4136:e378:8000:63bf:80ff:fffe'],
  'ula.example': ['fd12:3456:789a::1'],
  'linklocal6.example': ['fe80::1'],
  'multicast.example': ['239.255.255.250'],
  'zero.example': ['0.0.0.0'],
  localhost: ['127.0.0.1', '::1'],
  'empty.example': [],
};

function guard(allowPrivate = false, exemptOrigins?: string[]) {
  const asked: string[] = [];
  const g = new OutboundGuard({
    allowPrivate,
    ...(exemptOrigins && { exemptOrigins }),
    resolve: async (name) => {
      asked.push(name);
      const found = NAMES[name];
      if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
      return found.map((address): ResolvedAddress => ({ address, family: address.includes(':') ? 6 : 4 }));
    },
  });
  return { g, asked };
}

const OK = 'allowed';
// [URL, expected]: 'allowed', or a pattern the refusal's reason must match.
const TABLE: [string, typeof OK | RegExp][] = [
  // Public IPv4 literals, including the neighbours of refused blocks.
  ['https://1.1.1.1/', OK],
  ['https://8.8.8.8:8443/api', OK],
  ['https://9.9.9.9', OK],
  ['https://93.184.215.14/about', OK],
  ['https://100.63.255.255', OK],
  ['https://100.128.0.1', OK],
  ['https://172.15.255.255', OK],
  ['https://172.32.0.1', OK],
  ['https://192.167.255.255', OK],
  ['https://198.17.255.255', OK],
  ['https://198.20.0.1', OK],
  ['https://223.255.255.254', OK],
  // Public IPv6 literals (2001:4860:: and 2001:200:: sit next to Teredo and 2001::/23).
  ['https://[2606:4700:4700::1111]/', OK],
  ['https://[2a00:1450:4001:82b::200e]', OK],
  ['https://[2001:4860:4860::8888]', OK],
  ['https://[2001:200::1]', OK],
  ['https://[2400:cb00::1]:443/x', OK],
  // Names resolving to public addresses only.
  ['https://public.example/', OK],
  ['https://public6.example/', OK],
  ['https://dual.example/api/v1/instance', OK],
  ['https://mastodon.example', OK],
  // IPv4 special-purpose ranges.
  ['https://0.0.0.0', /unspecified/],
  ['https://0.1.2.3', /unspecified/],
  ['https://10.0.0.1', /private/],
  ['https://10.255.255.255', /private/],
  ['https://100.64.0.1', /carrier-grade NAT/],
  ['https://100.127.255.254', /carrier-grade NAT/],
  ['https://127.0.0.1', /loopback/],
  ['https://127.1.2.3:8443', /loopback/],
  ['https://169.254.169.254/latest/meta-data', /link-local/],
  ['https://169.254.0.1', /link-local/],
  ['https://172.16.0.1', /private/],
  ['https://172.31.255.255', /private/],
  ['https://192.0.0.8', /reserved/],
  ['https://192.0.2.1', /reserved/],
  ['https://192.88.99.1', /reserved/],
  ['https://192.168.1.1', /private/],
  ['https://198.18.0.1', /reserved/],
  ['https://198.19.255.254', /reserved/],
  ['https://198.51.100.7', /reserved/],
  ['https://203.0.113.9', /reserved/],
  ['https://224.0.0.1', /multicast/],
  ['https://239.255.255.250', /multicast/],
  ['https://240.0.0.1', /reserved/],
  ['https://255.255.255.255', /broadcast/],
  ['https://192.175.48.1', /AS112/],
  ['https://192.52.193.1', /AMT/],
  // IPv4 in the notations URLs accept (all read as 127.0.0.1 / 10.0.0.1).
  ['https://2130706433/', /127\.0\.0\.1 is loopback/],
  ['https://0x7f.1/', /127\.0\.0\.1 is loopback/],
  ['https://0177.0.0.1/', /127\.0\.0\.1 is loopback/],
  ['https://127.1/', /127\.0\.0\.1 is loopback/],
  ['https://0xa000001/', /10\.0\.0\.1 is private/],
  // IPv6 special-purpose ranges.
  ['https://[::]', /unspecified/],
  ['https://[::1]:8443', /loopback/],
  ['https://[fe80::1]', /link-local/],
  ['https://[febf::1]', /link-local/],
  ['https://[fc00::1]', /unique-local/],
  ['https://[fd12:3456::1]', /unique-local/],
  ['https://[ff02::1]', /multicast/],
  ['https://[ff05::1:3]', /multicast/],
  ['https://[2001:db8::1]', /reserved/],
  ['https://[2001:2::1]', /benchmarking/],
  ['https://[2001:3::1]', /AMT/],
  ['https://[2001:10::1]', /ORCHID/],
  ['https://[2001:20::1]', /ORCHIDv2/],
  ['https://[2620:4f:8000::1]', /AS112/],
  ['https://[100::1]', /discard-only/],
  ['https://[fec0::1]', /site-local/],
  ['https://[5f00::1]', /segment routing/],
  ['https://[4000::1]', /outside the global unicast block/],
  ['https://[::1:0:0:1]', /outside the global unicast block/],
  // IPv4 carried in IPv6: refused whatever it carries, the reason names it.
  ['https://[::ffff:127.0.0.1]', /IPv4-mapped carrying 127\.0\.0\.1 \(loopback\)/],
  ['https://[::ffff:7f00:1]', /IPv4-mapped carrying 127\.0\.0\.1/],
  ['https://[::ffff:10.0.0.1]', /IPv4-mapped carrying 10\.0\.0\.1 \(private\)/],
  ['https://[::ffff:169.254.169.254]', /IPv4-mapped carrying 169\.254\.169\.254 \(link-local\)/],
  ['https://[::ffff:8.8.8.8]', /IPv4-mapped carrying 8\.8\.8\.8 \(a public address\)/],
  ['https://[::ffff:0:127.0.0.1]', /IPv4-translated carrying 127\.0\.0\.1/],
  ['https://[::127.0.0.1]', /IPv4-compatible \(deprecated\) carrying 127\.0\.0\.1 \(loopback\)/],
  ['https://[::10.0.0.1]', /IPv4-compatible \(deprecated\) carrying 10\.0\.0\.1/],
  ['https://[::8.8.8.8]', /IPv4-compatible \(deprecated\) carrying 8\.8\.8\.8/],
  ['https://[64:ff9b::7f00:1]', /NAT64 carrying 127\.0\.0\.1 \(loopback\)/],
  ['https://[64:ff9b::a9fe:a9fe]', /NAT64 carrying 169\.254\.169\.254 \(link-local\)/],
  ['https://[64:ff9b::127.0.0.1]', /NAT64 carrying 127\.0\.0\.1/],
  ['https://[64:ff9b::a00:1]', /NAT64 carrying 10\.0\.0\.1 \(private\)/],
  ['https://[64:ff9b::808:808]', /NAT64 carrying 8\.8\.8\.8 \(a public address\)/],
  ['https://[64:ff9b:1::7f00:1]', /NAT64/],
  ['https://[64:ff9b:1:ffff::1]', /NAT64/],
  ['https://[2002:7f00:1::]', /6to4 carrying 127\.0\.0\.1 \(loopback\)/],
  ['https://[2002:a9fe:a9fe::]', /6to4 carrying 169\.254\.169\.254 \(link-local\)/],
  ['https://[2002:a00:1::1]', /6to4 carrying 10\.0\.0\.1 \(private\)/],
  ['https://[2002:6440:1::1]', /6to4 carrying 100\.64\.0\.1 \(carrier-grade NAT/],
  ['https://[2002:808:808::1]', /6to4 carrying 8\.8\.8\.8 \(a public address\)/],
  ['https://[2001:0:4136:e378:8000:63bf:80ff:fffe]', /Teredo carrying 127\.0\.0\.1 \(loopback\)/],
  ['https://[2001:0:4136:e378:8000:63bf:f5ff:fffe]', /Teredo carrying 10\.0\.0\.1 \(private\)/],
  ['https://[2001::1]', /Teredo/],
  // Names whose resolution gives a refused address (any one of them is enough).
  ['https://rebind.example/', /rebind\.example resolves to 127\.0\.0\.1 is loopback/],
  ['https://mixed.example/', /10\.0\.0\.5 is private/],
  ['https://mixed6.example/', /fd00::5 is unique-local/],
  ['https://metadata.example/', /169\.254\.169\.254 is link-local/],
  ['https://private.example/', /192\.168\.0\.10 is private/],
  ['https://cgnat.example/', /carrier-grade NAT/],
  ['https://bench.example/', /198\.18\.0\.1 is reserved/],
  ['https://nat64.example/', /NAT64 carrying 169\.254\.169\.254/],
  ['https://mapped.example/', /IPv4-mapped carrying 127\.0\.0\.1/],
  ['https://compat.example/', /IPv4-compatible/],
  ['https://sixtofour.example/', /6to4 carrying 127\.0\.0\.1/],
  ['https://teredo.example/', /Teredo carrying 127\.0\.0\.1/],
  ['https://ula.example/', /unique-local/],
  ['https://linklocal6.example/', /link-local/],
  ['https://multicast.example/', /multicast/],
  ['https://zero.example/', /unspecified/],
  ['https://localhost:3000/', /loopback/],
  // Schemes and credentials.
  ['http://1.1.1.1', /must use https/],
  ['http://public.example', /must use https/],
  ['ftp://1.1.1.1', /must use https/],
  ['file:///etc/passwd', /must use https/],
  ['https://user:secret@1.1.1.1/', /must not contain credentials/],
  ['not a url', /is not a valid URL/],
];

describe('outbound guard: URL and address table (resolution injected, nothing connects)', () => {
  it(`has at least 80 rows (${TABLE.length})`, () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(80);
  });

  it.each(TABLE)('%s → %s', async (url, expected) => {
    const { g } = guard();
    if (expected === OK) {
      await expect(g.checkUrl(url)).resolves.toBeInstanceOf(URL);
      return;
    }
    const err = await g.checkUrl(url).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BlockedDestinationError);
    expect((err as BlockedDestinationError).reason).toMatch(expected);
    // The message names the origin only: no path or query (which may carry secrets) is repeated.
    expect((err as BlockedDestinationError).message).not.toMatch(/meta-data|secret|passwd/);
  });

  it('never resolves IP literals, and resolves each name once per check', async () => {
    const { g, asked } = guard();
    await g.checkUrl('https://1.1.1.1/').catch(() => undefined);
    await g.checkUrl('https://[::ffff:127.0.0.1]/').catch(() => undefined);
    await g.checkUrl('https://2130706433/').catch(() => undefined);
    expect(asked).toEqual([]);
    await g.checkUrl('https://rebind.example/').catch(() => undefined);
    expect(asked).toEqual(['rebind.example']);
  });

  it('tells a name that does not resolve from a refused one', async () => {
    const { g } = guard();
    await expect(g.checkUrl('https://nowhere.example/')).rejects.toBeInstanceOf(UnresolvableHostError);
    await expect(g.checkUrl('https://empty.example/')).rejects.toBeInstanceOf(UnresolvableHostError);
  });

  it('normalises a typed server address to its origin', async () => {
    const { g } = guard();
    await expect(g.checkServerUrl('public.example/@someone')).resolves.toBe('https://public.example');
    await expect(g.checkServerUrl('https://dual.example:8443/path?x=1')).resolves.toBe('https://dual.example:8443');
  });

  it('with ALLOW_PRIVATE_INSTANCES: loopback, private and plain http pass; credentials still do not', async () => {
    const { g } = guard(true);
    await expect(g.checkUrl('http://127.0.0.1:4000/')).resolves.toBeInstanceOf(URL);
    await expect(g.checkUrl('https://[::1]/')).resolves.toBeInstanceOf(URL);
    await expect(g.checkUrl('http://rebind.example/')).resolves.toBeInstanceOf(URL);
    await expect(g.checkUrl('https://u:p@127.0.0.1/')).rejects.toThrow(/credentials/);
    await expect(g.checkUrl('ftp://127.0.0.1/')).rejects.toThrow(/must use https/);
  });

  it('a test-only exempt origin lets exactly that origin through', async () => {
    const { g } = guard(false, ['http://127.0.0.1:4000']);
    await expect(g.checkUrl('http://127.0.0.1:4000/x')).resolves.toBeInstanceOf(URL);
    await expect(g.resolveChecked('127.0.0.1', 4000)).resolves.toEqual([{ address: '127.0.0.1', family: 4 }]);
    await expect(g.checkUrl('https://127.0.0.1:4001/')).rejects.toThrow(/loopback/);
    await expect(g.checkUrl('http://127.0.0.1:4001/')).rejects.toThrow(/must use https/);
    await expect(g.checkUrl('https://[::1]:4000/')).rejects.toThrow(/loopback/);
  });
});

describe('address policy', () => {
  it('refuses what is not an IP address', () => {
    expect(blockedAddressReason('example.org')).toMatch(/not an IP address/);
    expect(blockedAddressReason('')).toMatch(/not an IP address/);
  });

  it('ignores a zone id and brackets', () => {
    expect(blockedAddressReason('fe80::1%eth0')).toMatch(/link-local/);
    expect(blockedAddressReason('[2606:4700:4700::1111]')).toBeNull();
  });
});
