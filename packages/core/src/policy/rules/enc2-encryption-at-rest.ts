import { PolicyLevel } from '../level';
import { oneOf, outcome, PolicyRule, ResolvedResource } from '../rule';

/** MLW-ENC2: AWS volumes are encrypted; Azure VMs encrypt at the host (temp disk and caches too). */
export const ENC2: PolicyRule = {
  id: 'MLW-ENC2',
  level: PolicyLevel.ERROR,
  explanation: 'An EBS volume or an instance root volume is not encrypted, or an Azure VM does not encrypt at host.',
  why: 'Unencrypted EBS volumes and snapshots can be read by anyone who can share or copy them; on Azure only encryption at host covers the temporary disk and the disk caches.',
  checkovId: 'CKV_AWS_3, CKV_AWS_8',
  appliesTo: oneOf('aws_ebs_volume', 'aws_instance', 'azurerm_linux_virtual_machine'),
  check: ({ type, config }: ResolvedResource) => {
    switch (type) {
      case 'aws_ebs_volume':
        return outcome(true, config.encrypted === true);
      case 'aws_instance':
        return outcome(true, config.root_block_device?.encrypted === true);
      case 'azurerm_linux_virtual_machine':
        return outcome(true, config.encryption_at_host_enabled === true);
      default:
        return outcome(false, true);
    }
  },
};
