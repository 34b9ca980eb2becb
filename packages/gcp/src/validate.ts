import { Construct } from 'constructs';
import { cidrProblem } from 'cdktf-ml-workspace/lib/core/cidr';
import { GcpTargetOptions } from './target';
import { unlistedRegionProblem } from 'cdktf-ml-workspace/lib/core/regions';
import { Fail, invalid, isKnown } from 'cdktf-ml-workspace/lib/core/validation';
import { WorkspaceSpec } from 'cdktf-ml-workspace/lib/host/workspace-spec';
import { UsageSpec } from 'cdktf-ml-workspace/lib/host/usage-cloud';
import { gcpGpus, gcpMachine, gcpMachineTypeGpuProblem, gcpSmallestOnDemandSize } from './machine-types';

/**
 * Checks the GCP placement and the size/GPU combination.
 *
 * @internal
 */
export function validateGcpTarget(scope: Construct, spec: WorkspaceSpec, target: GcpTargetOptions): void {
  const fail = (prop: string, value: unknown, problemAndFix: string) => invalid(scope, spec.kind, prop, value, problemAndFix);
  validateGcpPlacement(fail, target);

  const gpu = spec.gpu;
  // A fleet's packages chose the machine from the catalog of shapes.
  if (!gpu || spec.machine) return;
  if (target.machineType !== undefined && isKnown(target.machineType)) {
    const problem = gcpMachineTypeGpuProblem(target.machineType, gpu);
    if (problem) throw fail('target.machineType', target.machineType, problem);
  }
  if (!gpu.inCatalog) {
    if (!target.machineType) {
      throw fail('gpu', gpu.name, 'is not in the catalog; set target.machineType to a machine type that takes it, or use a catalog GPU such as Gpu.NVIDIA_L4');
    }
    return;
  }
  const machine = gcpMachine(spec.size, gpu);
  if (!machine) {
    const offered = gcpGpus().map((g) => g.toString()).join(', ');
    throw fail('gpu', gpu.toString(), `is not offered on GCP; use one of ${offered} (Gpu.NVIDIA_L4 is the closest to A10-class cards)`);
  }
  if (machine.spotOnly && !spec.spot && !target.machineType) {
    const size = gcpSmallestOnDemandSize(gpu);
    throw fail(
      'gpu',
      gpu.toString(),
      `in size ${spec.size} (${machine.machineType}) is offered on GCP only as Spot; set spot: true or use size ${size}`,
    );
  }
}

/** Checks where on GCP a workspace or a network goes. @internal */
export function validateGcpPlacement(fail: Fail, target: GcpTargetOptions): void {
  if (isKnown(target.project) && !/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(target.project ?? '')) {
    throw fail('target.project', target.project, 'is not a GCP project id; use the 6-30 character id (lowercase letters, digits, hyphens), not the display name or number');
  }
  if (isKnown(target.region) && !/^[a-z]+-[a-z]+[0-9]+$/.test(target.region ?? '')) {
    throw fail('target.region', target.region, "is not a GCP region; e.g. 'europe-west4'");
  }
  if (isKnown(target.region) && target.allowUnlistedRegion !== true) {
    const problem = unlistedRegionProblem('gcp', target.region, 'target.allowUnlistedRegion');
    if (problem) throw fail('target.region', target.region, problem);
  }
  if (isKnown(target.zone) && isKnown(target.region) && !new RegExp(`^${target.region}-[a-z]$`).test(target.zone ?? '')) {
    throw fail('target.zone', target.zone, `is not a zone of region '${target.region}'; e.g. '${target.region}-a'`);
  }
  if (target.network && !target.subnetwork) {
    throw fail('target.subnetwork', undefined, 'is required when target.network is given; name the subnetwork in the region to use');
  }
  if (target.subnetwork && !target.network) {
    throw fail('target.network', undefined, 'is required when target.subnetwork is given; name its VPC network');
  }
  if (target.subnetCidr !== undefined && isKnown(target.subnetCidr)) {
    const problem = cidrProblem(target.subnetCidr);
    if (problem) throw fail('target.subnetCidr', target.subnetCidr, problem);
  }
  if (
    target.kmsKeyName !== undefined &&
    isKnown(target.kmsKeyName) &&
    !/^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/.test(target.kmsKeyName)
  ) {
    throw fail('target.kmsKeyName', target.kmsKeyName, "is not a Cloud KMS key name; use 'projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>'");
  }
}

/** The form of a Cloud Billing account id. */
const BILLING_ACCOUNT = /^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$/;

/** Checks a usage exporter's GCP settings. @internal */
export function validateGcpUsage(scope: Construct, spec: UsageSpec, target: GcpTargetOptions): void {
  const fail = (prop: string, value: unknown, problemAndFix: string) => invalid(scope, spec.kind, prop, value, problemAndFix);
  validateGcpPlacement(fail, target);
  const account = spec.billingAccount;
  if (account === undefined) {
    throw fail('billingAccount', undefined, "is required on GCP: the billing export's table is named after it and budgets belong to it; give the id shown in the console's Billing page, e.g. '01ABCD-23EF45-6789AB'");
  }
  if (!isKnown(account)) {
    throw fail('billingAccount', account, 'must be known at synthesis: it names the export table the views read; give the id as a literal');
  }
  if (!BILLING_ACCOUNT.test(account)) {
    const hint = /^billingAccounts\//.test(account) ? ` (without 'billingAccounts/': '${account.replace(/^billingAccounts\//, '')}')` : '';
    throw fail('billingAccount', account, `is not a Cloud Billing account id; use the form 'XXXXXX-XXXXXX-XXXXXX' of six capital hexadecimal digits each${hint}`);
  }
  if (spec.kmsKey !== undefined && isKnown(spec.kmsKey)) {
    const match = /^projects\/[^/]+\/locations\/([^/]+)\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/.exec(spec.kmsKey);
    if (!match) throw fail('kmsKey', spec.kmsKey, "is not a Cloud KMS key name; use 'projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>'");
    if (isKnown(target.region) && match[1] !== target.region) {
      throw fail('kmsKey', spec.kmsKey, `is in location '${match[1]}' and the dataset in '${target.region}'; BigQuery and Logging take a key in the data's own region`);
    }
  }
}
