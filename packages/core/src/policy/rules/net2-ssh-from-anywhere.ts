import { PolicyLevel } from '../level';
import { outcome, PolicyRule, ResolvedResource } from '../rule';
import { FIREWALL_TYPES, InternetOpening, internetOpenings } from './firewall';

function opensPort22(opening: InternetOpening): boolean {
  if (!['tcp', 'all'].includes(opening.protocol)) return false;
  if (opening.ports === undefined) return true;
  return opening.ports.some((p) => {
    const [from, to] = p.split('-').map(Number);
    return from <= 22 && 22 <= (to ?? from);
  });
}

/** MLW-NET2: SSH is never open to the internet (also over IPv6, port ranges and port-less rules). */
export const NET2: PolicyRule = {
  id: 'MLW-NET2',
  level: PolicyLevel.ERROR,
  explanation: 'SSH (port 22) is reachable from the internet (ranges covering more than an IPv4 /8 or IPv6 /32, a GCP rule with no source, Azure Internet, AzureCloud or *).',
  why: 'SSH from anywhere invites brute force and exploits; workspaces use IAP with OS Login (GCP), Session Manager (AWS) or Bastion (Azure) instead.',
  checkovId: 'CKV_GCP_2, CKV_AWS_24, CKV_AZURE_10',
  appliesTo: (type) => FIREWALL_TYPES.has(type),
  check: ({ type, config }: ResolvedResource) => {
    const openings = internetOpenings(type, config);
    return outcome(openings.length > 0, !openings.some(opensPort22));
  },
};
