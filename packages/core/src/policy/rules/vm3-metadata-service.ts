import { PolicyLevel } from '../level';
import { oneOf, outcome, PolicyRule, ResolvedResource } from '../rule';

/** MLW-VM3: EC2 instances accept only IMDSv2, and containers cannot reach it. */
export const VM3: PolicyRule = {
  id: 'MLW-VM3',
  level: PolicyLevel.ERROR,
  explanation: 'An EC2 instance allows IMDSv1 (metadata_options.http_tokens is not "required") or a response hop limit above 1.',
  why: 'IMDSv1 answers any request, so an SSRF in a notebook server or a container leaks the instance role\'s credentials; IMDSv2 with one hop does not.',
  checkovId: 'CKV_AWS_79',
  appliesTo: oneOf('aws_instance'),
  check: ({ type, config }: ResolvedResource) => {
    const m = config.metadata_options ?? {};
    return outcome(type === 'aws_instance', m.http_tokens === 'required' && (m.http_put_response_hop_limit ?? 1) <= 1);
  },
};
