import { PolicyLevel } from '../level';
import { oneOf, outcome, PolicyRule, ResolvedResource } from '../rule';

/** MLW-GPU1: GPU instances on GCP terminate on host maintenance. */
export const GPU1: PolicyRule = {
  id: 'MLW-GPU1',
  level: PolicyLevel.ERROR,
  explanation: 'A GPU instance does not set scheduling.on_host_maintenance = "TERMINATE".',
  why: 'GPU VMs cannot live-migrate; GCP rejects them unless they terminate on maintenance.',
  appliesTo: oneOf('google_compute_instance'),
  check: ({ type, config }: ResolvedResource) =>
    outcome(
      type === 'google_compute_instance' && (config.guest_accelerator ?? []).length > 0,
      config.scheduling?.on_host_maintenance === 'TERMINATE',
    ),
};
