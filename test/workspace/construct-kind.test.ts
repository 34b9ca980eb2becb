/**
 * Validation names the construct that asked: the checks take the kind from the spec, so a
 * front door other than GpuWorkspace (a fleet, a JupyterHub cluster) gets its own name in
 * every message.
 */
import { TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { validateAwsTarget } from 'cdktf-ml-workspace-aws/lib/validate';
import { validateAzureTarget } from 'cdktf-ml-workspace-azure/lib/validate';
import { validateGcpTarget } from 'cdktf-ml-workspace-gcp/lib/validate';
import { validateWorkspace } from 'cdktf-ml-workspace/lib/workspace/validate';
import { WorkspaceSpec } from 'cdktf-ml-workspace/lib/host/workspace-spec';
import { GpuWorkspace } from 'cdktf-ml-workspace';
import { GCP } from '../util';
import { GcpTarget } from 'cdktf-ml-workspace-gcp';

/** A valid spec, as GpuWorkspace resolved it, under another kind. */
function specAs(kind: string): { scope: Construct; spec: WorkspaceSpec } {
  const stack = new TerraformStack(Testing.app(), 'test');
  const ws = new GpuWorkspace(stack, 'vision', { target: GcpTarget.of(GCP), owner: 'alice@example.com' });
  return { scope: new Construct(stack, 'vision-fleet'), spec: { ...(ws as any)._spec, kind } };
}

test.each<[string, (scope: Construct, spec: WorkspaceSpec) => void, string]>([
  ['the shared checks', (scope, spec) => validateWorkspace(scope, { ...spec, homeDiskSizeGiB: 5 }, {}, 'ml'), "WorkspaceFleet 'vision-fleet': homeDiskSizeGiB 5 must be a whole number from 10 to 65536"],
  ['GCP', (scope, spec) => validateGcpTarget(scope, spec, { ...GCP, region: 'europe-west99' }), "WorkspaceFleet 'vision-fleet': target.region 'europe-west99'"],
  ['AWS', (scope, spec) => validateAwsTarget(scope, spec, { region: 'eu-wset-1' }), "WorkspaceFleet 'vision-fleet': target.region 'eu-wset-1'"],
  [
    'Azure',
    (scope, spec) => validateAzureTarget(scope, spec, { location: 'westeruope', imageId: '/subscriptions/0/resourceGroups/i/providers/Microsoft.Compute/images/n', keyVaultAllowedCidrs: [] }),
    "WorkspaceFleet 'vision-fleet': target.location 'westeruope'",
  ],
])('%s name the kind they are given', (_name, check, message) => {
  const { scope, spec } = specAs('WorkspaceFleet');
  expect(() => check(scope, spec)).toThrow(message);
});
