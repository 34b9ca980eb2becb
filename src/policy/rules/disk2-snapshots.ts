import { PolicyLevel } from '../level';
import { outcome, PolicyRule, ResolvedResource } from '../rule';

/** MLW-DISK2: every persistent disk has a snapshot schedule. */
export const DISK2: PolicyRule = {
  id: 'MLW-DISK2',
  level: PolicyLevel.ERROR,
  explanation: 'A persistent disk has no snapshot schedule (resource_policies or a policy attachment).',
  why: 'prevent_destroy guards against Terraform; snapshots guard against deleted files, corruption and zonal loss.',
  check: ({ type, config, address, resourcesOfType }: ResolvedResource) => {
    const attached = (resourcesOfType?.('google_compute_disk_resource_policy_attachment') ?? []).some(
      (a) => a.disk === config.name || (address !== undefined && String(a.disk).startsWith(`\${${address}.`)),
    );
    return outcome(type === 'google_compute_disk', attached || (config.resource_policies ?? []).length > 0);
  },
};
