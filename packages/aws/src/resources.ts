import { GpuWorkspace, UsageExporter, WorkspaceNetwork } from 'cdktf-ml-workspace';
import { Cloud } from 'cdktf-ml-workspace/lib/core/cloud-target';
import { resourcesOf } from 'cdktf-ml-workspace/lib/host/escape-hatches';
import { AthenaNamedQuery } from '@cdktf/provider-aws/lib/athena-named-query';
import { AthenaWorkgroup } from '@cdktf/provider-aws/lib/athena-workgroup';
import { BcmdataexportsExport } from '@cdktf/provider-aws/lib/bcmdataexports-export';
import { BudgetsBudget } from '@cdktf/provider-aws/lib/budgets-budget';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { GlueCatalogDatabase } from '@cdktf/provider-aws/lib/glue-catalog-database';
import { GlueCatalogTable } from '@cdktf/provider-aws/lib/glue-catalog-table';
import { KinesisFirehoseDeliveryStream } from '@cdktf/provider-aws/lib/kinesis-firehose-delivery-stream';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { DlmLifecyclePolicy } from '@cdktf/provider-aws/lib/dlm-lifecycle-policy';
import { EbsVolume } from '@cdktf/provider-aws/lib/ebs-volume';
import { Ec2InstanceState } from '@cdktf/provider-aws/lib/ec2-instance-state';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';

/** The resources a `GpuWorkspace` creates on AWS, for escape-hatch access. */
export interface AwsWorkspaceResources {
  /** The EC2 instance (termination protection on, stops on shutdown). */
  readonly instance: Instance;
  /** Keeps the instance running or stopped, following the `running` prop. */
  readonly instanceState: Ec2InstanceState;
  /** The encrypted home volume (`prevent_destroy`). */
  readonly homeVolume: EbsVolume;
  /** The Data Lifecycle Manager policy taking daily snapshots of the home volume. */
  readonly snapshotPolicy: DlmLifecyclePolicy;
  /** The instance's IAM role: Session Manager and its own secrets, nothing else. */
  readonly role: IamRole;
  /** The instance profile carrying `role`. */
  readonly instanceProfile: IamInstanceProfile;
  /** The instance's security group. */
  readonly securityGroup: SecurityGroup;
  /** The secrets the instance reads at boot (connection token, TLS key, OAuth cookie secret). */
  readonly secrets: SecretsmanagerSecret[];
  /** The VPC, when the construct created it. */
  readonly vpc?: Vpc;
  /** The workspace's subnet, when the construct created it. */
  readonly subnet?: Subnet;
  /** The VPC flow log, when the construct created the VPC. */
  readonly flowLog?: FlowLog;
  /** The NAT gateway for outbound traffic in private mode (when the VPC was created). */
  readonly natGateway?: NatGateway;
  /** The Systems Manager and Secrets Manager interface endpoints (private mode, created VPC). */
  readonly vpcEndpoints: VpcEndpoint[];
  /** The Elastic IP (public access). */
  readonly elasticIp?: Eip;
  /** The Route 53 record (DNS through a hosted zone). */
  readonly dnsRecord?: Route53Record;
}

/** The resources a `WorkspaceNetwork` creates on AWS, for escape-hatch access. */
export interface AwsNetworkResources {
  /** The VPC (flow logs on, default security group closed). */
  readonly vpc: Vpc;
  /** The subnet of private workspaces: outbound through the NAT gateway. */
  readonly privateSubnet: Subnet;
  /** The subnet of public workspaces and the NAT gateway: routes to the internet gateway. */
  readonly publicSubnet: Subnet;
  /** The VPC flow log. */
  readonly flowLog: FlowLog;
  /** The internet gateway. */
  readonly internetGateway: InternetGateway;
  /** The one NAT gateway of the network. */
  readonly natGateway: NatGateway;
  /** The Systems Manager and Secrets Manager interface endpoints. */
  readonly vpcEndpoints: VpcEndpoint[];
  /** The availability zone of both subnets; every workspace on the network lives there. */
  readonly availabilityZone: string;
}

/** The resources of a `UsageExporter` on AWS. */
export interface AwsUsageResources {
  /** The bucket the export, the start/stop history, the activity lines and Athena's results go to. */
  readonly bucket: S3Bucket;
  /** The key encrypting all of it; undefined when `kmsKey` was given. */
  readonly key?: KmsKey;
  /** The CUR 2.0 Data Export (made through the provider in us-east-1). */
  readonly dataExport: BcmdataexportsExport;
  /** The Glue database holding the tables and the views. */
  readonly database: GlueCatalogDatabase;
  /** The export's table (Parquet, partition projection by billing period). */
  readonly exportTable: GlueCatalogTable;
  /** EC2 state changes, one JSON line each (partition projection by day). */
  readonly historyTable: GlueCatalogTable;
  /** The machines' activity lines (partition projection by day). */
  readonly activityTable: GlueCatalogTable;
  /** The Athena workgroup, with enforced encrypted results. */
  readonly workgroup: AthenaWorkgroup;
  /** The saved queries creating the staging relations and the four views, in order. */
  readonly namedQueries: AthenaNamedQuery[];
  /** Firehose delivering the state changes into the bucket. */
  readonly historyStream: KinesisFirehoseDeliveryStream;
  /** Firehose delivering the activity log group into the bucket. */
  readonly activityStream: KinesisFirehoseDeliveryStream;
  /** The EventBridge rule on EC2 state changes. */
  readonly stateChanges: CloudwatchEventRule;
  /** The log group the machines write their activity lines to. */
  readonly activityLogGroup: CloudwatchLogGroup;
  /** The budget alerts' topic; undefined without a budget. */
  readonly alerts?: SnsTopic;
  /** The owners' budgets, by owner tag. */
  readonly budgets: { [owner: string]: BudgetsBudget };
}

/**
 * The typed escape hatches of constructs on AWS: the resources a `GpuWorkspace` (a fleet's
 * member too), a `WorkspaceNetwork` or a `UsageExporter` made, as this cloud's provider types.
 *
 * ```ts
 * AwsResources.ofWorkspace(workspace).instance.addOverride('...', ...);
 * ```
 */
export class AwsResources {
  /** The resources of a workspace on AWS; throws when it is on another cloud. */
  public static ofWorkspace(workspace: GpuWorkspace): AwsWorkspaceResources {
    return resourcesOf('AwsResources.ofWorkspace', workspace, Cloud.AWS, 'GpuWorkspace') as AwsWorkspaceResources;
  }

  /** The resources of a shared network on AWS; throws when it is on another cloud. */
  public static ofNetwork(network: WorkspaceNetwork): AwsNetworkResources {
    return resourcesOf('AwsResources.ofNetwork', network, Cloud.AWS, 'WorkspaceNetwork') as AwsNetworkResources;
  }

  /** The resources of a usage exporter on AWS; throws when it is on another cloud. */
  public static ofUsage(exporter: UsageExporter): AwsUsageResources {
    return resourcesOf('AwsResources.ofUsage', exporter, Cloud.AWS, 'UsageExporter') as AwsUsageResources;
  }

  private constructor() {}
}
