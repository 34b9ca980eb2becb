import { ComputeAddress } from '@cdktf/provider-google/lib/compute-address';
import { ComputeDisk } from '@cdktf/provider-google/lib/compute-disk';
import { ComputeDiskResourcePolicyAttachment } from '@cdktf/provider-google/lib/compute-disk-resource-policy-attachment';
import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { ComputeInstanceIamMember } from '@cdktf/provider-google/lib/compute-instance-iam-member';
import { ComputeInstance } from '@cdktf/provider-google/lib/compute-instance';
import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { ComputeResourcePolicy } from '@cdktf/provider-google/lib/compute-resource-policy';
import { ComputeRouter } from '@cdktf/provider-google/lib/compute-router';
import { ComputeRouterNat } from '@cdktf/provider-google/lib/compute-router-nat';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
import { DnsRecordSet } from '@cdktf/provider-google/lib/dns-record-set';
import { EndpointsService } from '@cdktf/provider-google/lib/endpoints-service';
import { IapTunnelInstanceIamMember } from '@cdktf/provider-google/lib/iap-tunnel-instance-iam-member';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ProjectService } from '@cdktf/provider-google/lib/project-service';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { SecretManagerSecretVersion } from '@cdktf/provider-google/lib/secret-manager-secret-version';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { Id } from '@cdktf/provider-random/lib/id';
import { ITerraformDependable, TerraformStack, Token } from 'cdktf';
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
import { GcpWorkspaceResources } from './resources';
import { gcpMachine } from './machine-types';

/** Google's source range for IAP TCP forwarding. */
export const IAP_TCP_RANGE = '35.235.240.0/20';
/** The device name of the home disk; the guest sees it as /dev/disk/by-id/google-home. */
const HOME_DEVICE = 'home';


/**
 * Enables an API once per project and stack, shared by every workspace there, and never
 * disabled on destroy (other workloads in the project may use it).
 */
function projectService(scope: Construct, project: string, service: string): ProjectService {
  // A project known only at apply time cannot key a shared construct: keep it per workspace.
  const shared = !Token.isUnresolved(project);
  const owner = shared ? TerraformStack.of(scope) : scope;
  const id = shared ? `ml-workspace-api-${project}-${service}` : `Api-${service}`;
  return (
    (owner.node.tryFindChild(id) as ProjectService | undefined) ??
    new ProjectService(owner, id, { project, service, disableOnDestroy: false, disableDependentServices: false })
  );
}

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
  const machineType = target.machineType ?? machine!.machineType;
  const acceleratorType = machine?.acceleratorType ?? spec.gpu?.name;
  const acceleratorCount = spec.gpu ? Math.max(machine?.acceleratorCount ?? 1, 1) : 0;

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

  // --- network -----------------------------------------------------------------------------
  let network: ComputeNetwork | undefined;
  let subnetwork: ComputeSubnetwork | undefined;
  let nat: ComputeRouterNat | undefined;
  let networkRef = target.network;
  let subnetworkRef = target.subnetwork;
  if (!networkRef) {
    network = new ComputeNetwork(scope, 'Network', {
      project,
      name: `${name}-net`,
      autoCreateSubnetworks: false,
      routingMode: 'REGIONAL',
      dependsOn: [compute],
    });
    subnetwork = new ComputeSubnetwork(scope, 'Subnetwork', {
      project,
      region,
      name: `${name}-subnet`,
      network: network.id,
      ipCidrRange: target.subnetCidr ?? '10.42.0.0/24',
      privateIpGoogleAccess: true,
      logConfig: { aggregationInterval: 'INTERVAL_10_MIN', flowSampling: 0.5, metadata: 'INCLUDE_ALL_METADATA' },
    });
    networkRef = network.id;
    subnetworkRef = subnetwork.id;
    if (!isPublic) {
      // No public IP: Nix still has to reach the binary cache, so outbound goes through NAT.
      const router = new ComputeRouter(scope, 'Router', { project, region, name: `${name}-router`, network: network.id });
      nat = new ComputeRouterNat(scope, 'Nat', {
        project,
        region,
        name: `${name}-nat`,
        router: router.name,
        natIpAllocateOption: 'AUTO_ONLY',
        sourceSubnetworkIpRangesToNat: 'ALL_SUBNETWORKS_ALL_IP_RANGES',
        logConfig: { enable: true, filter: 'ERRORS_ONLY' },
      });
    }
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
    firewall('IapFirewall', 'iap', ['22'], [IAP_TCP_RANGE], 'SSH through IAP only (OS Login)');
  } else {
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
    tags: [tag],
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
      network,
      subnetwork,
      address,
      endpointsService,
      dnsRecord,
      nat,
    },
    url,
    ipAddress,
    hostName: domain,
    instanceName: name,
    signIn,
  };
}
