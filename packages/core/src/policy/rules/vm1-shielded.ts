import { PolicyLevel } from '../level';
import { oneOf, outcome, PolicyRule, ResolvedResource } from '../rule';

/** MLW-VM1: Shielded VM with vTPM and integrity monitoring. */
export const VM1: PolicyRule = {
  id: 'MLW-VM1',
  level: PolicyLevel.ERROR,
  explanation: 'The instance is not a Shielded VM with vTPM and integrity monitoring.',
  why: 'Integrity monitoring detects boot-level tampering; the vTPM protects keys and measured boot.',
  checkovId: 'CKV_GCP_39',
  appliesTo: oneOf('google_compute_instance'),
  check: ({ type, config }: ResolvedResource) => {
    const shielded = config.shielded_instance_config ?? {};
    return outcome(
      type === 'google_compute_instance',
      shielded.enable_vtpm !== false && shielded.enable_integrity_monitoring !== false && config.shielded_instance_config !== undefined,
    );
  },
};
