import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { UsageSpec } from 'cdktf-ml-workspace/lib/host/usage-cloud';
import { cidrProblem, ipv4Prefix } from 'cdktf-ml-workspace/lib/core/cidr';
import { AccessMode } from 'cdktf-ml-workspace/lib/core/access';
import { AwsTargetOptions } from './target';
import { unlistedRegionProblem } from 'cdktf-ml-workspace/lib/core/regions';
import { TlsMode } from 'cdktf-ml-workspace/lib/core/tls';
import { Fail, invalid, isKnown } from 'cdktf-ml-workspace/lib/core/validation';
import { estimatedDocumentBytes } from 'cdktf-ml-workspace/lib/nixos/machine-config';
import { WorkspaceSpec } from 'cdktf-ml-workspace/lib/host/workspace-spec';
import { awsFamily, awsGpus, awsInstance, awsInstanceTypeGpuProblem, awsSizes } from './instance-types';

/** EC2 accepts at most 16 KB of user data (before base64). @internal */
export const AWS_USER_DATA_LIMIT = 16384;

/** The largest gp3 volume, in GiB (16 TiB). */
const GP3_MAX_GIB = 16384;
/** AWS's default quota of inbound (and of outbound) rules per security group. */
const AWS_DEFAULT_SG_RULES = 60;

/** Nearest offered model for catalog GPUs AWS does not have. */
const NEAREST: Record<string, string> = { 'nvidia-a10': 'Gpu.NVIDIA_A10G' };

/**
 * Checks the AWS placement and the size/GPU combination.
 *
 * @internal
 */
export function validateAwsTarget(scope: Construct, spec: WorkspaceSpec, target: AwsTargetOptions): void {
  const fail = (prop: string, value: unknown, problemAndFix: string) => invalid(scope, spec.kind, prop, value, problemAndFix);
  const known = (value: string | undefined): value is string => value !== undefined && isKnown(value);

  validateAwsPlacement(fail, target);
  if (known(target.amiId) && !/^ami-[0-9a-f]{8,17}$/.test(target.amiId)) {
    throw fail('target.amiId', target.amiId, "is not an AMI id; e.g. 'ami-0123456789abcdef0' (build one with nix build ./nix#amazon-image, README: AWS image)");
  }
  if (known(target.kmsKeyArn) && !/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/.test(target.kmsKeyArn)) {
    throw fail('target.kmsKeyArn', target.kmsKeyArn, "is not a KMS key ARN; use 'arn:aws:kms:<region>:<account>:key/<key id>' (not an alias)");
  }
  if (known(target.instanceType) && !/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(target.instanceType)) {
    throw fail('target.instanceType', target.instanceType, "is not an EC2 instance type; e.g. 'g6.xlarge'");
  }

  // One inbound rule per distinct allowed range, and one for Let's Encrypt's port 80.
  if (target.securityGroupRulesQuota !== undefined) {
    const q = target.securityGroupRulesQuota;
    if (typeof q !== 'number' || !Number.isInteger(q) || q < AWS_DEFAULT_SG_RULES || q > 1000) {
      throw fail('target.securityGroupRulesQuota', q, `must be a whole number from ${AWS_DEFAULT_SG_RULES} (the default quota) to 1000`);
    }
  }
  if (spec.access.mode === AccessMode.PUBLIC) {
    const quota = target.securityGroupRulesQuota ?? AWS_DEFAULT_SG_RULES;
    const ranges = new Set(spec.access.allowedCidrs).size;
    const acme = spec.tls.mode === TlsMode.LETS_ENCRYPT ? 1 : 0;
    if (ranges + acme > quota) {
      throw fail(
        'access.allowedCidrs',
        `${ranges} ranges`,
        `are too many for the workspace's security group: they take ${ranges + acme} inbound rules${acme ? " with Let's Encrypt's port 80" : ''}, more than the quota of ${quota}; merge neighbouring ranges, or raise the quota "Inbound or outbound rules per security group" and set target.securityGroupRulesQuota`,
      );
    }
  }

  // gp3 volumes end at 16 TiB.
  for (const [prop, size] of [['homeDiskSizeGiB', spec.homeDiskSizeGiB], ['bootDiskSizeGiB', spec.bootDiskSizeGiB]] as const) {
    if (isKnown(size) && size > GP3_MAX_GIB) {
      throw fail(prop, size, `is more than a gp3 volume holds on AWS (${GP3_MAX_GIB} GiB); use at most ${GP3_MAX_GIB}`);
    }
  }

  // A fleet's packages chose the machine from the catalog of shapes.
  const gpu = spec.machine ? undefined : spec.gpu;
  // A GPU stack on a machine without the GPU would never see it (and the idle check would
  // find nvidia-smi failing).
  if (gpu && known(target.instanceType)) {
    const problem = awsInstanceTypeGpuProblem(target.instanceType, gpu);
    if (problem) throw fail('target.instanceType', target.instanceType, problem);
  }
  if (gpu && !gpu.inCatalog) {
    if (!target.instanceType) {
      throw fail('gpu', gpu.name, 'is not in the catalog; set target.instanceType to an instance type that carries it, or use a catalog GPU such as Gpu.NVIDIA_L4');
    }
  } else if (gpu && !target.instanceType && !awsInstance(spec.size, gpu)) {
    if (!awsFamily(gpu)) {
      const offered = awsGpus().map((g) => g.toString()).join(', ');
      const nearest = NEAREST[gpu.name] ? ` (${NEAREST[gpu.name]} is the closest)` : '';
      throw fail('gpu', gpu.toString(), `is not offered on AWS; use one of ${offered}${nearest}`);
    }
    const sizes = awsSizes(gpu).map((s) => `WorkspaceSize.${s}`).join(', ');
    throw fail(
      'size',
      spec.size,
      `has no ${gpu.toString()} instance on AWS (${awsFamily(gpu)} comes only in ${sizes}); use that size or set target.instanceType`,
    );
  }
}

/**
 * Checks that user data (the machine document) fits EC2's 16 KB.
 *
 * @internal
 */
export function validateAwsUserData(scope: Construct, kind: string, doc: Record<string, any>): void {
  const estimate = estimatedDocumentBytes(doc);
  if (estimate > AWS_USER_DATA_LIMIT) {
    throw invalid(
      scope,
      kind,
      'userData',
      `${estimate} bytes`,
      `exceeds EC2's ${AWS_USER_DATA_LIMIT}-byte user-data limit; shorten the SSO allow-lists (auth.allowedEmails, auth.allowedDomains), e.g. by allowing a domain instead of many addresses`,
    );
  }
}

/** Checks where on AWS a workspace or a network goes. @internal */
export function validateAwsPlacement(fail: Fail, target: AwsTargetOptions): void {
  const known = (value: string | undefined): value is string => value !== undefined && isKnown(value);
  if (isKnown(target.region) && !/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/.test(target.region ?? '')) {
    throw fail('target.region', target.region, "is not an AWS region; e.g. 'eu-west-1'");
  }
  if (isKnown(target.region) && target.allowUnlistedRegion !== true) {
    const problem = unlistedRegionProblem('aws', target.region, 'target.allowUnlistedRegion');
    if (problem) throw fail('target.region', target.region, problem);
  }
  if (known(target.availabilityZone) && isKnown(target.region) && !new RegExp(`^${target.region}[a-z]$`).test(target.availabilityZone)) {
    throw fail('target.availabilityZone', target.availabilityZone, `is not an availability zone of region '${target.region}'; e.g. '${target.region}a'`);
  }
  if (target.vpcId && !target.subnetId) {
    throw fail('target.subnetId', undefined, 'is required when target.vpcId is given; name the subnet in the availability zone to use');
  }
  if (target.subnetId && !target.vpcId) {
    throw fail('target.vpcId', undefined, 'is required when target.subnetId is given; name the subnet\'s VPC');
  }
  if (known(target.vpcId) && !/^vpc-[0-9a-f]{8,17}$/.test(target.vpcId)) {
    throw fail('target.vpcId', target.vpcId, "is not a VPC id; e.g. 'vpc-0123456789abcdef0'");
  }
  if (known(target.subnetId) && !/^subnet-[0-9a-f]{8,17}$/.test(target.subnetId)) {
    throw fail('target.subnetId', target.subnetId, "is not a subnet id; e.g. 'subnet-0123456789abcdef0'");
  }
  if (known(target.vpcCidr)) {
    if (target.vpcId) {
      throw fail('target.vpcCidr', target.vpcCidr, 'applies only to the VPC the construct creates; remove it when giving target.vpcId');
    }
    const problem = cidrProblem(target.vpcCidr);
    if (problem) throw fail('target.vpcCidr', target.vpcCidr, problem);
    const bits = ipv4Prefix(target.vpcCidr);
    if (bits === undefined || bits < 16 || bits > 22) {
      throw fail('target.vpcCidr', target.vpcCidr, "must be an IPv4 range from /16 to /22 (the workspace and NAT subnets are its first two /24s); e.g. '10.42.0.0/16'");
    }
  }
}

/** The regions an AWS exporter was made in, per stack: the activity log group is one per account and region. */
const USAGE_REGIONS = new WeakMap<TerraformStack, Map<string, string>>();

/** Checks a usage exporter's AWS settings. @internal */
export function validateAwsUsage(scope: Construct, spec: UsageSpec, target: AwsTargetOptions): void {
  const fail = (prop: string, value: unknown, problemAndFix: string) => invalid(scope, spec.kind, prop, value, problemAndFix);
  validateAwsPlacement(fail, target);
  if (target.vpcId !== undefined || target.subnetId !== undefined) {
    throw fail(target.vpcId !== undefined ? 'target.vpcId' : 'target.subnetId', target.vpcId ?? target.subnetId, 'names a network, and an exporter has none; give the exporter a target with the region only');
  }
  if (isKnown(target.region) && /^(cn-|us-gov-|us-iso)/.test(target.region)) {
    throw fail('target.region', target.region, 'is outside the commercial partition, where Data Exports (CUR 2.0) is not offered; make the exporter in a commercial region');
  }
  if (spec.billingAccount !== undefined) {
    throw fail('billingAccount', spec.billingAccount, "is GCP's; on AWS the export is of the account Terraform deploys to (the payer account's export covers every member account): leave it out");
  }
  if (spec.kmsKey !== undefined && isKnown(spec.kmsKey)) {
    const match = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):\d{12}:key\/[A-Za-z0-9-]+$/.exec(spec.kmsKey);
    if (!match) throw fail('kmsKey', spec.kmsKey, "is not a KMS key ARN; use 'arn:aws:kms:<region>:<account>:key/<key id>' (not an alias)");
    if (isKnown(target.region) && match[1] !== target.region) {
      throw fail('kmsKey', spec.kmsKey, `is in region '${match[1]}' and the bucket in '${target.region}'; S3, Firehose and CloudWatch Logs take a key in their own region`);
    }
  }
  if (spec.budget && spec.budget.currency !== 'USD') {
    throw fail('budget.currency', spec.budget.currency, "is not 'USD'; AWS Budgets are in US dollars whatever the account pays in: give the amounts in USD");
  }
  if (isKnown(target.region)) {
    const stack = TerraformStack.of(scope);
    const regions = USAGE_REGIONS.get(stack) ?? new Map<string, string>();
    USAGE_REGIONS.set(stack, regions);
    const other = regions.get(target.region);
    if (other !== undefined && other !== scope.node.path) {
      throw fail('target.region', target.region, `already has an exporter in this stack ('${other}'); the activity log group ml-workspace-activity is one per account and region: track every workspace of the region with that one`);
    }
    regions.set(target.region, scope.node.path);
  }
}
