import { PolicyLevel } from '../level';
import { outcome, PolicyRule, ResolvedResource } from '../rule';
import { FIREWALL_TYPES, internetOpenings } from './firewall';

const WEB_PORTS = ['80', '443'];

/** MLW-NET1: ingress from the whole internet only to HTTP(S). */
export const NET1: PolicyRule = {
  id: 'MLW-NET1',
  level: PolicyLevel.ERROR,
  explanation: 'Ingress from the internet (ranges covering more than an IPv4 /8 or IPv6 /32, a GCP rule with no source, Azure Internet, AzureCloud or *) is allowed to something other than ports 80 and 443.',
  why: 'Anything but the web front end reachable from the internet is attack surface; reach it through IAP, Session Manager, Bastion or a VPN. Stricter than checkov, which checks single ports (e.g. CKV_GCP_3, CKV_AWS_25, CKV_AZURE_9 for RDP).',
  checkovId: 'CKV_GCP_3, CKV_AWS_25, CKV_AZURE_9',
  appliesTo: (type) => FIREWALL_TYPES.has(type),
  check: ({ type, config }: ResolvedResource) => {
    const openings = internetOpenings(type, config);
    // An opening without a port list admits every port of its protocol.
    const ok = openings.every((o) => o.ports !== undefined && o.ports.every((p) => WEB_PORTS.includes(p)));
    return outcome(openings.length > 0, ok);
  },
};
