import { PolicyLevel } from '../level';
import { outcome, PolicyRule, ResolvedResource } from '../rule';
import { isIngressFromAnywhere } from './firewall';

const WEB_PORTS = ['80', '443'];

/** MLW-NET1: ingress from the whole internet only to HTTP(S). */
export const NET1: PolicyRule = {
  id: 'MLW-NET1',
  level: PolicyLevel.ERROR,
  explanation: 'Ingress from 0.0.0.0/0 or ::/0 is allowed to something other than ports 80 and 443.',
  why: 'Anything but the web front end reachable from the internet is attack surface; reach it through IAP or a VPN. Stricter than checkov, which checks single ports (CKV_GCP_3 RDP, CKV_GCP_106 HTTP).',
  checkovId: 'CKV_GCP_3',
  check: ({ type, config }: ResolvedResource) => {
    const applies = isIngressFromAnywhere(type, config);
    const allows: any[] = config.allow ?? [];
    // A rule without a port list opens every port of its protocol.
    const ok = allows.every((a) => Array.isArray(a.ports) && a.ports.length > 0 && a.ports.every((p: string) => WEB_PORTS.includes(String(p))));
    return outcome(applies, ok);
  },
};
