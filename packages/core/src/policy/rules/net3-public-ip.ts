import { PolicyLevel } from '../level';
import { oneOf, outcome, PolicyRule, ResolvedResource } from '../rule';

/** Whether a resource gives a VM a public address, and whether the rule looks at it at all. */
function publicAddress(type: string, config: Record<string, any>): [applies: boolean, isPublic: boolean] {
  switch (type) {
    // An external IPv4 address, or an external IPv6 one.
    case 'google_compute_instance':
      return [
        true,
        (config.network_interface ?? []).some((n: any) => (n.access_config ?? []).length > 0 || (n.ipv6_access_config ?? []).length > 0),
      ];
    case 'aws_instance':
      return [true, config.associate_public_ip_address === true];
    // A subnet that gives every instance launched in it a public address.
    case 'aws_subnet':
      return [true, config.map_public_ip_on_launch === true];
    // An Elastic IP attached to an instance, directly, through an association, or through its
    // network interface.
    case 'aws_eip_association':
      return [true, config.instance_id !== undefined || config.network_interface_id !== undefined];
    case 'aws_eip':
      return [true, config.instance !== undefined || config.network_interface !== undefined];
    case 'azurerm_network_interface':
      return [true, (config.ip_configuration ?? []).some((c: any) => c.public_ip_address_id !== undefined)];
    default:
      return [false, false];
  }
}

/** MLW-NET3: a VM has a public IP only when public access was asked for. */
export const NET3: PolicyRule = {
  id: 'MLW-NET3',
  level: PolicyLevel.ERROR,
  explanation: 'The instance has a public IP (IPv4 or IPv6, its own, its subnet\'s, or an Elastic IP on its interface) although public access was not asked for.',
  why: 'A public address is reachable from everywhere the firewall allows; private workspaces go through IAP, Session Manager or Bastion, and NAT.',
  checkovId: 'CKV_GCP_40, CKV_AWS_88',
  appliesTo: oneOf('google_compute_instance', 'aws_instance', 'aws_subnet', 'aws_eip_association', 'aws_eip', 'azurerm_network_interface'),
  check: ({ type, config, intent }: ResolvedResource) => {
    const [applies, isPublic] = publicAddress(type, config);
    return outcome(applies, !isPublic || intent?.publicAccess === true);
  },
};
