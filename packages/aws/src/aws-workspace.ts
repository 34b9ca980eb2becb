import { createHash } from 'crypto';
import { DataAwsIamPolicyDocument, DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamGroupPolicyAttachment } from '@cdktf/provider-aws/lib/iam-group-policy-attachment';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { IamUserPolicyAttachment } from '@cdktf/provider-aws/lib/iam-user-policy-attachment';
import { Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { AwsTargetOptions } from './target';
import { WorkspaceSpec } from 'cdktf-ml-workspace/lib/host/workspace-spec';
import { BuiltWorkspace } from 'cdktf-ml-workspace/lib/clouds/common/built';
import { AwsHost, partitionOf } from './host';
import { policyDocument } from './iam';
import { AwsWorkspaceResources } from './resources';
import { awsIde } from './roles/ide';

/** The policy's id and name parts and how to attach it, for a role, user or group ARN. */
function principalParts(member: string): { kind: string; principalName: string; hash: string; id: string } {
  const [, , , , , resource] = member.split(':');
  const [kind, ...path] = resource.split('/');
  const principalName = path[path.length - 1];
  const hash = createHash('sha256').update(member).digest('hex').slice(0, 8);
  return { kind, principalName, hash, id: `Access-${kind}-${principalName}-${hash}` };
}

/** Session Manager sessions to the instances, ending one's own sessions, reading the tokens. */
function accessStatements(scope: Construct, target: AwsTargetOptions, instances: string[], tokens: string[]): DataAwsIamPolicyDocumentStatement[] {
  const partition = `arn:${partitionOf(scope).partition}`;
  const statements: DataAwsIamPolicyDocumentStatement[] = [
    {
      sid: instances.length === 1 ? 'StartSessionsToThisWorkspace' : 'StartSessionsToTheseWorkspaces',
      effect: 'Allow',
      actions: ['ssm:StartSession'],
      resources: [
        ...instances,
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
  if (tokens.length > 0) {
    statements.push({ sid: tokens.length === 1 ? 'ReadConnectionToken' : 'ReadConnectionTokens', effect: 'Allow', actions: ['secretsmanager:GetSecretValue'], resources: tokens });
  }
  return statements;
}

function attachPolicy(scope: Construct, id: string, kind: string, principalName: string, policy: IamPolicy): void {
  const attach = { policyArn: policy.arn };
  if (kind === 'role') new IamRolePolicyAttachment(scope, `${id}-Attachment`, { ...attach, role: principalName });
  else if (kind === 'user') new IamUserPolicyAttachment(scope, `${id}-Attachment`, { ...attach, user: principalName });
  else new IamGroupPolicyAttachment(scope, `${id}-Attachment`, { ...attach, group: principalName });
}

const tokenOf = (resources: AwsWorkspaceResources) => resources.secrets.find((s) => s.node.id === 'ConnectionTokenSecret');

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
  const { kind, principalName, hash, id } = principalParts(member);
  const token = tokenOf(resources);
  const policy = new IamPolicy(scope, id, {
    name: `${resources.role.name}-access-${hash}`,
    description: `Use ML workspace ${workspaceName} through Session Manager`,
    policy: policyDocument(scope, `${id}-Document`, accessStatements(scope, target, [resources.instance.arn], token ? [token.arn] : [])),
  });
  attachPolicy(scope, id, kind, principalName, policy);
}

/**
 * Lets a principal use every workspace of a group (a fleet's admins) through one policy, so a
 * large fleet does not run into the quota of managed policies per role, user or group. The
 * workspaces are read at synthesis: members added later are in it.
 *
 * @internal
 */
export function grantAwsAccessToAll(
  scope: Construct,
  label: string,
  target: AwsTargetOptions,
  workspaces: () => AwsWorkspaceResources[],
  member: string,
): void {
  const { kind, principalName, hash, id } = principalParts(member);
  const statements = Lazy.anyValue({
    produce: () => {
      const all = workspaces();
      return accessStatements(scope, target, all.map((r) => r.instance.arn), all.flatMap((r) => tokenOf(r)?.arn ?? []));
    },
  });
  const document = new DataAwsIamPolicyDocument(scope, `${id}-Document`, { statement: statements as unknown as DataAwsIamPolicyDocumentStatement[] });
  const policy = new IamPolicy(scope, id, {
    name: `mlwfleet-${label}-${target.region}-access-${hash}`,
    description: `Use every ML workspace of ${label} through Session Manager`,
    policy: document.json,
  });
  attachPolicy(scope, id, kind, principalName, policy);
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
    machine: machine.machine,
  };
}
