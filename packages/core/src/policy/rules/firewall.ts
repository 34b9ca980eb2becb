import { coversInternet } from '../../core/cidr';

/**
 * Azure service tags (and wildcards) that stand for the internet: `AzureCloud` is every Azure
 * customer's address, so it counts too.
 */
const AZURE_INTERNET_TAGS = /^(\*|any|internet|azurecloud(\.[a-z0-9]+)?)$/i;

/**
 * Whether sources reach the internet: ranges that together cover more than an IPv4 /8 or IPv6
 * /32 (so `0.0.0.0/1` + `128.0.0.0/1` counts as much as `0.0.0.0/0`).
 *
 * @internal
 */
export function fromInternet(sources: unknown): boolean {
  return coversInternet((Array.isArray(sources) ? sources : [sources]).filter((s) => s !== undefined && s !== null));
}

/**
 * One opening from the internet: a protocol and the ports it admits, as `'443'` or
 * `'1000-2000'`; `ports` undefined means every port of the protocol.
 *
 * @internal
 */
export interface InternetOpening {
  /** Lowercase; `all` for every protocol. */
  readonly protocol: string;
  readonly ports?: string[];
}

function range(from: unknown, to: unknown): string[] | undefined {
  const f = Number(from ?? 0);
  const t = Number(to ?? f);
  if ((f <= 0 && t >= 65535) || f < 0 || t < 0) return undefined;
  return [f === t ? String(f) : `${f}-${t}`];
}

function awsProtocol(protocol: unknown): string {
  const p = String(protocol ?? '').toLowerCase();
  return p === '-1' || p === 'all' ? 'all' : p === '6' ? 'tcp' : p === '17' ? 'udp' : p;
}

function awsOpening(rule: any): InternetOpening {
  const protocol = awsProtocol(rule.ip_protocol ?? rule.protocol);
  return { protocol, ports: protocol === 'all' ? undefined : range(rule.from_port, rule.to_port) };
}

function azureOpening(rule: any): InternetOpening | undefined {
  if (String(rule.direction ?? '').toLowerCase() !== 'inbound' || String(rule.access ?? '').toLowerCase() !== 'allow') return undefined;
  const sources: string[] = [rule.source_address_prefix, ...(rule.source_address_prefixes ?? [])].filter((s) => s !== undefined);
  if (!sources.some((s) => AZURE_INTERNET_TAGS.test(String(s))) && !fromInternet(sources)) return undefined;
  const ports: string[] = [rule.destination_port_range, ...(rule.destination_port_ranges ?? [])].filter((p) => p !== undefined).map(String);
  const protocol = String(rule.protocol ?? '*').toLowerCase();
  return { protocol: protocol === '*' ? 'all' : protocol, ports: ports.length === 0 || ports.includes('*') ? undefined : ports };
}

/**
 * What a firewall-like resource admits from the whole internet (IPv4 or IPv6): GCP firewall
 * rules, AWS security groups and their rules, Azure network security groups and their rules.
 * Empty when it admits nothing from the internet.
 *
 * @internal
 */
/** The resource types {@link internetOpenings} reads. @internal */
export const FIREWALL_TYPES: ReadonlySet<string> = new Set([
  'google_compute_firewall',
  'aws_vpc_security_group_ingress_rule',
  'aws_security_group_rule',
  'aws_security_group',
  'azurerm_network_security_rule',
  'azurerm_network_security_group',
]);

export function internetOpenings(type: string, config: Record<string, any>): InternetOpening[] {
  const fromAnywhere = fromInternet;
  switch (type) {
    case 'google_compute_firewall': {
      if ((config.direction ?? 'INGRESS') !== 'INGRESS') return [];
      // An ingress rule that names no source at all admits 0.0.0.0/0.
      const noSource = [config.source_ranges, config.source_tags, config.source_service_accounts].every(
        (s) => s === undefined || (Array.isArray(s) && s.length === 0),
      );
      if (!noSource && !fromAnywhere(config.source_ranges ?? [])) return [];
      return (config.allow ?? []).map((a: any) => ({
        protocol: String(a.protocol).toLowerCase(),
        ports: Array.isArray(a.ports) && a.ports.length > 0 ? a.ports.map(String) : undefined,
      }));
    }
    case 'aws_vpc_security_group_ingress_rule':
      return fromAnywhere([config.cidr_ipv4, config.cidr_ipv6]) ? [awsOpening(config)] : [];
    case 'aws_security_group_rule':
      return config.type === 'ingress' && fromAnywhere([...(config.cidr_blocks ?? []), ...(config.ipv6_cidr_blocks ?? [])])
        ? [awsOpening(config)]
        : [];
    case 'aws_security_group':
      return (config.ingress ?? [])
        .filter((i: any) => fromAnywhere([...(i.cidr_blocks ?? []), ...(i.ipv6_cidr_blocks ?? [])]))
        .map(awsOpening);
    case 'azurerm_network_security_rule':
      return [azureOpening(config)].filter((o): o is InternetOpening => o !== undefined);
    case 'azurerm_network_security_group':
      return (config.security_rule ?? []).map(azureOpening).filter((o: InternetOpening | undefined): o is InternetOpening => o !== undefined);
    default:
      return [];
  }
}
