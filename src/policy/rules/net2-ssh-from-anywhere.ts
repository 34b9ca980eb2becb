import { PolicyLevel } from '../level';
import { outcome, PolicyRule, ResolvedResource } from '../rule';
import { isIngressFromAnywhere } from './firewall';


function opensPort22(allow: any): boolean {
  if (!['tcp', 'all'].includes(String(allow.protocol))) return false;
  const ports: string[] | undefined = allow.ports;
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    const [from, to] = String(p).split('-').map(Number);
    return from <= 22 && 22 <= (to ?? from);
  });
}

/** MLW-NET2: SSH is never open to the internet (also over IPv6, port ranges and port-less rules). */
export const NET2: PolicyRule = {
  id: 'MLW-NET2',
  level: PolicyLevel.ERROR,
  explanation: 'SSH (port 22) is reachable from 0.0.0.0/0 or ::/0.',
  why: 'SSH from anywhere invites brute force and exploits; workspaces use IAP with OS Login instead.',
  checkovId: 'CKV_GCP_2',
  check: ({ type, config }: ResolvedResource) => {
    const applies = isIngressFromAnywhere(type, config);
    return outcome(applies, !(config.allow ?? []).some(opensPort22));
  },
};
