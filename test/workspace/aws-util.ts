import { TerraformStack, Testing } from 'cdktf';
import { GpuWorkspace, GpuWorkspaceProps } from 'cdktf-ml-workspace';
import { parseJsonencode } from '../hcl';
import { Synthesized, synthStack } from '../util';
import { AwsTarget, AwsTargetOptions } from 'cdktf-ml-workspace-aws';

export const AWS: AwsTargetOptions = { region: 'eu-west-1' };

/** An AWS workspace named `alice` with the given props over a minimal valid set. */
export function awsWorkspace(props: Partial<GpuWorkspaceProps> = {}, target: Partial<AwsTargetOptions> = {}): Synthesized {
  return synthStack(
    (stack) =>
      new GpuWorkspace(stack, 'alice', {
        target: AwsTarget.of({ ...AWS, ...target }),
        owner: 'alice@example.com',
        ...props,
      }),
  );
}

/** Builds an AWS workspace (without synthesizing) and returns the error message. */
export function awsBuildError(props: Partial<GpuWorkspaceProps> = {}, target: Partial<AwsTargetOptions> = {}): string {
  const stack = new TerraformStack(Testing.app(), 'test');
  try {
    new GpuWorkspace(stack, 'alice', { target: AwsTarget.of({ ...AWS, ...target }), owner: 'alice@example.com', ...props });
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the construct to throw');
}

/** The machine document in an instance's user data. */
export function awsMachineDoc(instance: any): any {
  const userData: string = instance.user_data;
  return userData.startsWith('${jsonencode(') ? parseJsonencode(userData) : JSON.parse(userData);
}

/** The IAM policy document data source a `${data.aws_iam_policy_document.<name>.json}` reference names. */
export function policyDoc(s: Synthesized, reference: string): any {
  const name = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(reference)?.[1];
  if (!name) throw new Error(`not a policy document reference: ${reference}`);
  return s.json.data.aws_iam_policy_document[name];
}
