import { Construct } from 'constructs';
import { BuiltWorkspace } from '../clouds/common/built';
import { AccessMode } from '../core/access';
import { Cloud, CloudTarget } from '../core/cloud-target';
import { MachineShape } from '../core/machine-shapes';
import { WorkspaceDns } from '../core/dns';
import { NetworkSpec } from './network-spec';
import { AttachedNetwork, WorkspaceSpec } from './workspace-spec';
import { usageError } from '../core/errors';

/**
 * What one cloud does for a workspace. Each cloud's package registers its implementation when
 * it loads (`packages/<cloud>/src/register.ts`), and the front door asks the target for it: no
 * front door switches on the cloud or imports a cloud's builder.
 *
 * @internal
 */
export interface WorkspaceCloud {
  readonly cloud: Cloud;
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
  /** The cloud's name in messages (`GCP`, `AWS`, `Azure`). */
  readonly cloudName: string;
  /** The machine types a fleet's packages choose from. */
  readonly shapes: readonly MachineShape[];
  /** Where quota is counted: the GCP or AWS region, the Azure location. */
  quotaRegion(target: CloudTarget): string;
  /** The target's own machine type prop and value, when it sets one (a fleet refuses it). */
  fixedMachine(target: CloudTarget): { readonly prop: string; readonly value: string } | undefined;
  /** Whether the target names an existing network (a fleet then makes none). */
  namesExistingNetwork(target: CloudTarget): boolean;
  /** Whether a shared network takes workspaces of an access mode (Azure's: private only). */
  sharedNetworkTakes(mode: AccessMode): boolean;
  /** How a principal is written on this cloud, for messages (`an IAM role, user or group ARN`). */
  readonly principalForm: string;
  /**
   * Grants a member every workspace of a group at once (a fleet's admins), where one grant per
   * workspace would run into a cloud quota (AWS: managed policies per principal). `workspaces`
   * is read at synthesis. Undefined: the front door grants each workspace.
   */
  grantAll?(scope: Construct, label: string, target: CloudTarget, workspaces: () => unknown[], member: string, fail: (problem: string) => Error): void;
  /** The principal that grants an owner access, when the cloud can derive it from the email (GCP). */
  ownerPrincipal(owner: string): string | undefined;
  /** Checks a shared network's placement; throws the library's errors. */
  validateNetwork(scope: Construct, spec: NetworkSpec, target: CloudTarget): void;
  /** Builds a network many workspaces share. */
  buildNetwork(
    scope: Construct,
    spec: NetworkSpec,
    target: CloudTarget,
  ): { readonly resources: unknown; readonly attachment: unknown; readonly defaultChild: Construct };
  /**
   * Why a workspace cannot join a shared network (another project or region, a network of its
   * own in the target, an access mode the network does not carry), or undefined when it can.
   */
  joinProblem(spec: WorkspaceSpec, target: CloudTarget, network: AttachedNetwork): { readonly prop: string; readonly value: unknown; readonly problem: string } | undefined;
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
    throw usageError(
      `${kind} '${id}': no implementation of cloud ${String(target.cloud)} is loaded; import the cloud's package from its root ('cdktf-ml-workspace-${String(target.cloud).toLowerCase()}'), which registers it (a deep import of its lib/target registers nothing)`,
    );
  }
  return found;
}

