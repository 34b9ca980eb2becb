import { Cloud } from '../../core/cloud-target';
import { WorkspaceDns } from '../../core/dns';
import { registerWorkspaceCloud } from '../../workspace/workspace-cloud';
import { buildAzureWorkspace, grantAzureAccess } from './azure-workspace';
import { AzureWorkspaceResources } from './resources';
import { validateAzureTarget } from './validate';

registerWorkspaceCloud({
  cloud: Cloud.AZURE,
  resourcesProperty: 'azure',
  publicDnsDefault: () => WorkspaceDns.azureDomainLabel(),
  nameScope: () => ({ key: 'azure', where: 'Azure', certain: false, container: 'subscription' }),
  validate: (scope, spec, target) => validateAzureTarget(scope, spec, target.azureOptions!),
  build: (scope, spec, target) => {
    const built = buildAzureWorkspace(scope, spec, target.azureOptions!);
    return { ...built, defaultChild: built.resources.virtualMachine };
  },
  grant: (scope, _name, _target, resources, member, fail) => {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(member)) {
      throw fail(`'${member}' is not a Microsoft Entra object id; give the user's, group's or service principal's object id, e.g. '00000000-0000-0000-0000-000000000000'`);
    }
    grantAzureAccess(scope, resources as AzureWorkspaceResources, member);
  },
});
