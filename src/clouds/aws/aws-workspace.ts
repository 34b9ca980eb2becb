import { createHash } from 'crypto';
import { DataAwsAmi } from '@cdktf/provider-aws/lib/data-aws-ami';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsSubnet } from '@cdktf/provider-aws/lib/data-aws-subnet';
import { DataAwsSecretsmanagerSecret } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-secret';
import { DlmLifecyclePolicy } from '@cdktf/provider-aws/lib/dlm-lifecycle-policy';
import { EbsVolume } from '@cdktf/provider-aws/lib/ebs-volume';
import { Ec2InstanceState } from '@cdktf/provider-aws/lib/ec2-instance-state';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { EipAssociation } from '@cdktf/provider-aws/lib/eip-association';
import { IamGroupPolicyAttachment } from '@cdktf/provider-aws/lib/iam-group-policy-attachment';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { IamUserPolicyAttachment } from '@cdktf/provider-aws/lib/iam-user-policy-attachment';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VolumeAttachment } from '@cdktf/provider-aws/lib/volume-attachment';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Fn, ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { AccessMode, tunnelLocalPort } from '../../core/access';
import { LabelKey } from '../../core/labels';
import { AuthMode } from '../../core/auth';
import { AwsTargetOptions } from '../../core/cloud-target';
import { DnsMode } from '../../core/dns';
import { TlsMode } from '../../core/tls';
import { MachineSecret, renderMachineDocument, SecretName } from '../../nixos/machine-config';
import { recordIntent } from '../../policy/rule';
import { WorkspaceSpec } from '../../workspace/workspace-spec';
import { BuiltWorkspace } from '../common/built';
import { workspaceMachineDocument } from '../common/machine-document';
import { ensureProvider, ensureRandomProvider } from '../common/providers';
import { openForSignIn, openInBrowser } from '../common/sign-in';
import { makeCertificate } from '../common/tls';
import { validateProviderTags } from '../common/tag-limits';
import { connectionToken, cookieSecret } from '../common/token';
import { awsInstance } from './instance-types';
import { assumeRole, policyDocument } from './iam';
import { awsNetworkParts, AwsNetworkParts, AwsSharedNetwork, DEFAULT_VPC_CIDR } from './network';
import { AwsWorkspaceResources } from './resources';
import { validateAwsUserData } from './validate';

/** The tag Data Lifecycle Manager selects home volumes by; its value is the workspace name. @internal */
export const SNAPSHOT_TAG = 'ml-workspace-home';
/** Where the home volume is attached; on Nitro instances the guest sees it by volume id. */
const HOME_DEVICE_NAME = '/dev/sdf';
/** Name pattern of the AMIs built from this library's flake. @internal */
export const AMI_NAME_PATTERN = 'ml-workspace-nixos-*';

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

/** The workspace's partition data source (aws, aws-cn, aws-us-gov), for ARNs. */
function partitionOf(scope: Construct): DataAwsPartition {
  return (scope.node.tryFindChild('Partition') as DataAwsPartition | undefined) ?? new DataAwsPartition(scope, 'Partition');
}

/**
 * Builds a workspace on AWS.
 *
 * @internal
 */
export function buildAwsWorkspace(scope: Construct, spec: WorkspaceSpec, target: AwsTargetOptions): BuiltWorkspace<AwsWorkspaceResources> {
  const { region } = target;
  ensureProvider(scope, 'aws', (stack) => new AwsProvider(stack, 'ml-workspace-aws', { region }));
  ensureRandomProvider(scope);
  // The home volume (the labels, its Name and the snapshot tag) and the instance (the labels,
  // its Name and its nixpkgs revision) carry the most keys.
  validateProviderTags(scope, spec.kind, 'AWS', 50, [...Object.keys(spec.labels), 'Name', SNAPSHOT_TAG]);

  const name = spec.name;
  const isPublic = spec.access.mode === AccessMode.PUBLIC;
  const tags = (suffix?: string) => ({ ...spec.labels, Name: suffix ? `${name}-${suffix}` : name });
  const preset = awsInstance(spec.size, spec.gpu);
  const instanceType = spec.machine?.type ?? target.instanceType ?? preset!.instanceType;
  const gpu = spec.gpu !== undefined;
  const kms = target.kmsKeyArn;
  const partition = `arn:${partitionOf(scope).partition}`;
  const account = new DataAwsCallerIdentity(scope, 'Account').accountId;
  // IAM names are global to the account: the region keeps two regions' workspaces apart.
  const iamName = `mlw-${name}-${region}`;

  // --- network: the shared one, the target's, or its own --------------------------------------
  const attached = spec.network?.attachment as AwsSharedNetwork | undefined;
  const shared = attached?.resources;
  let own: AwsNetworkParts | undefined;
  const availabilityZone = shared ? shared.availabilityZone : target.availabilityZone ?? `${region}a`;
  let vpcId = shared ? shared.vpc.id : target.vpcId;
  let subnetId = shared ? (isPublic ? shared.publicSubnet.id : shared.privateSubnet.id) : target.subnetId;
  let networkReady: ITerraformDependable[] = attached ? (isPublic ? attached.publicReady : attached.privateReady) : [];
  if (!vpcId) {
    own = awsNetworkParts(scope, {
      name,
      iamName,
      region,
      account,
      vpcCidr: target.vpcCidr ?? DEFAULT_VPC_CIDR,
      availabilityZone,
      use: isPublic ? 'public' : 'private',
      tags,
    });
    vpcId = own.vpc.id;
    subnetId = own.subnet.id;
    networkReady = own.ready;
  }
  const internetGateway = shared ? shared.internetGateway : own?.internetGateway;

  // --- the instance's security group: only what the access mode needs ----------------------
  const securityGroup = new SecurityGroup(scope, 'SecurityGroup', {
    name: `${name}-workspace`,
    description: isPublic
      ? `ML workspace ${name}: HTTPS from the allowed ranges, no SSH (Session Manager)`
      : `ML workspace ${name}: no inbound traffic (Session Manager)`,
    vpcId,
    revokeRulesOnDelete: true,
    tags: tags('workspace'),
  });
  const ruleId = (cidr: string, index: number) => (Token.isUnresolved(cidr) ? String(index) : cidr.replace(/[/:]/g, '_'));
  if (isPublic) {
    // One rule per distinct range: AWS refuses duplicate rules.
    [...new Set(spec.access.allowedCidrs)].forEach((cidr, index) => {
      const ipv6 = !Token.isUnresolved(cidr) && cidr.includes(':');
      new VpcSecurityGroupIngressRule(scope, `HttpsIngress-${ruleId(cidr, index)}`, {
        securityGroupId: securityGroup.id,
        description: 'HTTPS to the IDE from an allowed range',
        ipProtocol: 'tcp',
        fromPort: 443,
        toPort: 443,
        ...(ipv6 ? { cidrIpv6: cidr } : { cidrIpv4: cidr }),
        tags: tags('https'),
      });
    });
    if (spec.tls.mode === TlsMode.LETS_ENCRYPT) {
      new VpcSecurityGroupIngressRule(scope, 'AcmeIngress', {
        securityGroupId: securityGroup.id,
        description: "Let's Encrypt HTTP-01 challenge and redirect to HTTPS; nginx serves nothing else on 80",
        ipProtocol: 'tcp',
        fromPort: 80,
        toPort: 80,
        cidrIpv4: '0.0.0.0/0',
        tags: tags('acme'),
      });
    }
  }
  new VpcSecurityGroupEgressRule(scope, 'HttpsEgress', {
    securityGroupId: securityGroup.id,
    description: "HTTPS only: Nix binary cache and sources, Let's Encrypt, Systems Manager, Secrets Manager",
    ipProtocol: 'tcp',
    fromPort: 443,
    toPort: 443,
    cidrIpv4: '0.0.0.0/0',
    tags: tags('egress'),
  });

  // --- identity: an instance role with Session Manager and its own secrets ---------------------
  const role = new IamRole(scope, 'Role', {
    name: iamName,
    description: `Runs ML workspace ${name}: Session Manager, its own secrets`,
    assumeRolePolicy: assumeRole(scope, 'AssumeRole', 'ec2.amazonaws.com'),
    tags: tags('role'),
  });
  new IamRolePolicyAttachment(scope, 'SessionManager', {
    role: role.name,
    policyArn: `${partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`,
  });
  const instanceProfile = new IamInstanceProfile(scope, 'InstanceProfile', { name: iamName, role: role.name, tags: tags('role') });

  const elasticIp = isPublic
    ? new Eip(scope, 'ElasticIp', { domain: 'vpc', tags: tags('ip'), dependsOn: internetGateway ? [internetGateway] : undefined })
    : undefined;

  // --- DNS -----------------------------------------------------------------------------------
  // Private workspaces without a zone are reached at localhost through a Session Manager tunnel.
  const domain =
    spec.dns.mode === DnsMode.ZONE ? spec.dns.zone!.recordName.replace(/\.$/, '') : elasticIp ? elasticIp.publicDns : 'localhost';

  // --- secrets the instance reads at boot ------------------------------------------------------
  const secrets: SecretsmanagerSecret[] = [];
  const machineSecrets: Record<string, MachineSecret> = {};
  const secretVersions: ITerraformDependable[] = [];
  const readableSecrets: string[] = [];
  const addSecret = (idPrefix: string, fileName: string, owner: string, value: string) => {
    const secret = new SecretsmanagerSecret(scope, `${idPrefix}Secret`, {
      // A prefix, not a name: a deleted secret's name stays reserved for its recovery window.
      namePrefix: `ml-workspace/${name}/${fileName}-`,
      description: `${fileName} of ML workspace ${name}, read by the instance at boot`,
      recoveryWindowInDays: 7,
      ...(kms ? { kmsKeyId: kms } : {}),
      tags: tags(fileName),
    });
    secretVersions.push(new SecretsmanagerSecretVersion(scope, `${idPrefix}SecretVersion`, { secretId: secret.id, secretString: value }));
    secrets.push(secret);
    readableSecrets.push(secret.arn);
    machineSecrets[fileName] = { source: secret.arn, owner };
    return secret;
  };

  let tokenSecret: SecretsmanagerSecret | undefined;
  if (spec.auth.mode === AuthMode.CONNECTION_TOKEN) {
    const token = connectionToken(scope, spec.auth.rotationDays);
    tokenSecret = addSecret('ConnectionToken', SecretName.CONNECTION_TOKEN, spec.user, token.password.result);
  } else {
    const sso = spec.auth.sso!;
    const cookie = cookieSecret(scope, spec.auth.rotationDays);
    addSecret('CookieSecret', SecretName.OAUTH2_COOKIE_SECRET, 'oauth2-proxy', cookie.password.result);
    const clientSecret = new DataAwsSecretsmanagerSecret(scope, 'ClientSecret', { name: sso.clientSecretName });
    readableSecrets.push(clientSecret.arn);
    machineSecrets[SecretName.OAUTH2_CLIENT_SECRET] = { source: clientSecret.arn, owner: 'oauth2-proxy' };
  }

  // Public workspaces are reached at their name (Route 53 or the EIP's public DNS name), private
  // ones through their own local Session Manager port.
  const tunnelPort = tunnelLocalPort(name);
  const url = isPublic ? `https://${domain}/` : `https://localhost:${tunnelPort}/`;
  const dnsNames = domain === 'localhost' ? ['localhost'] : [domain, 'localhost'];
  const cert = makeCertificate(scope, spec.tls, domain, dnsNames);
  if (cert) {
    addSecret('TlsCert', SecretName.TLS_CERT, 'nginx', cert.certPem);
    addSecret('TlsKey', SecretName.TLS_KEY, 'nginx', cert.key.privateKeyPem);
  }

  const readStatements: DataAwsIamPolicyDocumentStatement[] = [
    { sid: 'ReadOwnSecrets', effect: 'Allow', actions: ['secretsmanager:GetSecretValue'], resources: readableSecrets },
  ];
  if (kms) {
    readStatements.push({
      sid: 'DecryptOwnSecrets',
      effect: 'Allow',
      actions: ['kms:Decrypt'],
      resources: [kms],
      condition: [{ test: 'StringEquals', variable: 'kms:ViaService', values: [`secretsmanager.${region}.amazonaws.com`] }],
    });
  }
  const readPolicy = new IamRolePolicy(scope, 'ReadSecrets', {
    name: 'read-own-secrets',
    role: role.id,
    policy: policyDocument(scope, 'ReadSecretsPolicy', readStatements),
  });

  // --- home volume, kept across instance re-creation, snapshotted daily --------------------------
  const homeVolume = new EbsVolume(scope, 'HomeVolume', {
    // A volume attaches only to an instance in its own zone: with a given subnet, the subnet's.
    availabilityZone:
      own || shared || target.availabilityZone
        ? availabilityZone
        : new DataAwsSubnet(scope, 'ExistingSubnet', { id: target.subnetId }).availabilityZone,
    size: spec.homeDiskSizeGiB,
    type: 'gp3',
    encrypted: true,
    ...(kms ? { kmsKeyId: kms } : {}),
    tags: { ...tags('home'), [SNAPSHOT_TAG]: name },
    lifecycle: { preventDestroy: true },
  });
  if (kms) recordIntent(homeVolume, { kmsKeyName: kms });

  const doc = workspaceMachineDocument(spec, {
    cloud: 'aws',
    domain,
    url,
    gpu,
    // Nitro instances expose EBS volumes as NVMe devices whose serial is the volume id.
    homeDevice: `/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_${Fn.replace(homeVolume.id, '-', '')}`,
    secrets: machineSecrets,
  });
  validateAwsUserData(scope, spec.kind, doc);

  // --- the instance ------------------------------------------------------------------------------
  const ami = target.amiId
    ? target.amiId
    : new DataAwsAmi(scope, 'Image', {
      owners: ['self'],
      mostRecent: true,
      filter: [
        { name: 'name', values: [AMI_NAME_PATTERN] },
        { name: 'architecture', values: ['x86_64'] },
        { name: 'virtualization-type', values: ['hvm'] },
        { name: 'state', values: ['available'] },
      ],
    }).id;
  const instance = new Instance(scope, 'Resource', {
    ami,
    instanceType,
    subnetId,
    vpcSecurityGroupIds: [securityGroup.id],
    iamInstanceProfile: instanceProfile.name,
    // The Elastic IP is associated separately, so it survives re-creating the instance.
    associatePublicIpAddress: false,
    monitoring: true,
    ebsOptimized: true,
    // `cdktf destroy` or a console click must not take the workspace away by accident. EC2
    // refuses termination protection on Spot instances; their home volume is protected anyway.
    disableApiTermination: !spec.spot,
    // Idle stop and `poweroff` stop the instance (billing for compute stops), never terminate it.
    instanceInitiatedShutdownBehavior: 'stop',
    metadataOptions: {
      httpEndpoint: 'enabled',
      httpTokens: 'required',
      // 1: containers on the instance cannot reach the instance role's credentials.
      httpPutResponseHopLimit: 1,
      instanceMetadataTags: 'disabled',
    },
    rootBlockDevice: {
      volumeType: 'gp3',
      volumeSize: spec.bootDiskSizeGiB,
      encrypted: true,
      ...(kms ? { kmsKeyId: kms } : {}),
      deleteOnTermination: true,
      tags: tags('root'),
    },
    userData: renderMachineDocument(doc),
    // A changed document is applied by the bootstrap at the next boot; no replacement.
    userDataReplaceOnChange: false,
    ...(spec.spot
      ? {
        instanceMarketOptions: {
          marketType: 'spot',
          // Stop, not terminate: volumes, IP and name stay; it starts again when capacity returns.
          spotOptions: { instanceInterruptionBehavior: 'stop', spotInstanceType: 'persistent' },
        },
      }
      : {}),
    tags: { ...tags(), [LabelKey.NIXPKGS]: spec.nixpkgs.rev },
    // A newer image must not replace a running workspace; its document rebuilds the system.
    ...(target.amiId ? {} : { lifecycle: { ignoreChanges: ['ami'] } }),
    dependsOn: [...networkReady, ...secretVersions, readPolicy],
  });
  recordIntent(instance, { publicAccess: isPublic, ...(kms ? { kmsKeyName: kms } : {}) });

  new VolumeAttachment(scope, 'HomeVolumeAttachment', {
    deviceName: HOME_DEVICE_NAME,
    volumeId: homeVolume.id,
    instanceId: instance.id,
    stopInstanceBeforeDetaching: true,
  });
  const instanceState = new Ec2InstanceState(scope, 'State', {
    instanceId: instance.id,
    state: spec.running ? 'running' : 'stopped',
  });
  if (elasticIp) {
    const association = new EipAssociation(scope, 'ElasticIpAssociation', { allocationId: elasticIp.allocationId, instanceId: instance.id });
    recordIntent(association, { publicAccess: true });
  }

  // --- snapshots: Data Lifecycle Manager, daily ----------------------------------------------------
  const dlmRole = new IamRole(scope, 'SnapshotRole', {
    name: `${iamName}-dlm`,
    description: `Takes daily snapshots of ML workspace ${name}'s home volume`,
    assumeRolePolicy: assumeRole(scope, 'SnapshotAssumeRole', 'dlm.amazonaws.com', account),
    tags: tags('snapshots'),
  });
  new IamRolePolicyAttachment(scope, 'SnapshotRolePolicy', {
    role: dlmRole.name,
    policyArn: `${partition}:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole`,
  });
  if (kms) {
    new IamRolePolicy(scope, 'SnapshotKmsPolicy', {
      name: 'use-volume-key',
      role: dlmRole.id,
      policy: policyDocument(scope, 'SnapshotKmsDocument', [
        {
          effect: 'Allow',
          actions: ['kms:CreateGrant', 'kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
          resources: [kms],
        },
      ]),
    });
  }
  const snapshotPolicy = new DlmLifecyclePolicy(scope, 'SnapshotPolicy', {
    description: `Daily snapshots of ${name}'s home volume`,
    executionRoleArn: dlmRole.arn,
    state: 'ENABLED',
    policyDetails: {
      resourceTypes: ['VOLUME'],
      targetTags: { [SNAPSHOT_TAG]: name },
      schedule: [
        {
          name: 'daily',
          createRule: { interval: 24, intervalUnit: 'HOURS', times: ['03:00'] },
          retainRule: { count: spec.snapshotRetentionDays },
          copyTags: true,
          tagsToAdd: { 'snapshot-of': `${name}-home` },
        },
      ],
    },
    tags: tags('snapshots'),
  });

  // --- addresses, DNS record, sign-in ---------------------------------------------------------------
  const ipAddress = elasticIp ? elasticIp.publicIp : instance.privateIp;
  const zoneOptions = spec.dns.zone;
  const dnsRecord = zoneOptions
    ? new Route53Record(scope, 'DnsRecord', {
      zoneId: zoneOptions.zoneName,
      name: domain,
      type: 'A',
      ttl: zoneOptions.ttlSeconds ?? 300,
      records: [ipAddress],
    })
    : undefined;

  const tunnel = `aws ssm start-session --region ${region} --target ${instance.id} --document-name AWS-StartPortForwardingSession --parameters portNumber=443,localPortNumber=${tunnelPort}`;
  const signInStep = tokenSecret
    ? openInBrowser(`${url}?tkn=$(aws secretsmanager get-secret-value --region ${region} --secret-id ${tokenSecret.arn} --query SecretString --output text)`)
    : openForSignIn(url, spec.auth.sso!.provider);
  const signIn = isPublic ? signInStep : `${tunnel} & ${signInStep}`;

  return {
    resources: {
      instance,
      instanceState,
      homeVolume,
      snapshotPolicy,
      role,
      instanceProfile,
      securityGroup,
      secrets,
      vpc: own?.vpc,
      subnet: own?.subnet,
      flowLog: own?.flowLog,
      natGateway: own?.natGateway,
      vpcEndpoints: own?.vpcEndpoints ?? [],
      elasticIp,
      dnsRecord,
    },
    url,
    ipAddress,
    hostName: domain,
    instanceName: instance.id,
    signIn,
  };
}
