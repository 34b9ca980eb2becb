import { LabelKey } from '../../core/labels';
import { PolicyLevel } from '../level';
import { outcome, PolicyRule, ResolvedResource } from '../rule';

/** Billable resources and where each keeps its labels or tags. */
const BILLABLE: Record<string, (config: Record<string, any>) => Record<string, unknown> | undefined> = {
  google_compute_instance: (c) => c.labels,
  google_compute_disk: (c) => c.labels,
  google_compute_address: (c) => c.labels,
  google_bigquery_dataset: (c) => c.labels,
  aws_instance: (c) => c.tags,
  aws_ebs_volume: (c) => c.tags,
  aws_eip: (c) => c.tags,
  aws_nat_gateway: (c) => c.tags,
  aws_vpc_endpoint: (c) => c.tags,
  aws_cloudwatch_log_group: (c) => c.tags,
  aws_s3_bucket: (c) => c.tags,
  aws_kms_key: (c) => c.tags,
  aws_kinesis_firehose_delivery_stream: (c) => c.tags,
  aws_athena_workgroup: (c) => c.tags,
  azurerm_linux_virtual_machine: (c) => c.tags,
  azurerm_managed_disk: (c) => c.tags,
  azurerm_public_ip: (c) => c.tags,
  azurerm_bastion_host: (c) => c.tags,
  azurerm_storage_account: (c) => c.tags,
  azurerm_log_analytics_workspace: (c) => c.tags,
};
const REQUIRED: string[] = [LabelKey.ML_WORKSPACE, LabelKey.WORKSPACE, LabelKey.OWNER, LabelKey.COST_CENTER, LabelKey.COST_SCOPE];

/** MLW-LBL1: billable resources carry the cost-allocation labels. */
export const LBL1: PolicyRule = {
  id: 'MLW-LBL1',
  level: PolicyLevel.WARNING,
  explanation: 'A billable resource lacks one of the labels (tags on AWS and Azure) ml-workspace, workspace, owner, cost-center, cost-scope.',
  why: 'Cost reports per user and cost center group billing rows by these labels; an unlabelled resource is unattributed spend.',
  appliesTo: (type) => Object.prototype.hasOwnProperty.call(BILLABLE, type),
  check: ({ type, config }: ResolvedResource) => {
    const labelsOf = BILLABLE[type];
    const labels = labelsOf?.(config) ?? {};
    return outcome(labelsOf !== undefined, REQUIRED.every((k) => typeof labels[k] === 'string' && labels[k] !== ''));
  },
};
