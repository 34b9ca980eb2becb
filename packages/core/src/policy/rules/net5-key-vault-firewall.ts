import { coversInternet } from '../../core/cidr';
import { PolicyLevel } from '../level';
import { oneOf, outcome, PolicyRule, ResolvedResource } from '../rule';

/** MLW-NET5: Azure Key Vaults deny networks by default, and admit no internet-wide range. */
export const NET5: PolicyRule = {
  id: 'MLW-NET5',
  level: PolicyLevel.ERROR,
  explanation:
    'An Azure Key Vault is reachable from every network: public access without network_acls.default_action "Deny", or IP rules covering more than an IPv4 /8.',
  why: "A vault open to every network leaves its secrets one stolen token away from anyone on the internet; deny by default and admit the workspace subnet and the deployer's ranges.",
  checkovId: 'CKV_AZURE_109',
  appliesTo: oneOf('azurerm_key_vault'),
  check: ({ type, config }: ResolvedResource) => {
    if (type !== 'azurerm_key_vault') return outcome(false, true);
    if (config.public_network_access_enabled === false) return outcome(true, true);
    const acls = [config.network_acls ?? []].flat()[0] ?? {};
    return outcome(true, String(acls.default_action ?? '').toLowerCase() === 'deny' && !coversInternet(acls.ip_rules ?? []));
  },
};
