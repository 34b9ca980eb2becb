import * as path from 'path';
import { Token } from 'cdktf';
import { gcpOptions } from './target';
import { Cloud } from 'cdktf-ml-workspace/lib/core/cloud-target';
import { WorkspaceDns } from 'cdktf-ml-workspace/lib/core/dns';
import { GCP_SHAPES } from './shapes';
import { registerWorkspaceCloud } from 'cdktf-ml-workspace/lib/host/workspace-cloud';
import { invalid, knownAndDifferent } from 'cdktf-ml-workspace/lib/core/validation';
import { buildGcpWorkspace, grantGcpAccess } from './gcp-workspace';
import { buildGcpNetwork } from './network';
import { GcpWorkspaceResources } from './resources';
import { validateGcpPlacement, validateGcpTarget, validateGcpUsage } from './validate';
import { registerUsageCloud } from 'cdktf-ml-workspace/lib/host/usage-cloud';
import { addGcpBudget, buildGcpUsage } from './roles/usage';
import { addLibraryRoot } from 'cdktf-ml-workspace/lib/core/errors';

// Errors leave this package's frames out of their stacks, as the core's.
addLibraryRoot(path.resolve(__dirname, '..'));

registerWorkspaceCloud({
  cloud: Cloud.GCP,
  publicDnsDefault: () => WorkspaceDns.cloudEndpoints(),
  nameScope: (target) => {
    const project = gcpOptions(target).project;
    return { key: `gcp/${project}`, where: `GCP project '${project}'`, certain: !Token.isUnresolved(project), container: 'project' };
  },
  validate: (scope, spec, target) => validateGcpTarget(scope, spec, gcpOptions(target)),
  build: (scope, spec, target) => {
    const built = buildGcpWorkspace(scope, spec, gcpOptions(target));
    return { ...built, defaultChild: built.resources.instance };
  },
  grant: (scope, _name, target, resources, member, fail) => {
    if (!/^(user|group|serviceAccount|domain):\S+$|^principal(Set)?:\/\/\S+$/.test(member)) {
      throw fail(`'${member}' is not an IAM principal; write it like 'user:alice@example.com' or 'group:ml-team@example.com'`);
    }
    if (/^domain:/.test(member) || /^principalSet:\/\/goog\/public:/.test(member) || /^(allUsers|allAuthenticatedUsers)$/.test(member)) {
      throw fail(
        `'${member}' grants everyone ${member.startsWith('domain:') ? 'with an account in that domain' : 'on the internet'}; a workspace is one person's machine: grant a person ('user:...') or a group ('group:ml-team@example.com')`,
      );
    }
    grantGcpAccess(scope, gcpOptions(target), resources as GcpWorkspaceResources, member);
  },
  cloudName: 'GCP',
  shapes: GCP_SHAPES,
  quotaRegion: (target) => gcpOptions(target).region,
  fixedMachine: (target) => {
    const value = gcpOptions(target).machineType;
    return value === undefined ? undefined : { prop: 'target.machineType', value };
  },
  namesExistingNetwork: (target) => gcpOptions(target).network !== undefined,
  sharedNetworkTakes: () => true,
  principalForm: "an IAM principal such as 'user:alice@example.com'",
  ownerPrincipal: (owner) => `user:${owner}`,
  validateNetwork: (scope, spec, target) => {
    const options = gcpOptions(target);
    validateGcpPlacement((prop, value, problem) => invalid(scope, spec.kind, prop, value, problem), options);
    if (options.network !== undefined || options.subnetwork !== undefined) {
      throw invalid(
        scope,
        spec.kind,
        options.network !== undefined ? 'target.network' : 'target.subnetwork',
        options.network ?? options.subnetwork,
        'names an existing network, and a WorkspaceNetwork creates one; give that target to the workspaces (or the fleet) directly and leave out the WorkspaceNetwork',
      );
    }
  },
  buildNetwork: (scope, spec, target) => {
    const resources = buildGcpNetwork(scope, spec, gcpOptions(target));
    return { resources, attachment: resources, defaultChild: resources.network };
  },
  joinProblem: (_spec, target, network) => {
    const own = gcpOptions(target);
    const theirs = gcpOptions(network.target);
    if (own.network !== undefined || own.subnetwork !== undefined) {
      return { prop: 'target.network', value: own.network ?? own.subnetwork, problem: `cannot be given together with network ('${network.path}'); remove one of them` };
    }
    for (const key of ['project', 'region', 'subnetCidr'] as const) {
      if (knownAndDifferent(own[key], theirs[key])) {
        return { prop: `target.${key}`, value: own[key], problem: `differs from the network's (${JSON.stringify(theirs[key] ?? null)}, '${network.path}'); a workspace joins a network in its own project and region: use the network's target` };
      }
    }
    return undefined;
  },
});

registerUsageCloud({
  cloud: Cloud.GCP,
  validate: (scope, spec, target) => validateGcpUsage(scope, spec, gcpOptions(target)),
  build: (scope, spec, target) => buildGcpUsage(scope, spec, gcpOptions(target)),
  addBudget: (scope, spec, target, built, budget) => addGcpBudget(scope, spec, gcpOptions(target), built, budget),
  coverageProblem: (exporter, workspace) => {
    const [ours, theirs] = [gcpOptions(exporter).project, gcpOptions(workspace).project];
    return knownAndDifferent(ours, theirs)
      ? `is in project '${theirs}' and the exporter reads project '${ours}'; make an exporter for that project (budgets and views filter by project)`
      : undefined;
  },
});
