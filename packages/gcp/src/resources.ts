import { GpuWorkspace, WorkspaceNetwork } from 'cdktf-ml-workspace';
import { Cloud } from 'cdktf-ml-workspace/lib/core/cloud-target';
import { resourcesOf } from 'cdktf-ml-workspace/lib/host/escape-hatches';
import { ComputeAddress } from '@cdktf/provider-google/lib/compute-address';
import { ComputeDisk } from '@cdktf/provider-google/lib/compute-disk';
import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { ComputeInstance } from '@cdktf/provider-google/lib/compute-instance';
import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { ComputeResourcePolicy } from '@cdktf/provider-google/lib/compute-resource-policy';
import { ComputeRouter } from '@cdktf/provider-google/lib/compute-router';
import { ComputeRouterNat } from '@cdktf/provider-google/lib/compute-router-nat';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
import { DnsRecordSet } from '@cdktf/provider-google/lib/dns-record-set';
import { EndpointsService } from '@cdktf/provider-google/lib/endpoints-service';
import { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';

/** The resources a `GpuWorkspace` creates on Google Cloud, for escape-hatch access. */
export interface GcpWorkspaceResources {
  /** The VM. */
  readonly instance: ComputeInstance;
  /** The persistent home disk (`prevent_destroy`). */
  readonly homeDisk: ComputeDisk;
  /** The daily snapshot schedule attached to the home disk. */
  readonly snapshotPolicy: ComputeResourcePolicy;
  /** The workspace's dedicated service account. */
  readonly serviceAccount: ServiceAccount;
  /** The secrets the VM reads at boot (connection token, TLS key, OAuth cookie secret). */
  readonly secrets: SecretManagerSecret[];
  /** The firewall rules created for the access mode. */
  readonly firewallRules: ComputeFirewall[];
  /** The VPC network, when the construct created it. */
  readonly network?: ComputeNetwork;
  /** The subnetwork, when the construct created it. */
  readonly subnetwork?: ComputeSubnetwork;
  /** The static external address (public access). */
  readonly address?: ComputeAddress;
  /** The Cloud Endpoints service naming the workspace (DNS through Cloud Endpoints). */
  readonly endpointsService?: EndpointsService;
  /** The DNS record (DNS through a Cloud DNS zone). */
  readonly dnsRecord?: DnsRecordSet;
  /** Cloud NAT for outbound traffic in private mode (when the network was created). */
  readonly nat?: ComputeRouterNat;
}


/** The resources a `WorkspaceNetwork` creates on Google Cloud, for escape-hatch access. */
export interface GcpNetworkResources {
  /** The VPC network. */
  readonly network: ComputeNetwork;
  /** The regional subnetwork (flow logs, Private Google Access). */
  readonly subnetwork: ComputeSubnetwork;
  /** The Cloud Router carrying the NAT. */
  readonly router: ComputeRouter;
  /** Cloud NAT: outbound traffic of workspaces without a public IP. */
  readonly nat: ComputeRouterNat;
  /** SSH and the IDE from IAP's range to every workspace on the network (by `networkTag`). */
  readonly iapFirewall: ComputeFirewall;
  /** The network tag every workspace on this network carries. */
  readonly networkTag: string;
}

/**
 * The typed escape hatches of constructs on Google Cloud: the resources a `GpuWorkspace` (a fleet's
 * member too) or a `WorkspaceNetwork` made, as this cloud's provider types.
 *
 * ```ts
 * GcpResources.ofWorkspace(workspace).instance.addOverride('...', ...);
 * ```
 */
export class GcpResources {
  /** The resources of a workspace on Google Cloud; throws when it is on another cloud. */
  public static ofWorkspace(workspace: GpuWorkspace): GcpWorkspaceResources {
    return resourcesOf('GcpResources.ofWorkspace', workspace, Cloud.GCP, 'GpuWorkspace') as GcpWorkspaceResources;
  }

  /** The resources of a shared network on Google Cloud; throws when it is on another cloud. */
  public static ofNetwork(network: WorkspaceNetwork): GcpNetworkResources {
    return resourcesOf('GcpResources.ofNetwork', network, Cloud.GCP, 'WorkspaceNetwork') as GcpNetworkResources;
  }

  private constructor() {}
}
