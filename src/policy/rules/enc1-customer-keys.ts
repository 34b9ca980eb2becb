import { PolicyLevel } from '../level';
import { outcome, PolicyRule, ResolvedResource } from '../rule';

/** MLW-ENC1: disks use the customer key the construct was given. */
export const ENC1: PolicyRule = {
  id: 'MLW-ENC1',
  level: PolicyLevel.ERROR,
  explanation: 'A disk is not encrypted with the Cloud KMS key the workspace was given.',
  why: 'Customer-managed keys let the organisation revoke access to data and prove who could read it.',
  checkovId: 'CKV_GCP_37, CKV_GCP_38',
  check: ({ type, config, intent }: ResolvedResource) => {
    const key = intent?.kmsKeyName;
    const used =
      type === 'google_compute_disk' ? config.disk_encryption_key?.kms_key_self_link : config.boot_disk?.kms_key_self_link;
    return outcome(['google_compute_disk', 'google_compute_instance'].includes(type) && key !== undefined, used === key);
  },
};
