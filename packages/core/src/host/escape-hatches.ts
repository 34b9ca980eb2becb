import { Cloud, CLOUD_NAMES } from '../core/cloud-target';
import { GpuWorkspace } from '../workspace/gpu-workspace';
import { WorkspaceNetwork } from '../network/workspace-network';
import { usageError } from '../core/errors';
import { UsageExporter } from '../usage/usage-exporter';


/**
 * A front door's resources for a cloud package's typed escape hatch (`GcpResources.ofWorkspace`),
 * or the library's error when the construct is not one, or is on another cloud.
 *
 * @internal
 */
export function resourcesOf(accessor: string, construct: unknown, cloud: Cloud, kind: 'GpuWorkspace' | 'WorkspaceNetwork' | 'UsageExporter'): unknown {
  const wanted = { GpuWorkspace, WorkspaceNetwork, UsageExporter }[kind];
  if (!(construct instanceof wanted)) {
    const known = construct instanceof GpuWorkspace || construct instanceof WorkspaceNetwork || construct instanceof UsageExporter;
    const given = known ? `${construct.constructor.name} '${construct.node.path}'` : JSON.stringify(construct) ?? String(construct);
    throw usageError(`${accessor}: ${given} is not a ${kind}; pass a ${kind}${kind === 'GpuWorkspace' ? " (a fleet's member: fleet.member('alice'))" : ''}`);
  }
  const on = construct instanceof GpuWorkspace ? construct._spec.cloud : construct instanceof UsageExporter ? construct._target.cloud : construct.target.cloud;
  if (on !== cloud) {
    throw usageError(`${accessor}: ${kind} '${construct.node.path}' is on ${CLOUD_NAMES[on]}, not ${CLOUD_NAMES[cloud]}; use the ${CLOUD_NAMES[on]} package's accessor (cdktf-ml-workspace-${on.toLowerCase()})`);
  }
  return construct._resources;
}
