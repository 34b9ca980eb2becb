import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { CloudTarget, TARGET_EXAMPLE } from '../core/cloud-target';
import { requireShapes, Shape } from '../core/shapes';
import { invalid } from '../core/validation';
import { NetworkSpec } from '../host/network-spec';
import { isResourceName, libraryLabels, NAME_RULE } from '../workspace/validate';
import { claimResourceName } from '../host/names';
import { workspaceCloud } from '../host/workspace-cloud';
import { AttachedNetwork } from '../host/workspace-spec';

/** The `owner` label of a network's resources: it belongs to no one person. */
const SHARED_OWNER = 'shared';

/** Properties of a {@link WorkspaceNetwork}. */
export interface WorkspaceNetworkProps {
  /**
   * The cloud and placement. Its network ranges (`subnetCidr` on GCP, `vpcCidr` on AWS,
   * `vnetCidr` on Azure) size the network; it must not name an existing network (give such a
   * target to the workspaces directly). Workspaces that join must use the same project and
   * region (GCP), region and zone (AWS) or location (Azure).
   */
  readonly target: CloudTarget;
  /**
   * The prefix of every resource name. 2–24 lowercase letters, digits and hyphens, starting
   * with a letter.
   * @default - the construct id
   */
  readonly networkName?: string;
  /**
   * The `cost-center` label of the network's billable resources (NAT, endpoints, Bastion).
   * @default 'unassigned'
   */
  readonly costCenter?: string;
  /**
   * Extra labels (tags) for the network's resources, with the rules of `GpuWorkspace.labels`.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
}

/**
 * A network many workspaces share, so a team pays once for what a private workspace needs:
 *
 * - GCP: a VPC network and subnetwork (flow logs, Private Google Access), one Cloud NAT, and
 *   one firewall rule admitting SSH and the IDE from IAP to every workspace on it (by network
 *   tag).
 * - AWS: a VPC (flow logs, default security group closed) in one availability zone, a private
 *   subnet behind one NAT gateway with the Session Manager and Secrets Manager endpoints, and a
 *   public subnet for public workspaces.
 * - Azure: a virtual network with the workspace subnet behind one NAT gateway and one Azure
 *   Bastion (Standard), and a subnet NSG that admits only Bastion. Private workspaces only: a
 *   public Azure workspace needs neither and keeps its own network.
 *
 * ```ts
 * const network = new WorkspaceNetwork(this, 'team', { target });
 * new GpuWorkspace(this, 'alice', { target, network, owner: 'alice@example.com' });
 * ```
 *
 * A private workspace on its own network costs a NAT (and on AWS four interface endpoints, on
 * Azure a Bastion, about $140–240 a month) each; on a shared one, these are paid once.
 */
export class WorkspaceNetwork extends Construct {
  /** The network's name (prefix of every resource name). */
  public readonly networkName: string;
  /** The target the network was made for. */
  public readonly target: CloudTarget;
  /**
   * The cloud's resources; each cloud's package reads them for its typed escape hatches
   * (`GcpResources.ofNetwork(network)`). @internal
   */
  public readonly _resources: unknown;
  /** What workspaces joining the network use. @internal */
  public readonly _attached: AttachedNetwork;

  constructor(scope: Construct, id: string, props: WorkspaceNetworkProps) {
    super(scope, id);
    requireShapes(`WorkspaceNetwork '${id}'`, props, '{ target, networkName?, costCenter?, labels? }', PROP_SHAPES, ['target']);
    const name = props.networkName ?? id;
    if (!isResourceName(name)) {
      throw invalid(this, 'WorkspaceNetwork', 'networkName', name, `is not a valid network name; use ${NAME_RULE} (set networkName when the construct id does not qualify)`);
    }
    const target = props.target;
    const cloud = workspaceCloud('WorkspaceNetwork', id, target);
    const costCenter = props.costCenter ?? 'unassigned';
    const spec: NetworkSpec = {
      kind: 'WorkspaceNetwork',
      name,
      labels: libraryLabels(this, 'WorkspaceNetwork', target.cloud, name, SHARED_OWNER, props.labels ?? {}, costCenter, 'shared'),
    };
    cloud.validateNetwork(this, spec, target);
    // A network's resources are named like a workspace's (`<name>-net`, `<name>-rg`): one of each name per scope.
    claimResourceName(this, 'WorkspaceNetwork', 'networkName', name, target);
    const built = cloud.buildNetwork(this, spec, target);
    this._resources = built.resources;
    this.node.defaultChild = built.defaultChild;
    this.networkName = name;
    this.target = target;
    this._attached = { name, path: this.node.path, stack: TerraformStack.of(this), target, attachment: built.attachment };
  }
}

const PROP_SHAPES: Record<string, Shape> = {
  target: { instanceOf: CloudTarget, example: TARGET_EXAMPLE },
  networkName: 'string',
  costCenter: 'string',
  labels: 'string map',
};
