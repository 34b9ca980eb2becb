import { DataAwsAmi } from '@cdktf/provider-aws/lib/data-aws-ami';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsSecretsmanagerSecret } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-secret';
import { DataAwsSubnet } from '@cdktf/provider-aws/lib/data-aws-subnet';
import { DlmLifecyclePolicy } from '@cdktf/provider-aws/lib/dlm-lifecycle-policy';
import { EbsVolume } from '@cdktf/provider-aws/lib/ebs-volume';
import { Ec2InstanceState } from '@cdktf/provider-aws/lib/ec2-instance-state';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { EipAssociation } from '@cdktf/provider-aws/lib/eip-association';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VolumeAttachment } from '@cdktf/provider-aws/lib/volume-attachment';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Fn, ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { AccessMode } from 'cdktf-ml-workspace/lib/core/access';
import { Cloud } from 'cdktf-ml-workspace/lib/core/cloud-target';
import { AwsTargetOptions } from './target';
import { LabelKey } from 'cdktf-ml-workspace/lib/core/labels';
import { DocumentFragment, Egress, HostPrincipal, HostSecret, MachineHost, PublicIngress } from 'cdktf-ml-workspace/lib/host/machine-host';
import { MachineSecret } from 'cdktf-ml-workspace/lib/nixos/machine-config';
import { recordIntent } from 'cdktf-ml-workspace/lib/policy/rule';
import { WorkspaceSpec } from 'cdktf-ml-workspace/lib/host/workspace-spec';
import { hostDocument } from 'cdktf-ml-workspace/lib/clouds/common/host-document';
import { ensureProvider, ensureRandomProvider } from 'cdktf-ml-workspace/lib/clouds/common/providers';
import { validateProviderTags } from 'cdktf-ml-workspace/lib/clouds/common/tag-limits';
import { awsDefaultTagKeys } from './provider-tags';
import { assumeRole, policyDocument } from './iam';
import { awsInstance } from './instance-types';
import { awsNetworkParts, AwsNetworkParts, AwsSharedNetwork, DEFAULT_VPC_CIDR } from './network';
import { validateAwsUserData } from './validate';
import { usageError } from 'cdktf-ml-workspace/lib/core/errors';
import { MachineDescription } from 'cdktf-ml-workspace/lib/clouds/common/built';

/** The tag Data Lifecycle Manager selects home volumes by; its value is the workspace name. @internal */
export const SNAPSHOT_TAG = 'ml-workspace-home';
/** Where the home volume is attached; on Nitro instances the guest sees it by volume id. */
const HOME_DEVICE_NAME = '/dev/sdf';
/** Name pattern of the AMIs built from this library's flake. @internal */
export const AMI_NAME_PATTERN = 'ml-workspace-nixos-*';

/** The stack's partition data source (aws, aws-cn, aws-us-gov), for ARNs. @internal */
export function partitionOf(scope: Construct): DataAwsPartition {
  return (scope.node.tryFindChild('Partition') as DataAwsPartition | undefined) ?? new DataAwsPartition(scope, 'Partition');
}

/** What the finished host made. @internal */
export interface AwsMachine {
  readonly instance: Instance;
  readonly instanceState: Ec2InstanceState;
  readonly homeVolume: EbsVolume;
  readonly snapshotPolicy: DlmLifecyclePolicy;
  readonly ipAddress: string;
  readonly machine: MachineDescription;
}

/**
 * One NixOS instance on AWS and what it stands on: its network (shared, the target's, or its
 * own), a security group with HTTPS egress only, an instance role with Session Manager and its
 * own secrets, an Elastic IP in public mode, the home volume with daily snapshots, and the
 * instance with the machine document as user data. Roles add secrets, ports and document
 * settings; `finish` makes the instance.
 *
 * @internal
 */
export class AwsHost implements MachineHost {
  public readonly name: string;
  public readonly principal: HostPrincipal;
  public readonly isPublic: boolean;
  public readonly role: IamRole;
  public readonly instanceProfile: IamInstanceProfile;
  public readonly securityGroup: SecurityGroup;
  public readonly elasticIp?: Eip;
  public readonly ownNetwork?: AwsNetworkParts;
  public readonly secrets: SecretsmanagerSecret[] = [];
  /** `Name` tags: the workspace's name with a suffix per resource. */
  public readonly tags: (suffix?: string) => Record<string, string>;
  private readonly partition: string;
  private readonly account: string;
  private readonly iamName: string;
  private readonly availabilityZone: string;
  private readonly subnetId: string;
  private readonly networkReady: ITerraformDependable[];
  private readonly machineSecrets: Record<string, MachineSecret> = {};
  private readonly secretVersions: ITerraformDependable[] = [];
  private readonly readableSecrets: string[] = [];
  private readonly fragments: DocumentFragment[] = [];
  private readonly sharedNetwork: boolean;
  private finished = false;

  constructor(
    public readonly scope: Construct,
    private readonly spec: WorkspaceSpec,
    private readonly target: AwsTargetOptions,
  ) {
    const { region } = target;
    ensureProvider(scope, 'aws', (stack) => new AwsProvider(stack, 'ml-workspace-aws', { region }));
    ensureRandomProvider(scope);
    // The home volume (the labels, its Name and the snapshot tag) and the instance (the labels,
    // its Name and its nixpkgs revision) carry the most keys.
    validateProviderTags(scope, spec.kind, 'AWS', 50, [...Object.keys(spec.labels), 'Name', SNAPSHOT_TAG], awsDefaultTagKeys);

    const name = spec.name;
    this.name = name;
    this.isPublic = spec.access.mode === AccessMode.PUBLIC;
    const isPublic = this.isPublic;
    const tags = (suffix?: string) => ({ ...spec.labels, Name: suffix ? `${name}-${suffix}` : name });
    this.tags = tags;
    this.partition = `arn:${partitionOf(scope).partition}`;
    this.account = new DataAwsCallerIdentity(scope, 'Account').accountId;
    // IAM names are global to the account: the region keeps two regions' workspaces apart.
    this.iamName = `mlw-${name}-${region}`;

    // --- network: the shared one, the target's, or its own --------------------------------------
    const attached = spec.network?.attachment as AwsSharedNetwork | undefined;
    const shared = attached?.resources;
    this.sharedNetwork = shared !== undefined;
    this.availabilityZone = shared ? shared.availabilityZone : target.availabilityZone ?? `${region}a`;
    let vpcId = shared ? shared.vpc.id : target.vpcId;
    let subnetId = shared ? (isPublic ? shared.publicSubnet.id : shared.privateSubnet.id) : target.subnetId;
    let networkReady: ITerraformDependable[] = attached ? (isPublic ? attached.publicReady : attached.privateReady) : [];
    if (!vpcId) {
      this.ownNetwork = awsNetworkParts(scope, {
        name,
        iamName: this.iamName,
        region,
        account: this.account,
        vpcCidr: target.vpcCidr ?? DEFAULT_VPC_CIDR,
        availabilityZone: this.availabilityZone,
        use: isPublic ? 'public' : 'private',
        tags,
      });
      vpcId = this.ownNetwork.vpc.id;
      subnetId = this.ownNetwork.subnet.id;
      networkReady = this.ownNetwork.ready;
    }
    this.subnetId = subnetId!;
    this.networkReady = networkReady;
    const internetGateway = shared ? shared.internetGateway : this.ownNetwork?.internetGateway;

    // --- the instance's security group: only what the roles open ----------------------------
    this.securityGroup = new SecurityGroup(scope, 'SecurityGroup', {
      name: `${name}-workspace`,
      description: isPublic
        ? `ML workspace ${name}: HTTPS from the allowed ranges, no SSH (Session Manager)`
        : `ML workspace ${name}: no inbound traffic (Session Manager)`,
      vpcId,
      revokeRulesOnDelete: true,
      tags: tags('workspace'),
    });
    new VpcSecurityGroupEgressRule(scope, 'HttpsEgress', {
      securityGroupId: this.securityGroup.id,
      description: "HTTPS only: Nix binary cache and sources, Let's Encrypt, Systems Manager, Secrets Manager",
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: '0.0.0.0/0',
      tags: tags('egress'),
    });

    // --- identity: an instance role with Session Manager and its own secrets ---------------------
    this.role = new IamRole(scope, 'Role', {
      name: this.iamName,
      description: `Runs ML workspace ${name}: Session Manager, its own secrets`,
      assumeRolePolicy: assumeRole(scope, 'AssumeRole', 'ec2.amazonaws.com'),
      tags: tags('role'),
    });
    this.principal = { cloud: Cloud.AWS, member: this.role.arn };
    new IamRolePolicyAttachment(scope, 'SessionManager', {
      role: this.role.name,
      policyArn: `${this.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`,
    });
    this.instanceProfile = new IamInstanceProfile(scope, 'InstanceProfile', { name: this.iamName, role: this.role.name, tags: tags('role') });

    this.elasticIp = isPublic
      ? new Eip(scope, 'ElasticIp', { domain: 'vpc', tags: tags('ip'), dependsOn: internetGateway ? [internetGateway] : undefined })
      : undefined;
  }

  public addSecret(secret: HostSecret): SecretsmanagerSecret {
    const kms = this.target.kmsKeyArn;
    const created = new SecretsmanagerSecret(this.scope, `${secret.idPrefix}Secret`, {
      // A prefix, not a name: a deleted secret's name stays reserved for its recovery window.
      namePrefix: `ml-workspace/${this.name}/${secret.fileName}-`,
      description: `${secret.fileName} of ML workspace ${this.name}, read by the instance at boot`,
      recoveryWindowInDays: 7,
      ...(kms ? { kmsKeyId: kms } : {}),
      tags: this.tags(secret.fileName),
    });
    this.secretVersions.push(new SecretsmanagerSecretVersion(this.scope, `${secret.idPrefix}SecretVersion`, { secretId: created.id, secretString: secret.value }));
    this.secrets.push(created);
    this.readableSecrets.push(created.arn);
    this.machineSecrets[secret.fileName] = { source: created.arn, owner: secret.owner };
    return created;
  }

  public readExistingSecret(idPrefix: string, name: string, fileName: string, owner: string): void {
    const existing = new DataAwsSecretsmanagerSecret(this.scope, idPrefix, { name });
    this.readableSecrets.push(existing.arn);
    this.machineSecrets[fileName] = { source: existing.arn, owner };
  }

  public allowPublicIngress(rule: PublicIngress): void {
    const base = {
      securityGroupId: this.securityGroup.id,
      description: rule.rangeDescription,
      ipProtocol: 'tcp',
      fromPort: rule.port,
      toPort: rule.port,
      tags: this.tags(rule.suffix),
    };
    if (rule.sources === 'internet') {
      new VpcSecurityGroupIngressRule(this.scope, `${rule.id}Ingress`, { ...base, cidrIpv4: '0.0.0.0/0' });
      return;
    }
    // One rule per distinct range: AWS refuses duplicate rules.
    const ruleId = (cidr: string, index: number) => (Token.isUnresolved(cidr) ? String(index) : cidr.replace(/[/:]/g, '_'));
    [...new Set(rule.sources)].forEach((cidr, index) => {
      const ipv6 = !Token.isUnresolved(cidr) && cidr.includes(':');
      new VpcSecurityGroupIngressRule(this.scope, `${rule.id}Ingress-${ruleId(cidr, index)}`, { ...base, ...(ipv6 ? { cidrIpv6: cidr } : { cidrIpv4: cidr }) });
    });
  }

  public allowEgress(rule: Egress): void {
    [...new Set(rule.destinations)].forEach((cidr, index) => {
      const id = Token.isUnresolved(cidr) ? String(index) : cidr.replace(/[/:]/g, '_');
      new VpcSecurityGroupEgressRule(this.scope, `${rule.id}Egress-${id}`, {
        securityGroupId: this.securityGroup.id,
        description: rule.description,
        ipProtocol: 'tcp',
        fromPort: rule.port,
        toPort: rule.port,
        cidrIpv4: cidr,
        tags: this.tags(rule.suffix),
      });
    });
  }

  /** Session Manager forwards ports without any inbound rule. */
  public allowPrivateAccess(_port: number): void {}

  public addToDocument(fragment: DocumentFragment): void {
    this.fragments.push(fragment);
  }

  /**
   * Makes the role's secret policy, the home volume, the instance with the machine document
   * (rendered once, checked against EC2's user-data limit), its state and address, and the
   * daily snapshots.
   */
  public finish(): AwsMachine {
    if (this.finished) throw usageError(`${this.spec.kind} '${this.scope.node.id}': the host is already finished`);
    this.finished = true;
    const { spec, target, scope, name, tags, partition } = this;
    const { region } = target;
    const kms = target.kmsKeyArn;
    const gpu = spec.gpu !== undefined;
    const preset = awsInstance(spec.size, spec.gpu);
    const instanceType = spec.machine?.type ?? target.instanceType ?? preset!.instanceType;

    const readStatements: DataAwsIamPolicyDocumentStatement[] = [
      { sid: 'ReadOwnSecrets', effect: 'Allow', actions: ['secretsmanager:GetSecretValue'], resources: this.readableSecrets },
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
      role: this.role.id,
      policy: policyDocument(scope, 'ReadSecretsPolicy', readStatements),
    });

    // --- home volume, kept across instance re-creation, snapshotted daily --------------------------
    const homeVolume = new EbsVolume(scope, 'HomeVolume', {
      // A volume attaches only to an instance in its own zone: with a given subnet, the subnet's.
      availabilityZone:
        this.ownNetwork || this.sharedNetwork || target.availabilityZone
          ? this.availabilityZone
          : new DataAwsSubnet(scope, 'ExistingSubnet', { id: target.subnetId }).availabilityZone,
      size: spec.homeDiskSizeGiB,
      type: 'gp3',
      encrypted: true,
      ...(kms ? { kmsKeyId: kms } : {}),
      tags: { ...tags('home'), [SNAPSHOT_TAG]: name },
      lifecycle: { preventDestroy: true },
    });
    if (kms) recordIntent(homeVolume, { kmsKeyName: kms });

    const { doc, rendered } = hostDocument(spec, {
      cloud: 'aws',
      gpu,
      // Nitro instances expose EBS volumes as NVMe devices whose serial is the volume id.
      homeDevice: `/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_${Fn.replace(homeVolume.id, '-', '')}`,
      secrets: this.machineSecrets,
      fragments: this.fragments,
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
      subnetId: this.subnetId,
      vpcSecurityGroupIds: [this.securityGroup.id],
      iamInstanceProfile: this.instanceProfile.name,
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
      userData: rendered,
      // Never a replacement: the provider stops and starts the instance to change its user data,
      // and the bootstrap applies the new document at that boot.
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
      dependsOn: [...this.networkReady, ...this.secretVersions, readPolicy],
    });
    recordIntent(instance, { publicAccess: this.isPublic, ...(kms ? { kmsKeyName: kms } : {}) });

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
    if (this.elasticIp) {
      const association = new EipAssociation(scope, 'ElasticIpAssociation', { allocationId: this.elasticIp.allocationId, instanceId: instance.id });
      recordIntent(association, { publicAccess: true });
    }

    // --- snapshots: Data Lifecycle Manager, daily ----------------------------------------------------
    const dlmRole = new IamRole(scope, 'SnapshotRole', {
      name: `${this.iamName}-dlm`,
      description: `Takes daily snapshots of ML workspace ${name}'s home volume`,
      assumeRolePolicy: assumeRole(scope, 'SnapshotAssumeRole', 'dlm.amazonaws.com', this.account),
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
    const ipAddress = this.elasticIp ? this.elasticIp.publicIp : instance.privateIp;
    // A fleet's package or the preset knows the GPU count; an instance type from the target sets its own.
    const gpuCount = spec.machine?.gpuCount ?? (target.instanceType === undefined ? preset?.gpuCount : undefined);
    const described: MachineDescription = { type: instanceType, ...(gpu ? { gpu: spec.gpu!.name, ...(gpuCount !== undefined ? { gpuCount } : {}) } : {}) };
    return { instance, instanceState, homeVolume, snapshotPolicy, ipAddress, machine: described };
  }
}
