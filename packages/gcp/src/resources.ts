import { GpuWorkspace, UsageExporter, WorkspaceNetwork } from 'cdktf-ml-workspace';
import { Cloud } from 'cdktf-ml-workspace/lib/core/cloud-target';
import { resourcesOf } from 'cdktf-ml-workspace/lib/host/escape-hatches';
import { BigqueryDataTransferConfig } from '@cdktf/provider-google/lib/bigquery-data-transfer-config';
import { BigqueryDataset } from '@cdktf/provider-google/lib/bigquery-dataset';
import { BillingBudget } from '@cdktf/provider-google/lib/billing-budget';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { LoggingLinkedDataset } from '@cdktf/provider-google/lib/logging-linked-dataset';
import { LoggingProjectBucketConfig } from '@cdktf/provider-google/lib/logging-project-bucket-config';
import { LoggingProjectSink } from '@cdktf/provider-google/lib/logging-project-sink';
import { MonitoringNotificationChannel } from '@cdktf/provider-google/lib/monitoring-notification-channel';
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

/** The resources of a `UsageExporter` on Google Cloud. */
export interface GcpUsageResources {
  /** The dataset the billing export writes to, and the views live in. */
  readonly dataset: BigqueryDataset;
  /** The log bucket (with Log Analytics) keeping the start/stop history and activity lines. */
  readonly historyBucket: LoggingProjectBucketConfig;
  /** The BigQuery dataset linked to the log bucket (read-only, `_AllLogs`). */
  readonly historyLink: LoggingLinkedDataset;
  /** The sink routing those entries into the log bucket. */
  readonly historySink: LoggingProjectSink;
  /** The daily scheduled query that (re)creates the views once the export has data. */
  readonly viewsJob: BigqueryDataTransferConfig;
  /** The service account the scheduled query runs as. */
  readonly viewsServiceAccount: ServiceAccount;
  /** The budget alerts' email channels. */
  readonly notificationChannels: MonitoringNotificationChannel[];
  /** The owners' budgets, by owner label. */
  readonly budgets: { [owner: string]: BillingBudget };
  /** The project, read for its number (budgets and the transfer service agent name it). */
  readonly project: DataGoogleProject;
}

/**
 * The typed escape hatches of constructs on Google Cloud: the resources a `GpuWorkspace` (a fleet's
 * member too), a `WorkspaceNetwork` or a `UsageExporter` made, as this cloud's provider types.
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

  /** The resources of a usage exporter on Google Cloud; throws when it is on another cloud. */
  public static ofUsage(exporter: UsageExporter): GcpUsageResources {
    return resourcesOf('GcpResources.ofUsage', exporter, Cloud.GCP, 'UsageExporter') as GcpUsageResources;
  }

  private constructor() {}
}
