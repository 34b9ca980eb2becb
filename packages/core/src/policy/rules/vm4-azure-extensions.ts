import { PolicyLevel } from '../level';
import { oneOf, outcome, PolicyRule, ResolvedResource } from '../rule';

/** MLW-VM4: Azure VMs run no extensions. */
export const VM4: PolicyRule = {
  id: 'MLW-VM4',
  level: PolicyLevel.ERROR,
  explanation: 'An Azure Linux VM (or scale set) allows extension operations (allow_extension_operations is not false).',
  why: "Extensions run as root through the VM agent, on the say of anyone who may write the VM's configuration; NixOS configures the machine, so none is needed.",
  checkovId: 'CKV_AZURE_50',
  appliesTo: oneOf('azurerm_linux_virtual_machine', 'azurerm_linux_virtual_machine_scale_set'),
  check: ({ type, config }: ResolvedResource) =>
    outcome(
      type === 'azurerm_linux_virtual_machine' || type === 'azurerm_linux_virtual_machine_scale_set',
      config.allow_extension_operations === false || config.extension_operations_enabled === false,
    ),
};
