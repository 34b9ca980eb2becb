import { Instance } from '@cdktf/provider-aws/lib/instance';

/** The resources a `GpuWorkspace` creates on AWS, for escape-hatch access. */
export interface AwsWorkspaceResources {
  /** The EC2 instance. */
  readonly instance: Instance;
}
