import * as path from 'path';
import { Cloud } from 'cdktf-ml-workspace/lib/core/cloud-target';
import { awsOptions } from './target';
import { WorkspaceDns } from 'cdktf-ml-workspace/lib/core/dns';
import { AWS_SHAPES } from './shapes';
import { registerWorkspaceCloud } from 'cdktf-ml-workspace/lib/host/workspace-cloud';
import { invalid, knownAndDifferent } from 'cdktf-ml-workspace/lib/core/validation';
import { buildAwsWorkspace, grantAwsAccess, grantAwsAccessToAll } from './aws-workspace';
import { buildAwsNetwork } from './network';
import { AwsWorkspaceResources } from './resources';
import { validateAwsPlacement, validateAwsTarget, validateAwsUsage } from './validate';
import { registerUsageCloud } from 'cdktf-ml-workspace/lib/host/usage-cloud';
import { addAwsBudget, buildAwsUsage } from './roles/usage';
import { addLibraryRoot } from 'cdktf-ml-workspace/lib/core/errors';

// Errors leave this package's frames out of their stacks, as the core's.
addLibraryRoot(path.resolve(__dirname, '..'));

registerWorkspaceCloud({
  cloud: Cloud.AWS,
  publicDnsDefault: () => WorkspaceDns.none(),
  nameScope: () => ({ key: 'aws', where: 'AWS', certain: false, container: 'account' }),
  validate: (scope, spec, target) => validateAwsTarget(scope, spec, awsOptions(target)),
  build: (scope, spec, target) => {
    const built = buildAwsWorkspace(scope, spec, awsOptions(target));
    return { ...built, defaultChild: built.resources.instance };
  },
  grant: (scope, name, target, resources, member, fail) => {
    checkPrincipal(member, fail);
    grantAwsAccess(scope, name, awsOptions(target), resources as AwsWorkspaceResources, member);
  },
  grantAll: (scope, label, target, workspaces, member, fail) => {
    checkPrincipal(member, fail);
    grantAwsAccessToAll(scope, label, awsOptions(target), workspaces as () => AwsWorkspaceResources[], member);
  },
  principalForm: 'an IAM role, user or group ARN',
  cloudName: 'AWS',
  shapes: AWS_SHAPES,
  quotaRegion: (target) => awsOptions(target).region,
  fixedMachine: (target) => {
    const value = awsOptions(target).instanceType;
    return value === undefined ? undefined : { prop: 'target.instanceType', value };
  },
  namesExistingNetwork: (target) => awsOptions(target).vpcId !== undefined,
  sharedNetworkTakes: () => true,
  ownerPrincipal: () => undefined,

  validateNetwork: (scope, spec, target) => {
    const options = awsOptions(target);
    validateAwsPlacement((prop, value, problem) => invalid(scope, spec.kind, prop, value, problem), options);
    if (options.vpcId !== undefined || options.subnetId !== undefined) {
      throw invalid(
        scope,
        spec.kind,
        options.vpcId !== undefined ? 'target.vpcId' : 'target.subnetId',
        options.vpcId ?? options.subnetId,
        'names an existing network, and a WorkspaceNetwork creates one; give that target to the workspaces (or the fleet) directly and leave out the WorkspaceNetwork',
      );
    }
  },
  buildNetwork: (scope, spec, target) => {
    const shared = buildAwsNetwork(scope, spec, awsOptions(target));
    return { resources: shared.resources, attachment: shared, defaultChild: shared.resources.vpc };
  },
  joinProblem: (_spec, target, network) => {
    const own = awsOptions(target);
    const theirs = awsOptions(network.target);
    if (own.vpcId !== undefined || own.subnetId !== undefined) {
      return { prop: 'target.vpcId', value: own.vpcId ?? own.subnetId, problem: `cannot be given together with network ('${network.path}'); remove one of them` };
    }
    const zone = (o: typeof own) => o.availabilityZone ?? `${o.region}a`;
    const mismatch: Array<[string, string | undefined, string | undefined]> = [
      ['region', own.region, theirs.region],
      ['availabilityZone', own.availabilityZone === undefined ? undefined : zone(own), own.availabilityZone === undefined ? undefined : zone(theirs)],
      ['vpcCidr', own.vpcCidr, theirs.vpcCidr],
    ];
    for (const [key, mine, its] of mismatch) {
      if (knownAndDifferent(mine, its)) {
        return { prop: `target.${key}`, value: mine, problem: `differs from the network's (${JSON.stringify(its ?? null)}, '${network.path}'); a workspace joins a network in its own region and zone (home volumes are zonal): use the network's target` };
      }
    }
    return undefined;
  },
});

registerUsageCloud({
  cloud: Cloud.AWS,
  validate: (scope, spec, target) => validateAwsUsage(scope, spec, awsOptions(target)),
  build: (scope, spec, target) => buildAwsUsage(scope, spec, awsOptions(target)),
  addBudget: (scope, spec, target, built, budget) => addAwsBudget(scope, spec, awsOptions(target), built, budget),
  coverageProblem: (exporter, workspace) => {
    const [ours, theirs] = [awsOptions(exporter).region, awsOptions(workspace).region];
    return knownAndDifferent(ours, theirs)
      ? `is in region '${theirs}' and the exporter in '${ours}'; EC2 state changes reach only an exporter in their own region: make an exporter there (budgets and cost views cover the whole account either way)`
      : undefined;
  },
});

/** Refuses what is not an IAM role, user or group ARN. */
function checkPrincipal(member: string, fail: (problem: string) => Error): void {
  if (!/^arn:aws[a-z-]*:iam::\d{12}:(role|user|group)\/[\w+=,.@/-]+$/.test(member)) {
    throw fail(`'${member}' is not an IAM role, user or group ARN; write it like 'arn:aws:iam::123456789012:role/alice'`);
  }
}
