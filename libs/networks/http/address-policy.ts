import ipaddr from 'ipaddr.js';
import { isIP } from 'node:net';

/**
 * Why Piquet must not connect to an address, or null when it is an ordinary public unicast one.
 *
 * Every special-purpose range that ipaddr.js knows (`range()` other than `unicast`) is refused:
 * loopback, private, link-local, CGNAT, benchmarking, documentation, multicast, broadcast,
 * unspecified, unique-local, discard… IPv6 forms that carry an IPv4 address (mapped, compatible,
 * NAT64, 6to4, Teredo) are refused as well, whatever they carry: a translator or relay may deliver
 * them to an internal host. The reason names the embedded IPv4 address so a refusal can be read.
 * IPv6 outside 2000::/3 (the only block allocated for global unicast) is refused too, which catches
 * what ipaddr.js calls unicast but no public host uses (the IPv4-compatible ::/96 among them).
 */
export function blockedAddressReason(raw: string): string | null {
  const address = raw.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(address);
  if (family === 4) {
    const range = ipaddr.IPv4.parse(address).range();
    return range === 'unicast' ? null : `${address} is ${describe(range)}`;
  }
  if (family !== 6) return `${raw} is not an IP address`;
  // WHATWG's serialiser first: ipaddr.js reads the IPv4-compatible ::a.b.c.d as IPv4-mapped.
  const v6 = ipaddr.IPv6.parse(new URL(`http://[${address}]/`).hostname.slice(1, -1));
  const compatible = v6.parts.slice(0, 6).every((x) => x === 0) && (v6.parts[6] !== 0 || v6.parts[7]! > 1);
  // ipaddr.js has no name for the IPv4-compatible ::/96 (deprecated): it calls it unicast.
  const range = compatible ? 'ipv4Compatible' : v6.range();
  const embedded = embeddedIPv4(v6, range);
  if (embedded) {
    const inner = ipaddr.IPv4.parse(embedded).range();
    const innerText = inner === 'unicast' ? 'a public address' : describe(inner);
    return `${address} is ${describe(range)} carrying ${embedded} (${innerText})`;
  }
  if (range !== 'unicast') return `${address} is ${describe(range)}`;
  if ((v6.parts[0]! & 0xe000) !== 0x2000) return `${address} is outside the global unicast block 2000::/3`;
  return null;
}

/** The IPv4 address an IPv6 address of a translation or tunnelling range carries. */
function embeddedIPv4(v6: ipaddr.IPv6, range: string): string | null {
  const p = v6.parts;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  if (range === 'ipv4Mapped' || range === 'rfc6145') return v4(p[6]!, p[7]!);
  // 64:ff9b::/96 puts the IPv4 address last; the local-use 64:ff9b:1::/48 may place it elsewhere,
  // so only the well-known prefix names one (both are refused anyway).
  if (range === 'rfc6052') return p[1] === 0xff9b && p[2] === 0 ? v4(p[6]!, p[7]!) : null;
  if (range === '6to4') return v4(p[1]!, p[2]!);
  // Teredo: the client's address is the last 32 bits, inverted.
  if (range === 'teredo') return v4(p[6]! ^ 0xffff, p[7]! ^ 0xffff);
  if (range === 'ipv4Compatible') return v4(p[6]!, p[7]!);
  return null;
}

const NAMES: Record<string, string> = {
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade NAT (100.64.0.0/10)',
  private: 'private',
  reserved: 'reserved (documentation, benchmarking or future use)',
  benchmarking: 'benchmarking',
  as112: 'AS112',
  as112v6: 'AS112',
  amt: 'AMT',
  uniqueLocal: 'unique-local',
  ipv4Mapped: 'IPv4-mapped',
  rfc6145: 'IPv4-translated',
  rfc6052: 'NAT64',
  '6to4': '6to4',
  teredo: 'Teredo',
  discard: 'discard-only',
  deprecatedSiteLocal: 'site-local (deprecated)',
  deprecatedOrchid: 'ORCHID',
  orchid2: 'ORCHIDv2',
  droneRemoteIdProtocolEntityTags: 'DRIP',
  segmentRouting: 'segment routing',
  ipv4Compatible: 'IPv4-compatible (deprecated)',
};

function describe(range: string): string {
  return NAMES[range] ?? `special-purpose (${range})`;
}
