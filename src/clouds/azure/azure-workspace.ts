import { Construct } from 'constructs';
import { AzureTargetOptions } from '../../core/cloud-target';
import { WorkspaceSpec } from '../../workspace/workspace-spec';
import { BuiltWorkspace } from '../common/built';
import { AzureWorkspaceResources } from './resources';

/** Builds a workspace on Azure. @internal */
export function buildAzureWorkspace(scope: Construct, _spec: WorkspaceSpec, _target: AzureTargetOptions): BuiltWorkspace<AzureWorkspaceResources> {
  throw new Error(`GpuWorkspace '${scope.node.id}': Azure is not built yet`);
}

/** Lets a principal use a workspace. @internal */
export function grantAzureAccess(_scope: Construct, _resources: AzureWorkspaceResources, _member: string): void {}
