import { PolicyLevel } from '../level';
import { oneOf, outcome, PolicyRule, ResolvedResource } from '../rule';

const refersTo = (value: unknown, address: string | undefined) => address !== undefined && String(value).startsWith(`\${${address}.`);

/** MLW-DISK2: every persistent disk is snapshotted or backed up on a schedule. */
export const DISK2: PolicyRule = {
  id: 'MLW-DISK2',
  level: PolicyLevel.ERROR,
  explanation:
    'A persistent disk has no snapshot schedule: on GCP a resource policy, on AWS a Data Lifecycle Manager policy targeting its tags, on Azure a Backup vault disk instance.',
  why: 'prevent_destroy guards against Terraform; snapshots guard against deleted files, corruption and zonal loss.',
  appliesTo: oneOf('google_compute_disk', 'aws_ebs_volume', 'azurerm_managed_disk'),
  check: ({ type, config, address, resourcesOfType }: ResolvedResource) => {
    const of = (t: string) => resourcesOfType?.(t) ?? [];
    switch (type) {
      case 'google_compute_disk': {
        const attached = of('google_compute_disk_resource_policy_attachment').some((a) => a.disk === config.name || refersTo(a.disk, address));
        return outcome(true, attached || (config.resource_policies ?? []).length > 0);
      }
      case 'aws_ebs_volume': {
        const tags: Record<string, string> = config.tags ?? {};
        const covered = of('aws_dlm_lifecycle_policy').some((p) => {
          const details = Array.isArray(p.policy_details) ? p.policy_details[0] : p.policy_details;
          const target: Record<string, string> = details?.target_tags ?? {};
          return (
            p.state !== 'DISABLED' &&
            (details?.resource_types ?? []).includes('VOLUME') &&
            Object.keys(target).length > 0 &&
            Object.entries(target).every(([k, v]) => tags[k] === v)
          );
        });
        return outcome(true, covered);
      }
      case 'azurerm_managed_disk':
        return outcome(true, of('azurerm_data_protection_backup_instance_disk').some((b) => refersTo(b.disk_id, address)));
      default:
        return outcome(false, true);
    }
  },
};
