import { PolicyLevel } from '../level';
import { oneOf, outcome, PolicyRule, ResolvedResource } from '../rule';

/** The customer key a disk or VM boot disk is encrypted with, per cloud. */
function keyOf(type: string, config: Record<string, any>): [applies: boolean, key: unknown] {
  switch (type) {
    case 'google_compute_disk':
      return [true, config.disk_encryption_key?.kms_key_self_link];
    case 'google_compute_instance':
      return [true, config.boot_disk?.kms_key_self_link];
    case 'aws_ebs_volume':
      return [true, config.kms_key_id];
    case 'aws_instance':
      return [true, config.root_block_device?.kms_key_id];
    default:
      return [false, undefined];
  }
}

/** MLW-ENC1: disks use the customer key the construct was given. */
export const ENC1: PolicyRule = {
  id: 'MLW-ENC1',
  level: PolicyLevel.ERROR,
  explanation: 'A disk is not encrypted with the customer-managed key (Cloud KMS, AWS KMS) the workspace was given.',
  why: 'Customer-managed keys let the organisation revoke access to data and prove who could read it.',
  checkovId: 'CKV_GCP_37, CKV_GCP_38, CKV_AWS_189',
  appliesTo: oneOf('google_compute_disk', 'google_compute_instance', 'aws_ebs_volume', 'aws_instance'),
  check: ({ type, config, intent }: ResolvedResource) => {
    const wanted = intent?.kmsKeyName;
    const [applies, used] = keyOf(type, config);
    return outcome(applies && wanted !== undefined, used === wanted);
  },
};
