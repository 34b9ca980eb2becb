import * as path from 'path';
import { Cloud } from 'cdktf-ml-workspace/lib/core/cloud-target';
import { azureOptions } from './target';
import { WorkspaceDns } from 'cdktf-ml-workspace/lib/core/dns';
import { AZURE_SHAPES } from './shapes';
import { registerWorkspaceCloud } from 'cdktf-ml-workspace/lib/host/workspace-cloud';
import { AccessMode } from 'cdktf-ml-workspace/lib/core/access';
import { invalid, knownAndDifferent } from 'cdktf-ml-workspace/lib/core/validation';
import { buildAzureWorkspace, grantAzureAccess } from './azure-workspace';
import { buildAzureNetwork } from './network';
import { AzureWorkspaceResources } from './resources';
import { validateAzureLocation, validateAzureNetworkPlacement, validateAzureTarget, validateAzureUsage } from './validate';
import { registerUsageCloud } from 'cdktf-ml-workspace/lib/host/usage-cloud';
import { addAzureBudget, buildAzureUsage } from './roles/usage';
import { addLibraryRoot } from 'cdktf-ml-workspace/lib/core/errors';

// Errors leave this package's frames out of their stacks, as the core's.
addLibraryRoot(path.resolve(__dirname, '..'));

registerWorkspaceCloud({
  cloud: Cloud.AZURE,
  publicDnsDefault: () => WorkspaceDns.azureDomainLabel(),
  nameScope: () => ({ key: 'azure', where: 'Azure', certain: false, container: 'subscription' }),
  validate: (scope, spec, target) => validateAzureTarget(scope, spec, azureOptions(target)),
  build: (scope, spec, target) => {
    const built = buildAzureWorkspace(scope, spec, azureOptions(target));
    return { ...built, defaultChild: built.resources.virtualMachine };
  },
  grant: (scope, _name, _target, resources, member, fail) => {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(member)) {
      throw fail(`'${member}' is not a Microsoft Entra object id; give the user's, group's or service principal's object id, e.g. '00000000-0000-0000-0000-000000000000'`);
    }
    grantAzureAccess(scope, resources as AzureWorkspaceResources, member);
  },
  cloudName: 'Azure',
  shapes: AZURE_SHAPES,
  quotaRegion: (target) => azureOptions(target).location,
  fixedMachine: (target) => {
    const value = azureOptions(target).vmSize;
    return value === undefined ? undefined : { prop: 'target.vmSize', value };
  },
  namesExistingNetwork: (target) => azureOptions(target).subnetId !== undefined,
  sharedNetworkTakes: (mode) => mode === AccessMode.PRIVATE,
  principalForm: "a Microsoft Entra object id",
  ownerPrincipal: () => undefined,
  validateNetwork: (scope, spec, target) => {
    const options = azureOptions(target);
    const fail = (prop: string, value: unknown, problem: string) => invalid(scope, spec.kind, prop, value, problem);
    validateAzureLocation(fail, options);
    if (options.subnetId !== undefined) {
      throw fail(
        'target.subnetId',
        options.subnetId,
        'names an existing network, and a WorkspaceNetwork creates one; give that target to the workspaces (or the fleet) directly and leave out the WorkspaceNetwork',
      );
    }
    validateAzureNetworkPlacement(fail, options, true);
  },
  buildNetwork: (scope, spec, target) => {
    const shared = buildAzureNetwork(scope, spec, azureOptions(target));
    return { resources: shared.resources, attachment: shared, defaultChild: shared.resources.virtualNetwork };
  },
  joinProblem: (spec, target, network) => {
    const own = azureOptions(target);
    const theirs = azureOptions(network.target);
    if (spec.access.mode === AccessMode.PUBLIC) {
      return {
        prop: 'network',
        value: network.path,
        problem:
          "cannot take a public workspace on Azure: its subnet's NSG admits only Azure Bastion, and a public workspace is reached on its own IP and needs neither the network's NAT nor its Bastion; leave out network for it",
      };
    }
    if (own.subnetId !== undefined) {
      return { prop: 'target.subnetId', value: own.subnetId, problem: `cannot be given together with network ('${network.path}'); remove one of them` };
    }
    for (const key of ['location', 'vnetCidr'] as const) {
      if (knownAndDifferent(own[key], theirs[key])) {
        return { prop: `target.${key}`, value: own[key], problem: `differs from the network's (${JSON.stringify(theirs[key] ?? null)}, '${network.path}'); a workspace joins a network in its own location: use the network's target` };
      }
    }
    return undefined;
  },
});

registerUsageCloud({
  cloud: Cloud.AZURE,
  validate: (scope, spec, target) => validateAzureUsage(scope, spec, azureOptions(target)),
  build: (scope, spec, target) => buildAzureUsage(scope, spec, azureOptions(target)),
  addBudget: (scope, spec, target, built, budget) => addAzureBudget(scope, spec, azureOptions(target), built, budget),
  // The export and the activity log cover the whole subscription, whatever the location.
  coverageProblem: () => undefined,
});
