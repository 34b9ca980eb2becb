import { PolicyLevel } from '../level';
import { outcome, PolicyRule, ResolvedResource } from '../rule';

const truthy = (v: unknown) => ['true', '1'].includes(String(v).toLowerCase());

/** MLW-VM2: OS Login on, project-wide SSH keys blocked, serial port off. */
export const VM2: PolicyRule = {
  id: 'MLW-VM2',
  level: PolicyLevel.ERROR,
  explanation: 'The instance does not enforce OS Login, block project-wide SSH keys and disable the serial port.',
  why: 'Project-wide keys and the serial console bypass per-user IAM; OS Login ties SSH to identities that can be revoked.',
  checkovId: 'CKV_GCP_32, CKV_GCP_34, CKV_GCP_35',
  check: ({ type, config }: ResolvedResource) => {
    const m = config.metadata ?? {};
    return outcome(
      type === 'google_compute_instance',
      truthy(m['enable-oslogin']) && truthy(m['block-project-ssh-keys']) && !truthy(m['serial-port-enable'] ?? 'false'),
    );
  },
};
