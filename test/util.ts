import { App, TerraformStack, Testing } from 'cdktf';
import { GpuWorkspace, GpuWorkspaceProps } from 'cdktf-ml-workspace';
import { parseJsonencode } from './hcl';
import { GcpTarget, GcpTargetOptions } from 'cdktf-ml-workspace-gcp';
import { AzureTarget } from 'cdktf-ml-workspace-azure';

export const GCP: GcpTargetOptions = { project: 'ml-prod-123', region: 'europe-west4', zone: 'europe-west4-a' };

export interface Synthesized {
  readonly json: any;
  readonly stack: TerraformStack;
  readonly workspace: GpuWorkspace;
  /** The resources of a type, by Terraform name. */
  of(type: string): Record<string, any>;
  /** The one resource of a type (fails when there is not exactly one). */
  one(type: string): any;
}

export function synthStack(build: (stack: TerraformStack) => GpuWorkspace): Synthesized {
  const app: App = Testing.app();
  const stack = new TerraformStack(app, 'test');
  const workspace = build(stack);
  const json = JSON.parse(Testing.synth(stack, true));
  const of = (type: string) => json.resource?.[type] ?? {};
  return {
    json,
    stack,
    workspace,
    of,
    one(type: string) {
      const all = Object.values(of(type));
      if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
      return all[0];
    },
  };
}

/** A GCP workspace named `alice` with the given props over a minimal valid set. */
export function gcpWorkspace(props: Partial<GpuWorkspaceProps> = {}, target: Partial<GcpTargetOptions> = {}): Synthesized {
  return synthStack(
    (stack) =>
      new GpuWorkspace(stack, 'alice', {
        target: GcpTarget.of({ ...GCP, ...target }),
        owner: 'alice@example.com',
        ...props,
      }),
  );
}

/** Builds (without synthesizing) and returns the error message, for validation tests. */
export function buildError(props: Partial<GpuWorkspaceProps> = {}, target: Partial<GcpTargetOptions> = {}, id = 'alice'): string {
  const stack = new TerraformStack(Testing.app(), 'test');
  try {
    new GpuWorkspace(stack, id, {
      target: GcpTarget.of({ ...GCP, ...target }),
      owner: 'alice@example.com',
      ...props,
    });
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the construct to throw');
}

/**
 * The machine document from the instance metadata, parsed: plain JSON, or a `jsonencode(...)`
 * whose apply-time references come back as `${...}` strings.
 */
export function machineDoc(instance: any): any {
  const value: string = instance.metadata['ml-workspace-config'];
  return value.startsWith('${jsonencode(') ? parseJsonencode(value) : JSON.parse(value);
}

/** The deployer's range the Azure helpers give the Key Vault's firewall. */
export const DEPLOYER_RANGES = ['198.51.100.0/24'];

/** An Azure workspace named `alice` with the given props over a minimal valid set (a managed image). */
export function azureWorkspace(props: Partial<GpuWorkspaceProps> = {}, target: Partial<Parameters<typeof AzureTarget.of>[0]> = {}): Synthesized {
  return synthStack(
    (stack) =>
      new GpuWorkspace(stack, 'alice', {
        target: AzureTarget.of({
          location: 'westeurope',
          imageId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/images/providers/Microsoft.Compute/images/ml-workspace-nixos',
          ...target,
          // Where Terraform writes the Key Vault's secrets from (a required choice).
          keyVaultAllowedCidrs: target.keyVaultAllowedCidrs ?? DEPLOYER_RANGES,
        }),
        owner: 'alice@example.com',
        ...props,
      }),
  );
}

/** Builds an Azure workspace (without synthesizing) and returns the error message, for validation tests. */
export function azureBuildError(props: Partial<GpuWorkspaceProps> = {}, target: Partial<Parameters<typeof AzureTarget.of>[0]> = {}, id = 'alice'): string {
  const stack = new TerraformStack(Testing.app(), 'test');
  try {
    new GpuWorkspace(stack, id, {
      target: AzureTarget.of({
        location: 'westeurope',
        imageId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/images/providers/Microsoft.Compute/images/ml-workspace-nixos',
        ...target,
        // Where Terraform writes the Key Vault's secrets from (a required choice).
        keyVaultAllowedCidrs: target.keyVaultAllowedCidrs ?? DEPLOYER_RANGES,
      }),
      owner: 'alice@example.com',
      ...props,
    });
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the construct to throw');
}

/** The message of the error `make` throws (fails the test when it throws none). */
export function errorOf(make: () => unknown): string {
  try {
    make();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}
