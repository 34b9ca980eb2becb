import { ComputeAddress } from '@cdktf/provider-google/lib/compute-address';
import { ComputeDisk } from '@cdktf/provider-google/lib/compute-disk';
import { ComputeDiskResourcePolicyAttachment } from '@cdktf/provider-google/lib/compute-disk-resource-policy-attachment';
import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { ComputeInstanceIamMember } from '@cdktf/provider-google/lib/compute-instance-iam-member';
import { ComputeInstance } from '@cdktf/provider-google/lib/compute-instance';
import { ComputeResourcePolicy } from '@cdktf/provider-google/lib/compute-resource-policy';
import { DnsRecordSet } from '@cdktf/provider-google/lib/dns-record-set';
import { EndpointsService } from '@cdktf/provider-google/lib/endpoints-service';
import { IapTunnelInstanceIamMember } from '@cdktf/provider-google/lib/iap-tunnel-instance-iam-member';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { SecretManagerSecretVersion } from '@cdktf/provider-google/lib/secret-manager-secret-version';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { Id } from '@cdktf/provider-random/lib/id';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { AccessMode, tunnelLocalPort } from '../../core/access';
import { LabelKey } from '../../core/labels';
import { AuthMode } from '../../core/auth';
import { GcpTargetOptions } from '../../core/cloud-target';
import { DnsMode } from '../../core/dns';
import { TlsMode } from '../../core/tls';
import { MachineSecret, METADATA_KEY, renderMachineDocument, SecretName } from '../../nixos/machine-config';
import { WorkspaceSpec } from '../../workspace/workspace-spec';
import { recordIntent } from '../../policy/rule';
import { workspaceMachineDocument } from '../common/machine-document';
import { ensureProvider, ensureRandomProvider } from '../common/providers';
import { openForSignIn, openInBrowser } from '../common/sign-in';
import { makeCertificate } from '../common/tls';
import { GCP_MAX_LABELS } from '../../core/label-rules';
import { validateProviderTags } from '../common/tag-limits';
import { connectionToken, cookieSecret } from '../common/token';
import { BuiltWorkspace } from '../common/built';
import { DEFAULT_SUBNET_CIDR, gcpNetworkParts, GcpNetworkParts, IAP_TCP_RANGE } from './network';
import { projectService } from './project-service';
import { GcpNetworkResources, GcpWorkspaceResources } from './resources';
import { gcpMachine } from './machine-types';

/** The device name of the home disk; the guest sees it as /dev/disk/by-id/google-home. */
const HOME_DEVICE = 'home';


/**
 * Lets a principal use a workspace: SSH with OS Login through IAP (and the IDE through IAP in
 * private mode), and read the connection token when the workspace uses one. Everything is
 * granted on the workspace's own resources, nothing project-wide.
 *
 * @internal
 */
export function grantGcpAccess(scope: Construct, target: GcpTargetOptions, resources: GcpWorkspaceResources, member: string): void {
  const { project, zone } = target;
  const id = `Access-${member.replace(/\//g, '_')}`;
  const instanceName = resources.instance.name;
  new IapTunnelInstanceIamMember(scope, `${id}-Iap`, {
    project,
    zone,
    instance: instanceName,
    role: 'roles/iap.tunnelResourceAccessor',
    member,
  });
  new ComputeInstanceIamMember(scope, `${id}-OsLogin`, {
    project,
    zone,
    instanceName,
    role: 'roles/compute.osLogin',
    member,
  });
  // OS Login to a VM that runs as a service account needs permission to act as it.
  new ServiceAccountIamMember(scope, `${id}-ActAs`, {
    serviceAccountId: resources.serviceAccount.name,
    role: 'roles/iam.serviceAccountUser',
    member,
  });
  const token = resources.secrets.find((s) => s.node.id === 'ConnectionTokenSecret');
  if (token) {
    new SecretManagerSecretIamMember(scope, `${id}-Token`, {
      project,
      secretId: token.secretId,
      role: 'roles/secretmanager.secretAccessor',
      member,
    });
  }
}

/**
 * Builds a workspace on Google Cloud.
 *
 * @internal
 */
export function buildGcpWorkspace(scope: Construct, spec: WorkspaceSpec, target: GcpTargetOptions): BuiltWorkspace<GcpWorkspaceResources> {
  const { project, region, zone } = target;
  ensureProvider(scope, 'google', (stack) => new GoogleProvider(stack, 'ml-workspace-google', { project, region }));
  ensureRandomProvider(scope);
  // The VM carries the most keys: the labels and its nixpkgs revision.
  validateProviderTags(scope, spec.kind, 'GCP', GCP_MAX_LABELS, [...Object.keys(spec.labels), LabelKey.NIXPKGS]);

  const labels = spec.labels;
  const name = spec.name;
  const isPublic = spec.access.mode === AccessMode.PUBLIC;
  // A GPU outside the catalog has no preset: the target names the machine type (validated).
  const machine = gcpMachine(spec.size, spec.gpu);
  // A fleet's packages choose the machine (and so the GPU count) themselves.
  const machineType = spec.machine?.type ?? target.machineType ?? machine!.machineType;
  const acceleratorType = machine?.acceleratorType ?? spec.gpu?.name;
  const acceleratorCount = spec.gpu ? spec.machine?.gpuCount ?? Math.max(machine?.acceleratorCount ?? 1, 1) : 0;

  const api = (service: string) => projectService(scope, project, service);
  const compute = api('compute.googleapis.com');
  const secretManager = api('secretmanager.googleapis.com');
  const apis: ITerraformDependable[] = [compute, secretManager];
  if (!isPublic) apis.push(api('iap.googleapis.com'));

  // --- identity: a dedicated service account with only what the VM needs -------------------
  const serviceAccount = new ServiceAccount(scope, 'ServiceAccount', {
    project,
    // 6-30 characters: workspace names are 2-24, so `mlw-<name>` always fits.
    accountId: `mlw-${name}`,
    // At most 100 characters, so not the owner's email; the owner is in the labels.
    displayName: `ML workspace ${name}`,
    description: 'Runs one ML workspace VM: writes logs and metrics, reads its own secrets.',
  });
  const member = `serviceAccount:${serviceAccount.email}`;
  for (const [id, role] of [
    ['LogWriter', 'roles/logging.logWriter'],
    ['MetricWriter', 'roles/monitoring.metricWriter'],
  ]) {
    new ProjectIamMember(scope, id, { project, role, member });
  }

  // --- network: the shared one, the target's, or its own --------------------------------------
  const shared = spec.network?.attachment as GcpNetworkResources | undefined;
  let own: GcpNetworkParts | undefined;
  let networkRef = shared ? shared.network.id : target.network;
  let subnetworkRef = shared ? shared.subnetwork.id : target.subnetwork;
  if (!networkRef) {
    // No public IP: Nix still has to reach the binary cache, so outbound goes through NAT.
    own = gcpNetworkParts(scope, { project, region, name, cidr: target.subnetCidr ?? DEFAULT_SUBNET_CIDR, nat: !isPublic, compute });
    networkRef = own.network.id;
    subnetworkRef = own.subnetwork.id;
  }

  const tag = `mlw-${name}`;
  const firewallRules: ComputeFirewall[] = [];
  const firewall = (id: string, suffix: string, ports: string[], sourceRanges: string[], description: string) => {
    firewallRules.push(
      new ComputeFirewall(scope, id, {
        project,
        name: `${name}-${suffix}`,
        network: networkRef!,
        description,
        direction: 'INGRESS',
        priority: 1000,
        sourceRanges,
        targetTags: [tag],
        allow: [{ protocol: 'tcp', ports }],
        logConfig: { metadata: 'INCLUDE_ALL_METADATA' },
        dependsOn: [compute],
      }),
    );
  };
  if (isPublic) {
    firewall('HttpsFirewall', 'https', ['443'], spec.access.allowedCidrs, 'HTTPS to the IDE from the allowed ranges');
    if (spec.tls.mode === TlsMode.LETS_ENCRYPT) {
      firewall(
        'AcmeFirewall',
        'acme',
        ['80'],
        ['0.0.0.0/0'],
        "Let's Encrypt HTTP-01 challenge and redirect to HTTPS; nginx serves nothing else on 80",
      );
    }
    // On a shared network, its own rule admits IAP to every workspace on it.
    if (!shared) firewall('IapFirewall', 'iap', ['22'], [IAP_TCP_RANGE], 'SSH through IAP only (OS Login)');
  } else if (!shared) {
    firewall('IapFirewall', 'iap', ['22', '443'], [IAP_TCP_RANGE], 'SSH and the IDE through IAP only (OS Login)');
  }

  const address = isPublic
    ? new ComputeAddress(scope, 'Address', {
      project,
      region,
      name: `${name}-ip`,
      addressType: 'EXTERNAL',
      networkTier: 'PREMIUM',
      labels,
      dependsOn: [compute],
    })
    : undefined;
  const internalHost = `${name}.${zone}.c.${project}.internal`;

  // --- DNS -----------------------------------------------------------------------------------
  let endpointsService: EndpointsService | undefined;
  let domain: string;
  if (spec.dns.mode === DnsMode.CLOUD_ENDPOINTS) {
    const suffix = new Id(scope, 'EndpointsSuffix', { byteLength: 2, keepers: { project, workspace: name } });
    domain = `${name}-${suffix.hex}.endpoints.${project}.cloud.goog`;
    endpointsService = new EndpointsService(scope, 'Endpoints', {
      project,
      serviceName: domain,
      openapiConfig: [
        'swagger: "2.0"',
        'info:',
        `  title: "ML workspace ${name}"`,
        '  version: "1.0.0"',
        `host: "${domain}"`,
        'x-google-endpoints:',
        `- name: "${domain}"`,
        `  target: "${address ? address.address : ''}"`,
        'paths: {}',
        '',
      ].join('\n'),
      dependsOn: [
        api('servicemanagement.googleapis.com'),
        api('servicecontrol.googleapis.com'),
        api('endpoints.googleapis.com'),
      ],
    });
  } else if (spec.dns.mode === DnsMode.ZONE) {
    domain = spec.dns.zone!.recordName.replace(/\.$/, '');
  } else {
    domain = internalHost;
  }

  // --- secrets the VM reads at boot ------------------------------------------------------------
  const secrets: SecretManagerSecret[] = [];
  const machineSecrets: Record<string, MachineSecret> = {};
  const secretRef = (id: string) => `projects/${project}/secrets/${id}`;
  // The VM must not boot before it can read its secrets.
  const secretDependencies: ITerraformDependable[] = [];
  const grantRead = (idPrefix: string, secretId: string) =>
    secretDependencies.push(
      new SecretManagerSecretIamMember(scope, `${idPrefix}Reader`, {
        project,
        secretId,
        role: 'roles/secretmanager.secretAccessor',
        member,
      }),
    );
  const addSecret = (idPrefix: string, fileName: string, owner: string, value: string) => {
    const secretId = `${name}-${fileName}`;
    const secret = new SecretManagerSecret(scope, `${idPrefix}Secret`, {
      project,
      secretId,
      labels,
      replication: { auto: {} },
      dependsOn: [secretManager],
    });
    secretDependencies.push(
      new SecretManagerSecretVersion(scope, `${idPrefix}SecretVersion`, { secret: secret.id, secretData: value }),
    );
    grantRead(idPrefix, secret.secretId);
    secrets.push(secret);
    // Known names, not references: the machine document stays plain JSON where it can.
    machineSecrets[fileName] = { source: secretRef(secretId), owner };
    return secret;
  };

  if (spec.auth.mode === AuthMode.CONNECTION_TOKEN) {
    const token = connectionToken(scope, spec.auth.rotationDays);
    addSecret('ConnectionToken', SecretName.CONNECTION_TOKEN, spec.user, token.password.result);
  } else {
    const sso = spec.auth.sso!;
    const cookie = cookieSecret(scope, spec.auth.rotationDays);
    addSecret('CookieSecret', SecretName.OAUTH2_COOKIE_SECRET, 'oauth2-proxy', cookie.password.result);
    grantRead('ClientSecret', sso.clientSecretName);
    machineSecrets[SecretName.OAUTH2_CLIENT_SECRET] = { source: secretRef(sso.clientSecretName), owner: 'oauth2-proxy' };
  }

  // --- the address people open ------------------------------------------------------------------
  // A public workspace without a DNS name is reached by its address (the internal host name
  // resolves only inside the VPC); a private one through its own local tunnel port.
  const byAddress = isPublic && domain === internalHost;
  const tunnelPort = tunnelLocalPort(name);
  const url = !isPublic ? `https://localhost:${tunnelPort}/` : `https://${byAddress ? address!.address : domain}/`;

  const dnsNames = [domain, ...(domain === internalHost ? [] : [internalHost]), 'localhost'];
  const cert = makeCertificate(scope, spec.tls, domain, dnsNames, byAddress ? [address!.address] : []);
  if (cert) {
    addSecret('TlsCert', SecretName.TLS_CERT, 'nginx', cert.certPem);
    addSecret('TlsKey', SecretName.TLS_KEY, 'nginx', cert.key.privateKeyPem);
  }

  const doc = workspaceMachineDocument(spec, {
    cloud: 'gcp',
    domain,
    url,
    gpu: acceleratorCount > 0,
    homeDevice: `/dev/disk/by-id/google-${HOME_DEVICE}`,
    secrets: machineSecrets,
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
    dependsOn: [compute],
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
    dependsOn: [compute],
  });
  if (kms) recordIntent(homeDisk, { kmsKeyName: kms });
  new ComputeDiskResourcePolicyAttachment(scope, 'SnapshotPolicyAttachment', {
    project,
    zone,
    disk: homeDisk.name,
    name: snapshotPolicy.name,
  });

  // --- the VM ---------------------------------------------------------------------------------
  const gpu = acceleratorCount > 0;
  const instance = new ComputeInstance(scope, 'Resource', {
    project,
    zone,
    name,
    machineType,
    description: `ML workspace of ${spec.owner}`,
    labels: { ...labels, [LabelKey.NIXPKGS]: spec.nixpkgs.rev },
    tags: shared ? [tag, shared.networkTag] : [tag],
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
        network: networkRef,
        subnetwork: subnetworkRef,
        ...(address ? { accessConfig: [{ natIp: address.address, networkTier: 'PREMIUM' }] } : {}),
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
      email: serviceAccount.email,
      // Secret Manager accepts only the cloud-platform scope; what the VM may do is bounded by
      // the dedicated account's IAM roles above, not by scopes.
      scopes: ['cloud-platform'],
    },
    metadata: {
      'enable-oslogin': 'TRUE',
      'block-project-ssh-keys': 'TRUE',
      'serial-port-enable': 'FALSE',
      [METADATA_KEY]: renderMachineDocument(doc),
    },
    dependsOn: [...apis, ...secretDependencies],
  });
  recordIntent(instance, { publicAccess: isPublic, ...(kms ? { kmsKeyName: kms } : {}) });

  const ipAddress = address ? address.address : instance.networkInterface.get(0).networkIp;
  const zoneOptions = spec.dns.zone;
  const dnsRecord = zoneOptions
    ? new DnsRecordSet(scope, 'DnsRecord', {
      project,
      managedZone: zoneOptions.zoneName,
      name: `${domain}.`,
      type: 'A',
      ttl: zoneOptions.ttlSeconds ?? 300,
      rrdatas: [ipAddress],
      dependsOn: [api('dns.googleapis.com')],
    })
    : undefined;
  const tunnel = `gcloud compute start-iap-tunnel ${name} 443 --local-host-port=localhost:${tunnelPort} --zone=${zone} --project=${project}`;
  const signInStep =
    spec.auth.mode === AuthMode.CONNECTION_TOKEN
      ? openInBrowser(`${url}?tkn=$(gcloud secrets versions access latest --secret=${name}-${SecretName.CONNECTION_TOKEN} --project=${project})`)
      : openForSignIn(url, spec.auth.sso!.provider);
  const signIn = isPublic ? signInStep : `${tunnel} & ${signInStep}`;

  return {
    resources: {
      instance,
      homeDisk,
      snapshotPolicy,
      serviceAccount,
      secrets,
      firewallRules,
      network: own?.network,
      subnetwork: own?.subnetwork,
      address,
      endpointsService,
      dnsRecord,
      nat: own?.nat,
    },
    url,
    ipAddress,
    hostName: domain,
    instanceName: name,
    signIn,
  };
}
