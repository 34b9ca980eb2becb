import { PolicyLevel } from '../level';
import { oneOf, outcome, PolicyRule, ResolvedResource } from '../rule';

const DISKS = ['google_compute_disk', 'aws_ebs_volume', 'azurerm_managed_disk'];

/** MLW-DISK1: home and data disks cannot be destroyed by a plan. */
export const DISK1: PolicyRule = {
  id: 'MLW-DISK1',
  level: PolicyLevel.ERROR,
  explanation: 'A persistent disk has no lifecycle.prevent_destroy (on Azure: nor a CanNotDelete lock).',
  why: "A home disk holds people's work; a rename or a mistaken destroy must not delete it.",
  appliesTo: oneOf(...DISKS),
  check: ({ type, config, address, resourcesOfType }: ResolvedResource) => {
    const locked =
      type === 'azurerm_managed_disk' &&
      address !== undefined &&
      (resourcesOfType?.('azurerm_management_lock') ?? []).some(
        (l) => l.lock_level === 'CanNotDelete' && String(l.scope).startsWith(`\${${address}.`),
      );
    return outcome(DISKS.includes(type), config.lifecycle?.prevent_destroy === true || locked);
  },
};
