import * as ipaddr from 'ipaddr.js';
import { Fn, Op, Token } from 'cdktf';

/**
 * The `index`-th subnet with prefix length `prefix` inside an IPv4 range, e.g. the second /24
 * of `10.42.0.0/16` is `10.42.1.0/24`. A range known only at apply time gives the same layout
 * as a Terraform `cidrsubnet(...)` expression.
 *
 * @internal
 */
export function ipv4Subnet(range: string, prefix: number, index: number): string {
  if (Token.isUnresolved(range)) {
    const rangePrefix = Fn.tonumber(Fn.element(Fn.split('/', range), 1));
    return Fn.cidrsubnet(range, Op.sub(prefix, rangePrefix), index);
  }
  const [addr] = ipaddr.IPv4.parseCIDR(range);
  const base = addr.toByteArray().reduce((n, octet) => n * 256 + octet, 0);
  const start = base + index * 2 ** (32 - prefix);
  return `${[24, 16, 8, 0].map((shift) => Math.floor(start / 2 ** shift) % 256).join('.')}/${prefix}`;
}
