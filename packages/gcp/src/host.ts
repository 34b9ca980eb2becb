import { ComputeAddress } from '@cdktf/provider-google/lib/compute-address';
import { ComputeDisk } from '@cdktf/provider-google/lib/compute-disk';
import { ComputeDiskResourcePolicyAttachment } from '@cdktf/provider-google/lib/compute-disk-resource-policy-attachment';
import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { ComputeInstance } from '@cdktf/provider-google/lib/compute-instance';
import { ComputeResourcePolicy } from '@cdktf/provider-google/lib/compute-resource-policy';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ProjectService } from '@cdktf/provider-google/lib/project-service';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { SecretManagerSecretVersion } from '@cdktf/provider-google/lib/secret-manager-secret-version';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { AccessMode } from 'cdktf-ml-workspace/lib/core/access';
import { Cloud } from 'cdktf-ml-workspace/lib/core/cloud-target';
import { GcpTargetOptions } from './target';
import { GCP_MAX_LABELS } from 'cdktf-ml-workspace/lib/core/label-rules';
import { LabelKey } from 'cdktf-ml-workspace/lib/core/labels';
import { DocumentFragment, Egress, HostPrincipal, HostSecret, MachineHost, PublicIngress } from 'cdktf-ml-workspace/lib/host/machine-host';
import { MachineSecret, METADATA_KEY } from 'cdktf-ml-workspace/lib/nixos/machine-config';
import { recordIntent } from 'cdktf-ml-workspace/lib/policy/rule';
import { WorkspaceSpec } from 'cdktf-ml-workspace/lib/host/workspace-spec';
import { hostDocument } from 'cdktf-ml-workspace/lib/clouds/common/host-document';
import { ensureProvider, ensureRandomProvider } from 'cdktf-ml-workspace/lib/clouds/common/providers';
import { validateProviderTags } from 'cdktf-ml-workspace/lib/clouds/common/tag-limits';
import { googleDefaultLabelKeys } from './provider-labels';
import { gcpMachine } from './machine-types';
import { DEFAULT_SUBNET_CIDR, gcpNetworkParts, GcpNetworkParts, IAP_TCP_RANGE } from './network';
import { projectService } from './project-service';
import { GcpNetworkResources } from './resources';
import { usageError } from 'cdktf-ml-workspace/lib/core/errors';
import { MachineDescription } from 'cdktf-ml-workspace/lib/clouds/common/built';

/** The device name of the home disk; the guest sees it as /dev/disk/by-id/google-home. */
const HOME_DEVICE = 'home';

/** What the finished host made. @internal */
export interface GcpMachine {
  readonly instance: ComputeInstance;
  readonly homeDisk: ComputeDisk;
  readonly snapshotPolicy: ComputeResourcePolicy;
  readonly ipAddress: string;
  readonly machine: MachineDescription;
}

/**
 * One NixOS VM on Google Cloud and what it stands on: the project's APIs, a dedicated service
 * account with only log and metric writing, its network (shared, the target's, or its own),
 * a static address in public mode, Secret Manager secrets it reads, firewall rules, the home
 * disk with daily snapshots, and the VM with the machine document in its metadata. Roles add
 * secrets, ports and document settings; `finish` makes the VM.
 *
 * @internal
 */
export class GcpHost implements MachineHost {
  public readonly name: string;
  public readonly principal: HostPrincipal;
  public readonly isPublic: boolean;
  public readonly serviceAccount: ServiceAccount;
  public readonly address?: ComputeAddress;
  /** The VM's name inside the VPC. */
  public readonly internalHost: string;
  /** The network the host made for itself, when it did. */
  public readonly ownNetwork?: GcpNetworkParts;
  public readonly secrets: SecretManagerSecret[] = [];
  public readonly firewallRules: ComputeFirewall[] = [];
  /** The VM's network tag; its firewall rules target it. */
  public readonly tag: string;
  private readonly machineSecrets: Record<string, MachineSecret> = {};
  // The VM must not boot before it can read its secrets.
  private readonly secretDependencies: ITerraformDependable[] = [];
  private readonly privatePorts: string[] = [];
  private readonly fragments: DocumentFragment[] = [];
  private readonly apis: ITerraformDependable[];
  private readonly compute: ProjectService;
  private readonly secretManager: ProjectService;
  private readonly networkRef: string;
  private readonly subnetworkRef?: string;
  private readonly shared?: GcpNetworkResources;
  private finished = false;

  constructor(
    public readonly scope: Construct,
    private readonly spec: WorkspaceSpec,
    private readonly target: GcpTargetOptions,
  ) {
    const { project, region, zone } = target;
    ensureProvider(scope, 'google', (stack) => new GoogleProvider(stack, 'ml-workspace-google', { project, region }));
    ensureRandomProvider(scope);
    // The VM carries the most keys: the labels and its nixpkgs revision.
    validateProviderTags(scope, spec.kind, 'GCP', GCP_MAX_LABELS, [...Object.keys(spec.labels), LabelKey.NIXPKGS], googleDefaultLabelKeys);
    this.name = spec.name;
    this.isPublic = spec.access.mode === AccessMode.PUBLIC;
    this.tag = `mlw-${this.name}`;
    this.internalHost = `${this.name}.${zone}.c.${project}.internal`;

    this.compute = this.api('compute.googleapis.com');
    this.secretManager = this.api('secretmanager.googleapis.com');
    this.apis = [this.compute, this.secretManager];
    if (!this.isPublic) this.apis.push(this.api('iap.googleapis.com'));

    // --- identity: a dedicated service account with only what the VM needs -------------------
    this.serviceAccount = new ServiceAccount(scope, 'ServiceAccount', {
      project,
      // 6-30 characters: workspace names are 2-24, so `mlw-<name>` always fits.
      accountId: `mlw-${this.name}`,
      // At most 100 characters, so not the owner's email; the owner is in the labels.
      displayName: `ML workspace ${this.name}`,
      description: 'Runs one ML workspace VM: writes logs and metrics, reads its own secrets.',
    });
    const member = `serviceAccount:${this.serviceAccount.email}`;
    this.principal = { cloud: Cloud.GCP, member };
    for (const [id, role] of [
      ['LogWriter', 'roles/logging.logWriter'],
      ['MetricWriter', 'roles/monitoring.metricWriter'],
    ]) {
      new ProjectIamMember(scope, id, { project, role, member });
    }

    // --- network: the shared one, the target's, or its own --------------------------------------
    this.shared = spec.network?.attachment as GcpNetworkResources | undefined;
    let networkRef = this.shared ? this.shared.network.id : target.network;
    let subnetworkRef = this.shared ? this.shared.subnetwork.id : target.subnetwork;
    if (!networkRef) {
      // No public IP: Nix still has to reach the binary cache, so outbound goes through NAT.
      this.ownNetwork = gcpNetworkParts(scope, { project, region, name: this.name, cidr: target.subnetCidr ?? DEFAULT_SUBNET_CIDR, nat: !this.isPublic, compute: this.compute });
      networkRef = this.ownNetwork.network.id;
      subnetworkRef = this.ownNetwork.subnetwork.id;
    }
    this.networkRef = networkRef;
    this.subnetworkRef = subnetworkRef;

    this.address = this.isPublic
      ? new ComputeAddress(scope, 'Address', {
        project,
        region,
        name: `${this.name}-ip`,
        addressType: 'EXTERNAL',
        networkTier: 'PREMIUM',
        labels: spec.labels,
        dependsOn: [this.compute],
      })
      : undefined;
  }

  /** Enables an API for the host's project (shared by every host of the project in a stack). */
  public api(service: string): ProjectService {
    return projectService(this.scope, this.target.project, service);
  }

  public addSecret(secret: HostSecret): SecretManagerSecret {
    const secretId = `${this.name}-${secret.fileName}`;
    const created = new SecretManagerSecret(this.scope, `${secret.idPrefix}Secret`, {
      project: this.target.project,
      secretId,
      labels: this.spec.labels,
      replication: { auto: {} },
      dependsOn: [this.secretManager],
    });
    this.secretDependencies.push(
      new SecretManagerSecretVersion(this.scope, `${secret.idPrefix}SecretVersion`, { secret: created.id, secretData: secret.value }),
    );
    this.grantRead(secret.idPrefix, created.secretId);
    this.secrets.push(created);
    // Known names, not references: the machine document stays plain JSON where it can.
    this.machineSecrets[secret.fileName] = { source: this.secretRef(secretId), owner: secret.owner };
    return created;
  }

  public readExistingSecret(idPrefix: string, name: string, fileName: string, owner: string): void {
    this.grantRead(idPrefix, name);
    this.machineSecrets[fileName] = { source: this.secretRef(name), owner };
  }

  public allowPublicIngress(rule: PublicIngress): void {
    this.firewall(`${rule.id}Firewall`, rule.suffix, [String(rule.port)], rule.sources === 'internet' ? ['0.0.0.0/0'] : rule.sources, rule.description);
  }

  public allowPrivateAccess(port: number): void {
    this.privatePorts.push(String(port));
  }

  /** GCP VPCs allow all egress (the implied rule); no rule is needed. */
  public allowEgress(_rule: Egress): void {}

  public addToDocument(fragment: DocumentFragment): void {
    this.fragments.push(fragment);
  }

  /**
   * Makes the IAP rule, the home disk and its snapshots, and the VM with the machine document,
   * rendered once from what the roles contributed.
   */
  public finish(): GcpMachine {
    if (this.finished) throw usageError(`${this.spec.kind} '${this.scope.node.id}': the host is already finished`);
    this.finished = true;
    const { spec, target, scope, name } = this;
    const { project, region, zone } = target;
    const labels = spec.labels;

    // SSH (and in private mode the roles' ports) through IAP; on a shared network, its own rule
    // admits IAP to every workspace on it.
    if (!this.shared) {
      this.firewall(
        'IapFirewall',
        'iap',
        ['22', ...this.privatePorts],
        [IAP_TCP_RANGE],
        this.privatePorts.length > 0 ? 'SSH and the IDE through IAP only (OS Login)' : 'SSH through IAP only (OS Login)',
      );
    } else {
      // The network's rule admits 22 and 443; other ports a role asks for, to this VM alone.
      const more = this.privatePorts.filter((port) => port !== '22' && port !== '443');
      if (more.length > 0) this.firewall('IapFirewall', 'iap', more, [IAP_TCP_RANGE], 'More ports through IAP only, to this workspace');
    }

    // A GPU outside the catalog has no preset: the target names the machine type (validated).
    const machine = gcpMachine(spec.size, spec.gpu);
    // A fleet's packages choose the machine (and so the GPU count) themselves.
    const machineType = spec.machine?.type ?? target.machineType ?? machine!.machineType;
    const acceleratorType = machine?.acceleratorType ?? spec.gpu?.name;
    const acceleratorCount = spec.gpu ? spec.machine?.gpuCount ?? Math.max(machine?.acceleratorCount ?? 1, 1) : 0;
    const gpu = acceleratorCount > 0;

    const { rendered: document } = hostDocument(spec, {
      cloud: 'gcp',
      gpu,
      homeDevice: `/dev/disk/by-id/google-${HOME_DEVICE}`,
      secrets: this.machineSecrets,
      fragments: this.fragments,
    });

    // --- home disk, kept across VM re-creation, snapshotted daily ---------------------------------
    const kms = target.kmsKeyName;
    const homeDisk = new ComputeDisk(scope, 'HomeDisk', {
      project,
      zone,
      name: `${name}-home`,
      type: 'pd-balanced',
      size: spec.homeDiskSizeGiB,
      labels,
      ...(kms ? { diskEncryptionKey: { kmsKeySelfLink: kms } } : {}),
      lifecycle: { preventDestroy: true },
      dependsOn: [this.compute],
    });
    const snapshotPolicy = new ComputeResourcePolicy(scope, 'SnapshotPolicy', {
      project,
      region,
      name: `${name}-home-snapshots`,
      description: `Daily snapshots of ${name}'s home disk`,
      snapshotSchedulePolicy: {
        schedule: { dailySchedule: { daysInCycle: 1, startTime: '03:00' } },
        retentionPolicy: {
          maxRetentionDays: spec.snapshotRetentionDays,
          onSourceDiskDelete: 'KEEP_AUTO_SNAPSHOTS',
        },
        snapshotProperties: { labels, storageLocations: [region], guestFlush: false },
      },
      dependsOn: [this.compute],
    });
    if (kms) recordIntent(homeDisk, { kmsKeyName: kms });
    new ComputeDiskResourcePolicyAttachment(scope, 'SnapshotPolicyAttachment', {
      project,
      zone,
      disk: homeDisk.name,
      name: snapshotPolicy.name,
    });

    // --- the VM ---------------------------------------------------------------------------------
    const instance = new ComputeInstance(scope, 'Resource', {
      project,
      zone,
      name,
      machineType,
      description: `ML workspace of ${spec.owner}`,
      labels: { ...labels, [LabelKey.NIXPKGS]: spec.nixpkgs.rev },
      tags: this.shared ? [this.tag, this.shared.networkTag] : [this.tag],
      desiredStatus: spec.running ? 'RUNNING' : 'TERMINATED',
      allowStoppingForUpdate: true,
      deletionProtection: false,
      canIpForward: false,
      bootDisk: {
        autoDelete: true,
        ...(kms ? { kmsKeySelfLink: kms } : {}),
        initializeParams: {
          image: target.image ?? `projects/${project}/global/images/family/ml-workspace-nixos`,
          size: spec.bootDiskSizeGiB,
          type: 'pd-balanced',
          labels,
        },
      },
      attachedDisk: [{ source: homeDisk.id, deviceName: HOME_DEVICE, mode: 'READ_WRITE' }],
      networkInterface: [
        {
          network: this.networkRef,
          subnetwork: this.subnetworkRef,
          ...(this.address ? { accessConfig: [{ natIp: this.address.address, networkTier: 'PREMIUM' }] } : {}),
        },
      ],
      ...(gpu ? { guestAccelerator: [{ type: acceleratorType!, count: acceleratorCount }] } : {}),
      scheduling: spec.spot
        ? {
          provisioningModel: 'SPOT',
          preemptible: true,
          automaticRestart: false,
          onHostMaintenance: 'TERMINATE',
          // Stop, not delete: disk, IP and name stay; start it again when capacity returns.
          instanceTerminationAction: 'STOP',
        }
        : {
          provisioningModel: 'STANDARD',
          automaticRestart: true,
          // GPUs cannot live-migrate.
          onHostMaintenance: gpu ? 'TERMINATE' : 'MIGRATE',
        },
      // Secure Boot stays off: NixOS boot loaders and the NVIDIA datacenter driver are unsigned.
      shieldedInstanceConfig: { enableSecureBoot: false, enableVtpm: true, enableIntegrityMonitoring: true },
      serviceAccount: {
        email: this.serviceAccount.email,
        // Secret Manager accepts only the cloud-platform scope; what the VM may do is bounded by
        // the dedicated account's IAM roles above, not by scopes.
        scopes: ['cloud-platform'],
      },
      metadata: {
        'enable-oslogin': 'TRUE',
        'block-project-ssh-keys': 'TRUE',
        'serial-port-enable': 'FALSE',
        [METADATA_KEY]: document,
      },
      dependsOn: [...this.apis, ...this.secretDependencies],
    });
    recordIntent(instance, { publicAccess: this.isPublic, ...(kms ? { kmsKeyName: kms } : {}) });
    const ipAddress = this.address ? this.address.address : instance.networkInterface.get(0).networkIp;
    const described: MachineDescription = { type: machineType, ...(gpu ? { gpu: spec.gpu!.name, gpuCount: acceleratorCount } : {}) };
    return { instance, homeDisk, snapshotPolicy, ipAddress, machine: described };
  }

  private secretRef(id: string): string {
    return `projects/${this.target.project}/secrets/${id}`;
  }

  private grantRead(idPrefix: string, secretId: string): void {
    this.secretDependencies.push(
      new SecretManagerSecretIamMember(this.scope, `${idPrefix}Reader`, {
        project: this.target.project,
        secretId,
        role: 'roles/secretmanager.secretAccessor',
        member: this.principal.member,
      }),
    );
  }

  private firewall(id: string, suffix: string, ports: string[], sourceRanges: string[], description: string): void {
    this.firewallRules.push(
      new ComputeFirewall(this.scope, id, {
        project: this.target.project,
        name: `${this.name}-${suffix}`,
        network: this.networkRef,
        description,
        direction: 'INGRESS',
        priority: 1000,
        sourceRanges,
        targetTags: [this.tag],
        allow: [{ protocol: 'tcp', ports }],
        logConfig: { metadata: 'INCLUDE_ALL_METADATA' },
        dependsOn: [this.compute],
      }),
    );
  }
}
