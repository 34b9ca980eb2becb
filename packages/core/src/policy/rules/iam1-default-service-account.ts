import { PolicyLevel } from '../level';
import { oneOf, outcome, PolicyRule, ResolvedResource } from '../rule';

/** MLW-IAM1: never the default compute service account. */
export const IAM1: PolicyRule = {
  id: 'MLW-IAM1',
  level: PolicyLevel.ERROR,
  explanation: 'The instance runs as the default compute service account (or none is set, which means the default).',
  why: 'The default compute account usually holds Editor on the project; a workspace gets a dedicated account with only what it needs.',
  checkovId: 'CKV_GCP_30, CKV_GCP_31',
  appliesTo: oneOf('google_compute_instance'),
  check: ({ type, config }: ResolvedResource) => {
    const email: string = config.service_account?.email ?? '';
    return outcome(type === 'google_compute_instance', email !== '' && !/-compute@developer\.gserviceaccount\.com$/.test(email));
  },
};
