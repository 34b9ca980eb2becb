import { PolicyLevel } from '../level';
import { outcome, PolicyRule, ResolvedResource } from '../rule';

/** MLW-NET3: a VM has a public IP only when public access was asked for. */
export const NET3: PolicyRule = {
  id: 'MLW-NET3',
  level: PolicyLevel.ERROR,
  explanation: 'The instance has a public IP although public access was not asked for.',
  why: 'A public address is reachable from everywhere the firewall allows; private workspaces go through IAP and NAT.',
  checkovId: 'CKV_GCP_40',
  check: ({ type, config, intent }: ResolvedResource) => {
    const publicIp = (config.network_interface ?? []).some((n: any) => (n.access_config ?? []).length > 0);
    return outcome(type === 'google_compute_instance', !publicIp || intent?.publicAccess === true);
  },
};
