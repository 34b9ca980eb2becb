import { DataAwsIamPolicyDocument, DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { Construct } from 'constructs';

/** @internal */
export function policyDocument(scope: Construct, id: string, statement: DataAwsIamPolicyDocumentStatement[]): string {
  return new DataAwsIamPolicyDocument(scope, id, { statement }).json;
}

/**
 * A trust policy for an AWS service. With `account`, the service may assume the role only on
 * behalf of that account (the confused-deputy guard AWS recommends for service roles).
 */
/** @internal */
export function assumeRole(scope: Construct, id: string, service: string, account?: string): string {
  return policyDocument(scope, id, [
    {
      effect: 'Allow',
      actions: ['sts:AssumeRole'],
      principals: [{ type: 'Service', identifiers: [service] }],
      ...(account ? { condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [account] }] } : {}),
    },
  ]);
}
