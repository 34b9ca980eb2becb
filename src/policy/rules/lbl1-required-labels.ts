import { PolicyLevel } from '../level';
import { outcome, PolicyRule, ResolvedResource } from '../rule';

const BILLABLE = ['google_compute_instance', 'google_compute_disk', 'google_compute_address'];
const REQUIRED = ['ml-workspace', 'workspace', 'owner', 'cost-center'];

/** MLW-LBL1: billable resources carry the cost-allocation labels. */
export const LBL1: PolicyRule = {
  id: 'MLW-LBL1',
  level: PolicyLevel.WARNING,
  explanation: 'A billable resource lacks one of the labels ml-workspace, workspace, owner, cost-center.',
  why: 'Cost reports per user and cost center group billing rows by these labels; an unlabelled resource is unattributed spend.',
  check: ({ type, config }: ResolvedResource) => {
    const labels = config.labels ?? {};
    return outcome(BILLABLE.includes(type), REQUIRED.every((k) => typeof labels[k] === 'string' && labels[k] !== ''));
  },
};
