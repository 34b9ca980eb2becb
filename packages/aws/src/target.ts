import { Cloud, CloudTarget } from 'cdktf-ml-workspace';
import { requireShapes } from 'cdktf-ml-workspace/lib/core/shapes';

/** Where and how to place a workspace on AWS. */
export interface AwsTargetOptions {
  /** The region, e.g. `eu-west-1`. */
  readonly region: string;
  /**
   * The availability zone, inside `region`. Pick one that offers your instance type.
   * @default - `<region>a`
   */
  readonly availabilityZone?: string;
  /**
   * An existing VPC. When given, `subnetId` must be given too, and the subnet must reach the
   * internet (Nix fetches packages) and Systems Manager (a NAT gateway or VPC endpoints); the
   * construct then creates no network resources but the workspace's security group.
   * @default - a VPC, subnets, and in private mode a NAT gateway and Systems Manager endpoints
   */
  readonly vpcId?: string;
  /**
   * An existing subnet of `vpcId` in `availabilityZone`.
   * @default - created, with `subnetCidr`
   */
  readonly subnetId?: string;
  /**
   * The CIDR of the VPC the construct creates. Subnets take the first two /24 ranges of it.
   * @default '10.42.0.0/16'
   */
  readonly vpcCidr?: string;
  /**
   * The NixOS image: an AMI id (`ami-...`) built from this library's flake
   * (`nix build ./nix#amazon-image`) and registered once per account and region; the README
   * gives the commands.
   * @default - the newest AMI owned by the account named `ml-workspace-nixos-*`, looked up at plan time
   */
  readonly amiId?: string;
  /**
   * An instance type overriding the size preset, e.g. `g6e.xlarge`. Required for a GPU made
   * with `Gpu.of(...)`.
   * @default - from the size preset and GPU
   */
  readonly instanceType?: string;
  /**
   * A KMS key ARN encrypting the root and home volumes and the workspace's secrets.
   * @default - the AWS-managed keys (`aws/ebs`, `aws/secretsmanager`)
   */
  readonly kmsKeyArn?: string;
  /**
   * Accept a `region` this release does not list (a region newer than it); otherwise a name
   * outside the list is refused with the closest listed one, as a typo would fail at apply.
   * @default false
   */
  readonly allowUnlistedRegion?: boolean;
  /**
   * The account's quota "Inbound or outbound rules per security group" when raised above AWS's
   * default of 60 (Service Quotas, per region; 60–1000). Public access takes one inbound rule
   * per distinct allowed range, plus one for port 80 with Let's Encrypt; more than the quota
   * is refused at synthesis, as AWS would refuse it at apply.
   * @default 60
   */
  readonly securityGroupRulesQuota?: number;
}

/**
 * Amazon Web Services: the target a construct from `cdktf-ml-workspace` deploys to when given
 * `AwsTarget.of({ region })`. Importing this package registers what AWS builds.
 */
export class AwsTarget extends CloudTarget {
  /** Amazon Web Services, with its placement. */
  public static of(options: AwsTargetOptions): AwsTarget {
    requireShapes('AwsTarget.of', options, '{ region }', {
      region: 'string',
      availabilityZone: 'string',
      vpcId: 'string',
      subnetId: 'string',
      vpcCidr: 'string',
      amiId: 'string',
      instanceType: 'string',
      kmsKeyArn: 'string',
      allowUnlistedRegion: 'boolean',
      securityGroupRulesQuota: 'number',
    });
    return new AwsTarget({ ...options });
  }

  private constructor(
    /** The placement, as given. */
    public readonly options: AwsTargetOptions,
  ) {
    super(Cloud.AWS);
  }
}

/** The AWS placement of a target of this cloud. @internal */
export function awsOptions(target: CloudTarget): AwsTargetOptions {
  return (target as AwsTarget).options;
}
