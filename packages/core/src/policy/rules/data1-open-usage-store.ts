import { LabelKey } from '../../core/labels';
import { PolicyLevel } from '../level';
import { oneOf, outcome, PolicyRule, ResolvedResource } from '../rule';

const PUBLIC_MEMBERS = ['allUsers', 'allAuthenticatedUsers'];

/** Whether a resource carries the library's `ml-workspace = true` label (tag). */
function ours(labels: unknown): boolean {
  return typeof labels === 'object' && labels !== null && (labels as Record<string, unknown>)[LabelKey.ML_WORKSPACE] === 'true';
}

/** MLW-DATA1: the stores of the bill, the start/stop history and the audit logs stay private. */
export const DATA1: PolicyRule = {
  id: 'MLW-DATA1',
  level: PolicyLevel.ERROR,
  explanation:
    'A store of usage or audit data is open: an S3 public access block with a protection off, an Azure storage account of the library allowing public blobs, shared keys or TLS below 1.2, or a BigQuery dataset of the library (or a grant on any dataset) for allUsers or allAuthenticatedUsers.',
  why: 'The bill names every person, workspace and what each costs, and the history when each machine ran; an open store hands that to anyone, and a shared key bypasses the identity that audits each read.',
  checkovId: 'CKV_AWS_53-56, CKV_AZURE_190, CKV_AZURE_44',
  appliesTo: oneOf('aws_s3_bucket_public_access_block', 'azurerm_storage_account', 'google_bigquery_dataset', 'google_bigquery_dataset_iam_member', 'google_bigquery_dataset_iam_binding'),
  check: ({ type, config }: ResolvedResource) => {
    switch (type) {
      case 'aws_s3_bucket_public_access_block':
        return outcome(true, ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'].every((k) => config[k] === true));
      case 'azurerm_storage_account':
        return outcome(ours(config.tags), config.allow_nested_items_to_be_public === false && config.shared_access_key_enabled === false && config.min_tls_version === 'TLS1_2');
      case 'google_bigquery_dataset': {
        const access = [config.access ?? []].flat() as Record<string, unknown>[];
        return outcome(ours(config.labels), !access.some((a) => PUBLIC_MEMBERS.includes(String(a.special_group ?? '')) || PUBLIC_MEMBERS.includes(String(a.iam_member ?? ''))));
      }
      case 'google_bigquery_dataset_iam_member':
        return outcome(true, !PUBLIC_MEMBERS.includes(String(config.member)));
      case 'google_bigquery_dataset_iam_binding':
        return outcome(true, ![config.members ?? []].flat().some((m) => PUBLIC_MEMBERS.includes(String(m))));
      default:
        return outcome(false, true);
    }
  },
};
