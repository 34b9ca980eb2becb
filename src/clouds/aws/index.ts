import { Cloud } from '../../core/cloud-target';
import { WorkspaceDns } from '../../core/dns';
import { registerWorkspaceCloud } from '../../workspace/workspace-cloud';
import { buildAwsWorkspace, grantAwsAccess } from './aws-workspace';
import { AwsWorkspaceResources } from './resources';
import { validateAwsTarget } from './validate';

registerWorkspaceCloud({
  cloud: Cloud.AWS,
  resourcesProperty: 'aws',
  publicDnsDefault: () => WorkspaceDns.none(),
  nameScope: () => ({ key: 'aws', where: 'AWS', certain: false, container: 'account' }),
  validate: (scope, spec, target) => validateAwsTarget(scope, spec, target.awsOptions!),
  build: (scope, spec, target) => {
    const built = buildAwsWorkspace(scope, spec, target.awsOptions!);
    return { ...built, defaultChild: built.resources.instance };
  },
  grant: (scope, name, target, resources, member, fail) => {
    if (!/^arn:aws[a-z-]*:iam::\d{12}:(role|user|group)\/[\w+=,.@/-]+$/.test(member)) {
      throw fail(`'${member}' is not an IAM role, user or group ARN; write it like 'arn:aws:iam::123456789012:role/alice'`);
    }
    grantAwsAccess(scope, name, target.awsOptions!, resources as AwsWorkspaceResources, member);
  },
});
