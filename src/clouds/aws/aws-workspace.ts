import { Construct } from 'constructs';
import { AwsTargetOptions } from '../../core/cloud-target';
import { WorkspaceSpec } from '../../workspace/workspace-spec';
import { BuiltWorkspace } from '../common/built';
import { AwsWorkspaceResources } from './resources';

/** Builds a workspace on AWS. @internal */
export function buildAwsWorkspace(scope: Construct, _spec: WorkspaceSpec, _target: AwsTargetOptions): BuiltWorkspace<AwsWorkspaceResources> {
  throw new Error(`GpuWorkspace '${scope.node.id}': AWS is not built yet`);
}

/** Lets a principal use a workspace. @internal */
export function grantAwsAccess(_scope: Construct, _resources: AwsWorkspaceResources, _member: string): void {}
