import { PolicyLevel } from '../level';
import { oneOf, outcome, PolicyRule, ResolvedResource } from '../rule';

const truthy = (v: unknown) => ['true', '1'].includes(String(v).toLowerCase());

/** MLW-VM2: logins go through the cloud's identities, never shared keys or passwords. */
export const VM2: PolicyRule = {
  id: 'MLW-VM2',
  level: PolicyLevel.ERROR,
  explanation:
    'The instance admits logins outside the cloud identity: on GCP without OS Login, with project-wide SSH keys or the serial port; on AWS with an EC2 key pair; on Azure with password authentication.',
  why: 'Shared keys, passwords and the serial console bypass per-user IAM; OS Login, Session Manager and Bastion tie access to identities that can be revoked.',
  checkovId: 'CKV_GCP_32, CKV_GCP_34, CKV_GCP_35, CKV_AZURE_149',
  appliesTo: oneOf('google_compute_instance', 'aws_instance', 'azurerm_linux_virtual_machine'),
  check: ({ type, config }: ResolvedResource) => {
    switch (type) {
      case 'google_compute_instance': {
        const m = config.metadata ?? {};
        return outcome(true, truthy(m['enable-oslogin']) && truthy(m['block-project-ssh-keys']) && !truthy(m['serial-port-enable'] ?? 'false'));
      }
      case 'aws_instance':
        return outcome(true, config.key_name === undefined || config.key_name === '');
      case 'azurerm_linux_virtual_machine':
        return outcome(true, config.disable_password_authentication !== false && config.admin_password === undefined);
      default:
        return outcome(false, true);
    }
  },
};
