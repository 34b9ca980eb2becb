import { createHash } from 'crypto';
import { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamGroupPolicyAttachment } from '@cdktf/provider-aws/lib/iam-group-policy-attachment';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { IamUserPolicyAttachment } from '@cdktf/provider-aws/lib/iam-user-policy-attachment';
import { Construct } from 'constructs';
import { AwsTargetOptions } from '../../core/cloud-target';
import { WorkspaceSpec } from '../../host/workspace-spec';
import { BuiltWorkspace } from '../common/built';
import { AwsHost, partitionOf } from './host';
import { policyDocument } from './iam';
import { AwsWorkspaceResources } from './resources';
import { awsIde } from './roles/ide';

/**
 * Lets a principal use a workspace: Session Manager sessions (shell and port forwarding) to
 * this instance only, and reading the connection token when the workspace has one.
 *
 * @internal
 */
export function grantAwsAccess(
  scope: Construct,
  workspaceName: string,
  target: AwsTargetOptions,
  resources: AwsWorkspaceResources,
  member: string,
): void {
  const [, , , , , resource] = member.split(':');
  const [kind, ...path] = resource.split('/');
  const principalName = path[path.length - 1];
  const hash = createHash('sha256').update(member).digest('hex').slice(0, 8);
  const id = `Access-${kind}-${principalName}-${hash}`;
  const partition = `arn:${partitionOf(scope).partition}`;
  const statements: DataAwsIamPolicyDocumentStatement[] = [
    {
      sid: 'StartSessionsToThisWorkspace',
      effect: 'Allow',
      actions: ['ssm:StartSession'],
      resources: [
        resources.instance.arn,
        `${partition}:ssm:${target.region}::document/AWS-StartPortForwardingSession`,
        `${partition}:ssm:${target.region}::document/SSM-SessionManagerRunShell`,
      ],
    },
    {
      sid: 'EndOwnSessions',
      effect: 'Allow',
      actions: ['ssm:TerminateSession', 'ssm:ResumeSession'],
      // `$${...}` is an IAM policy variable, escaped from Terraform interpolation.
      resources: [`${partition}:ssm:*:*:session/$\${aws:userid}-*`],
    },
  ];
  const token = resources.secrets.find((s) => s.node.id === 'ConnectionTokenSecret');
  if (token) {
    statements.push({ sid: 'ReadConnectionToken', effect: 'Allow', actions: ['secretsmanager:GetSecretValue'], resources: [token.arn] });
  }
  const policy = new IamPolicy(scope, id, {
    name: `${resources.role.name}-access-${hash}`,
    description: `Use ML workspace ${workspaceName} through Session Manager`,
    policy: policyDocument(scope, `${id}-Document`, statements),
  });
  const attach = { policyArn: policy.arn };
  if (kind === 'role') new IamRolePolicyAttachment(scope, `${id}-Attachment`, { ...attach, role: principalName });
  else if (kind === 'user') new IamUserPolicyAttachment(scope, `${id}-Attachment`, { ...attach, user: principalName });
  else new IamGroupPolicyAttachment(scope, `${id}-Attachment`, { ...attach, group: principalName });
}

/**
 * Builds a workspace on AWS: a host with the IDE role.
 *
 * @internal
 */
export function buildAwsWorkspace(scope: Construct, spec: WorkspaceSpec, target: AwsTargetOptions): BuiltWorkspace<AwsWorkspaceResources> {
  const host = new AwsHost(scope, spec, target);
  const ide = awsIde(host, spec, target);
  const machine = host.finish();
  const { dnsRecord, signIn } = ide.finish(machine);
  const own = host.ownNetwork;
  return {
    resources: {
      instance: machine.instance,
      instanceState: machine.instanceState,
      homeVolume: machine.homeVolume,
      snapshotPolicy: machine.snapshotPolicy,
      role: host.role,
      instanceProfile: host.instanceProfile,
      securityGroup: host.securityGroup,
      secrets: host.secrets,
      vpc: own?.vpc,
      subnet: own?.subnet,
      flowLog: own?.flowLog,
      natGateway: own?.natGateway,
      vpcEndpoints: own?.vpcEndpoints ?? [],
      elasticIp: host.elasticIp,
      dnsRecord,
    },
    url: ide.url,
    ipAddress: machine.ipAddress,
    hostName: ide.domain,
    instanceName: machine.instance.id,
    signIn,
    principal: host.principal,
  };
}
