import * as ipaddr from 'ipaddr.js';

/** A decimal IPv4 range without leading zeros: what every cloud API and tool reads the same way. */
const PLAIN_IPV4_CIDR = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\/(3[0-2]|[12]?\d)$/;

/** The result of reading a CIDR range: its canonical form, or what is wrong with it. @internal */
export interface ParsedCidr {
  /** The canonical form (`2001:db8::/32`), when the range is acceptable. */
  readonly canonical?: string;
  /** What is wrong and how to write it, when it is not. */
  readonly problem?: string;
}

/**
 * Reads a CIDR range into its canonical form. IPv4 must be written plainly (decimal octets
 * without leading zeros: `010.0.0.0/8` is 10/8 to some tools and 8/8 to others, so it is
 * refused, not guessed); IPv6 is canonicalised (`2001:DB8:0::/32` becomes `2001:db8::/32`).
 * Host bits must be zero.
 *
 * @internal
 */
export function parseCidr(cidr: string): ParsedCidr {
  const example = "write it like '203.0.113.0/24' or '2001:db8::/48'";
  if (typeof cidr !== 'string' || !/^[0-9A-Fa-f:.]+\/\d+$/.test(cidr)) {
    return { problem: `is not a CIDR range; ${example}` };
  }
  const isV6 = cidr.includes(':');
  if (!isV6 && !PLAIN_IPV4_CIDR.test(cidr)) {
    return {
      problem: /(^|\.)0\d|\/0\d|0x/i.test(cidr)
        ? "has leading zeros, which some tools read as octal and others as decimal; write the range without them, e.g. '10.0.0.0/8'"
        : `is not a CIDR range; ${example}`,
    };
  }
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  let bits: number;
  try {
    [addr, bits] = ipaddr.parseCIDR(cidr);
  } catch {
    return { problem: `is not a CIDR range; ${example}` };
  }
  if (isV6 && (addr.kind() !== 'ipv6' || !/\/(12[0-8]|1[01]\d|[1-9]?\d)$/.test(cidr))) {
    return { problem: `is not a CIDR range; ${example}` };
  }
  const network = isV6 ? ipaddr.IPv6.networkAddressFromCIDR(cidr).toString() : ipaddr.IPv4.networkAddressFromCIDR(cidr).toString();
  if (network !== addr.toString()) {
    return { problem: `has host bits set; use '${network}/${bits}'` };
  }
  return { canonical: `${network}/${bits}` };
}

/** The share (0–1) of the IPv4 or IPv6 address space that canonical ranges cover together. @internal */
export function addressSpaceShare(canonicalCidrs: string[], kind: 'ipv4' | 'ipv6'): number {
  const width = kind === 'ipv4' ? 32 : 128;
  const intervals = canonicalCidrs
    .map((c) => ipaddr.parseCIDR(c))
    .filter(([addr]) => addr.kind() === kind)
    .map(([addr, bits]) => {
      const start = addr.toByteArray().reduce((acc, byte) => (acc << 8n) + BigInt(byte), 0n);
      return [start, start + (1n << BigInt(width - bits)) - 1n] as const;
    })
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let covered = 0n;
  let end = -1n;
  for (const [s, e] of intervals) {
    if (e <= end) continue;
    covered += e - (s > end ? s : end + 1n) + 1n;
    end = e;
  }
  return Number((covered * 1_000_000n) / (1n << BigInt(width))) / 1_000_000;
}

/**
 * The widest exposure accepted without an explicit opt-in: together, as much address space as
 * one IPv4 /8 (16.7 M addresses) or one IPv6 /32. Any office, VPN or cloud egress range fits; the
 * internet, or half of it, does not.
 *
 * @internal
 */
export const BROAD_SHARE: Record<'ipv4' | 'ipv6', number> = { ipv4: 1 / 256, ipv6: 1 / 2 ** 32 };

/**
 * Whether source ranges, as a firewall holds them, reach "the internet": together more than
 * {@link BROAD_SHARE} of the IPv4 or IPv6 space. Read leniently, the way a cloud might read them
 * (`0.0.0.0/00` is /0); a value that is not a range at all counts for nothing here.
 *
 * @internal
 */
export function coversInternet(ranges: unknown[]): boolean {
  const parsed: string[] = [];
  for (const r of ranges) {
    if (typeof r !== 'string') continue;
    try {
      const [addr, bits] = ipaddr.parseCIDR(r.trim());
      parsed.push(`${addr.toString()}/${bits}`);
    } catch {
      try {
        // A single address is a /32 (/128).
        const addr = ipaddr.parse(r.trim());
        parsed.push(`${addr.toString()}/${addr.kind() === 'ipv4' ? 32 : 128}`);
      } catch {
        // not an address
      }
    }
  }
  const networks = parsed.map((c) => {
    const [addr, bits] = ipaddr.parseCIDR(c);
    const network = addr.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(c) : ipaddr.IPv6.networkAddressFromCIDR(c);
    return `${network.toString()}/${bits}`;
  });
  return (['ipv4', 'ipv6'] as const).some((kind) => addressSpaceShare(networks, kind) > BROAD_SHARE[kind]);
}

/**
 * Checks a CIDR range: parses as IPv4 or IPv6 and has no host bits set.
 * Returns a problem description, or undefined when the range is fine.
 *
 * @internal
 */
export function cidrProblem(cidr: string): string | undefined {
  const parsed = parseCidr(cidr);
  if (parsed.problem) return parsed.problem;
  if (parsed.canonical !== cidr && !cidr.includes(':')) return `is not written canonically; use '${parsed.canonical}'`;
  return undefined;
}

/**
 * The prefix length of an IPv4 range written in four decimal parts (`10.42.0.0/16` gives 16),
 * or undefined for anything else (IPv6, a bare address, a malformed range).
 *
 * @internal
 */
export function ipv4Prefix(cidr: string): number | undefined {
  return typeof cidr === 'string' && ipaddr.IPv4.isValidCIDRFourPartDecimal(cidr) ? ipaddr.IPv4.parseCIDR(cidr)[1] : undefined;
}
