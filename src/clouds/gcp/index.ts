import { Token } from 'cdktf';
import { Cloud } from '../../core/cloud-target';
import { WorkspaceDns } from '../../core/dns';
import { registerWorkspaceCloud } from '../../workspace/workspace-cloud';
import { buildGcpWorkspace, grantGcpAccess } from './gcp-workspace';
import { GcpWorkspaceResources } from './resources';
import { validateGcpTarget } from './validate';

registerWorkspaceCloud({
  cloud: Cloud.GCP,
  resourcesProperty: 'gcp',
  publicDnsDefault: () => WorkspaceDns.cloudEndpoints(),
  nameScope: (target) => {
    const project = target.gcpOptions!.project;
    return { key: `gcp/${project}`, where: `GCP project '${project}'`, certain: !Token.isUnresolved(project), container: 'project' };
  },
  validate: (scope, spec, target) => validateGcpTarget(scope, spec, target.gcpOptions!),
  build: (scope, spec, target) => {
    const built = buildGcpWorkspace(scope, spec, target.gcpOptions!);
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
    grantGcpAccess(scope, target.gcpOptions!, resources as GcpWorkspaceResources, member);
  },
});
