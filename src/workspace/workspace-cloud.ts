import { Construct } from 'constructs';
import { BuiltWorkspace } from '../clouds/common/built';
import { Cloud, CloudTarget } from '../core/cloud-target';
import { WorkspaceDns } from '../core/dns';
import { WorkspaceSpec } from './workspace-spec';

/**
 * What one cloud does for a workspace. Each cloud registers its implementation when its module
 * loads (`src/clouds/<cloud>/index.ts`), and the front door asks the target for it: no front
 * door switches on the cloud or imports a cloud's builder.
 *
 * @internal
 */
export interface WorkspaceCloud {
  readonly cloud: Cloud;
  /** Which property of the front door holds the cloud's resources (`gcp`, `aws`, `azure`). */
  readonly resourcesProperty: 'gcp' | 'aws' | 'azure';
  /** The DNS a public workspace gets without a `dns` prop. */
  publicDnsDefault(): WorkspaceDns;
  /**
   * Where workspace names must be unique: a key per naming scope, how to name it in a message,
   * and whether synthesis can be sure two workspaces share it (a GCP project it can see) or can
   * only warn (an account or subscription it cannot).
   */
  nameScope(target: CloudTarget): { readonly key: string; readonly where: string; readonly certain: boolean; readonly container: string };
  /** Checks the placement and the cloud's limits; throws the library's errors. */
  validate(scope: Construct, spec: WorkspaceSpec, target: CloudTarget): void;
  /** Builds the workspace's resources. */
  build(scope: Construct, spec: WorkspaceSpec, target: CloudTarget): BuiltWorkspace<unknown> & { readonly defaultChild: Construct };
  /**
   * Grants a member access to one workspace. `fail` makes the front door's error for a member
   * the cloud cannot take.
   */
  grant(scope: Construct, workspaceName: string, target: CloudTarget, resources: unknown, member: string, fail: (problem: string) => Error): void;
}

const CLOUDS = new Map<Cloud, WorkspaceCloud>();

/** Registers a cloud's implementation (once per cloud). @internal */
export function registerWorkspaceCloud(implementation: WorkspaceCloud): void {
  CLOUDS.set(implementation.cloud, implementation);
}

/** The implementation for a target's cloud. @internal */
export function workspaceCloud(kind: string, id: string, target: CloudTarget): WorkspaceCloud {
  const found = CLOUDS.get(target.cloud);
  if (!found) {
    throw new Error(
      `${kind} '${id}': no implementation of cloud ${String(target.cloud)} is loaded; import the library from its package root ('cdktf-ml-workspace'), which loads every cloud (a deep import of lib/workspace loads none)`,
    );
  }
  return found;
}
