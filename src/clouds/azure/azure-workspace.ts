import { DataAzurermClientConfig } from '@cdktf/provider-azurerm/lib/data-azurerm-client-config';
import { DataProtectionBackupInstanceDisk } from '@cdktf/provider-azurerm/lib/data-protection-backup-instance-disk';
import { DataProtectionBackupPolicyDisk } from '@cdktf/provider-azurerm/lib/data-protection-backup-policy-disk';
import { DataProtectionBackupVault } from '@cdktf/provider-azurerm/lib/data-protection-backup-vault';
import { DnsARecord } from '@cdktf/provider-azurerm/lib/dns-a-record';
import { KeyVault } from '@cdktf/provider-azurerm/lib/key-vault';
import { KeyVaultSecret } from '@cdktf/provider-azurerm/lib/key-vault-secret';
import { LinuxVirtualMachine } from '@cdktf/provider-azurerm/lib/linux-virtual-machine';
import { ManagedDisk } from '@cdktf/provider-azurerm/lib/managed-disk';
import { ManagementLock } from '@cdktf/provider-azurerm/lib/management-lock';
import { NetworkInterface } from '@cdktf/provider-azurerm/lib/network-interface';
import { NetworkInterfaceSecurityGroupAssociation } from '@cdktf/provider-azurerm/lib/network-interface-security-group-association';
import { NetworkSecurityGroup } from '@cdktf/provider-azurerm/lib/network-security-group';
import { NetworkSecurityRule } from '@cdktf/provider-azurerm/lib/network-security-rule';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { RoleDefinition } from '@cdktf/provider-azurerm/lib/role-definition';
import { SubnetNetworkSecurityGroupAssociation } from '@cdktf/provider-azurerm/lib/subnet-network-security-group-association';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { VirtualMachineDataDiskAttachment } from '@cdktf/provider-azurerm/lib/virtual-machine-data-disk-attachment';
import { Id } from '@cdktf/provider-random/lib/id';
import { PrivateKey } from '@cdktf/provider-tls/lib/private-key';
import { Annotations, Fn, ITerraformDependable, TerraformLocal, Token } from 'cdktf';
import { Construct } from 'constructs';
import { AccessMode, tunnelLocalPort } from '../../core/access';
import { LabelKey } from '../../core/labels';
import { Gpu } from '../../core/gpu';
import { AuthMode } from '../../core/auth';
import { AzureTargetOptions } from '../../core/cloud-target';
import { DnsMode } from '../../core/dns';
import { TlsMode } from '../../core/tls';
import { invalid, isKnown } from '../../core/validation';
import { estimatedDocumentBytes, MachineSecret, renderMachineDocument, SecretName } from '../../nixos/machine-config';
import { recordIntent } from '../../policy/rule';
import { WorkspaceSpec } from '../../workspace/workspace-spec';
import { BuiltWorkspace } from '../common/built';
import { workspaceMachineDocument } from '../common/machine-document';
import { ensureProvider, ensureRandomProvider, ensureTlsProvider } from '../common/providers';
import { openForSignIn, openInBrowser } from '../common/sign-in';
import { makeCertificate } from '../common/tls';
import { connectionToken, cookieSecret, expiryAfterRotation } from '../common/token';
import { AzureWorkspaceResources } from './resources';
import { azureNetworkParts, AzureSharedNetwork, bastionRule, CLOSING_RULES, INBOUND, PRIORITY, RuleSettings, securityRule } from './network';
import { azureUsesBastion, DEFAULT_VNET_CIDR } from './validate';
import { azureVmSize } from './vm-sizes';

/** The VM's admin account (break-glass SSH through Bastion with `adminSshPublicKey`'s key). */
export const AZURE_ADMIN_USER = 'azureuser';
/**
 * The home disk as the guest sees it. The Azure Linux agent's udev rules (66-azure-storage.rules,
 * installed by nixpkgs' `services.waagent`, which the Azure image profile enables) link data
 * disks on the data SCSI controller as `/dev/disk/azure/scsi1/lun<N>`; the home disk is LUN 0.
 */
export const AZURE_HOME_DEVICE = '/dev/disk/azure/scsi1/lun0';
/** The Key Vault secret holding a generated admin SSH private key. */
export const ADMIN_SSH_KEY_SECRET = 'admin-ssh-key';
/**
 * Azure refuses user data longer than 64 KB. Counted on the base64 text, which is the stricter
 * of the two readings of that limit.
 */
export const MAX_USER_DATA_BASE64 = 65535;

/**
 * The workspace Key Vault's name: 3-24 letters, digits and single hyphens, globally unique, so
 * the workspace name (cut to 17 characters) plus a 6-hex-digit random suffix. Purge protection
 * keeps a deleted vault's name taken for its retention period; the suffix lets a re-created
 * workspace get a fresh one.
 */
function keyVaultName(name: string, suffix: string): string {
  const prefix = name.replace(/-+/g, '-').slice(0, 17).replace(/-+$/, '');
  return `${prefix}-${suffix}`;
}

/**
 * Lets a person, group or service principal use a workspace, on the workspace's own resources:
 * `Reader` on the VM and its network interface (what `az network bastion tunnel` and
 * `az network bastion ssh` check), `Reader` on Azure Bastion when there is one, and
 * `Key Vault Secrets User` on the connection token secret when the workspace uses one. The
 * generated admin SSH key is deliberately not granted: it is for break-glass access.
 *
 * @internal
 */
export function grantAzureAccess(scope: Construct, resources: AzureWorkspaceResources, member: string): void {
  const id = `Access-${member}`;
  const grant = (what: string, target: string, role: string) =>
    new RoleAssignment(scope, `${id}-${what}`, { scope: target, roleDefinitionName: role, principalId: member });
  grant('VmReader', resources.virtualMachine.id, 'Reader');
  grant('NicReader', resources.networkInterface.id, 'Reader');
  if (resources.bastionHost) grant('BastionReader', resources.bastionHost.id, 'Reader');
  const token = resources.secrets.find((s) => s.node.id === 'ConnectionTokenSecret');
  if (token) grant('Token', token.resourceVersionlessId, 'Key Vault Secrets User');
}

/**
 * Builds a workspace on Azure.
 *
 * @internal
 */
export function buildAzureWorkspace(
  scope: Construct,
  spec: WorkspaceSpec,
  target: AzureTargetOptions,
): BuiltWorkspace<AzureWorkspaceResources> {
  ensureProvider(scope, 'azurerm', (stack) => new AzurermProvider(stack, 'ml-workspace-azurerm', { features: [{}] }));
  ensureRandomProvider(scope);

  const { location } = target;
  const name = spec.name;
  const tags = spec.labels;
  const isPublic = spec.access.mode === AccessMode.PUBLIC;
  const useBastion = azureUsesBastion(spec, target);
  // A GPU the catalog has no preset for comes with target.vmSize (validated).
  const vmSize = spec.machine?.type ?? target.vmSize ?? azureVmSize(spec.size, spec.gpu)!.vmSize;
  if (spec.gpu === Gpu.NVIDIA_A10 && !target.vmSize) {
    // NVadsA10_v5 exposes the A10 as a vGPU, which only NVIDIA's GRID driver drives.
    Annotations.of(scope).addWarning(
      `${spec.kind} '${scope.node.id}': gpu Gpu.NVIDIA_A10 runs on ${vmSize}, which Azure supports only with NVIDIA's GRID driver; the workspace module installs the datacenter driver, so CUDA will not see the GPU. Use Gpu.NVIDIA_T4 or Gpu.NVIDIA_A100_80GB on Azure, or bring a GRID-enabled image and configuration`,
    );
  }

  const clientConfig = new DataAzurermClientConfig(scope, 'ClientConfig', {});
  const roleAssignments: RoleAssignment[] = [];
  // Managed identities are service principals; saying so spares Azure a directory lookup that
  // fails while a new identity is still replicating.
  const assignRole = (
    id: string,
    config: { scope: string; principalId: string; roleDefinitionName?: string; roleDefinitionId?: string },
    servicePrincipal = true,
  ) => {
    const assignment = new RoleAssignment(scope, id, { ...config, ...(servicePrincipal ? { principalType: 'ServicePrincipal' } : {}) });
    roleAssignments.push(assignment);
    return assignment;
  };

  // --- resource group ---------------------------------------------------------------------------
  const resourceGroup = target.resourceGroupName
    ? undefined
    : new ResourceGroup(scope, 'ResourceGroup', { name: `${name}-rg`, location, tags });
  const resourceGroupName = target.resourceGroupName ?? `${name}-rg`;
  // References (not the literal) make every resource wait for a group the construct creates.
  const rg = resourceGroup ? resourceGroup.name : resourceGroupName;
  const rgId = resourceGroup
    ? resourceGroup.id
    : `/subscriptions/${clientConfig.subscriptionId}/resourceGroups/${resourceGroupName}`;
  const inGroup = { location, resourceGroupName: rg };

  // --- network: the shared one, the target's, or its own -----------------------------------------
  const attached = spec.network?.attachment as AzureSharedNetwork | undefined;
  const shared = attached?.resources;
  // A private workspace on its own network gets its own Bastion; on a shared one, the network's.
  const ownBastion = useBastion && !shared;
  const own = !shared && !target.subnetId
    ? azureNetworkParts(scope, {
      name,
      location,
      resourceGroupName: rg,
      vnetCidr: target.vnetCidr ?? DEFAULT_VNET_CIDR,
      nat: !isPublic,
      bastion: ownBastion,
      tags,
    })
    : undefined;
  const subnetId = shared ? shared.subnet.id : own ? own.subnet.id : target.subnetId!;
  const bastionCidr = attached ? attached.bastionCidr : own?.bastionCidr;

  // --- network security group: explicit rules at explicit priorities --------------------------
  const networkSecurityGroup = new NetworkSecurityGroup(scope, 'SecurityGroup', { ...inGroup, name: `${name}-nsg`, tags });
  const securityRules: NetworkSecurityRule[] = [];
  const rule = (ruleName: string, settings: RuleSettings) => securityRules.push(securityRule(scope, networkSecurityGroup, rg, ruleName, settings));
  if (isPublic) {
    // One rule per range: a rule may not mix IPv4 and IPv6 prefixes.
    spec.access.allowedCidrs.forEach((cidr, i) =>
      rule(`allow-https-${i + 1}`, {
        ...INBOUND,
        priority: PRIORITY.httpsFirst + i,
        sourceAddressPrefix: cidr,
        destinationPortRange: '443',
        description: 'HTTPS to the IDE from an allowed range',
      }),
    );
    if (spec.tls.mode === TlsMode.LETS_ENCRYPT) {
      rule('allow-acme-http', {
        ...INBOUND,
        priority: PRIORITY.acme,
        // Let's Encrypt validates from addresses nobody can list in advance.
        sourceAddressPrefix: 'Internet',
        destinationPortRange: '80',
        description: "Let's Encrypt HTTP-01 challenge and redirect to HTTPS; nginx serves nothing else on 80",
      });
    }
  } else if (useBastion) {
    rule('allow-bastion', bastionRule(bastionCidr!));
  } else {
    rule('allow-virtual-network', {
      ...INBOUND,
      priority: PRIORITY.tunnel,
      sourceAddressPrefix: 'VirtualNetwork',
      destinationPortRanges: ['22', '443'],
      description: "SSH and the IDE from the virtual network and what is connected to it (your own access path: VPN, peered Bastion)",
    });
  }
  for (const [ruleName, settings] of CLOSING_RULES) rule(ruleName, settings);
  // A shared network's subnet has its own NSG.
  const subnetSecurityGroupAssociation = own
    ? new SubnetNetworkSecurityGroupAssociation(scope, 'SubnetSecurityGroup', {
      subnetId: own.subnet.id,
      networkSecurityGroupId: networkSecurityGroup.id,
    })
    : undefined;
  const bastionHost = shared ? shared.bastionHost : own?.bastionHost;

  // --- public IP and DNS name -----------------------------------------------------------------------
  let domainLabelSuffix: Id | undefined;
  let domainLabel: string | undefined;
  if (spec.dns.mode === DnsMode.AZURE_DOMAIN_LABEL) {
    // Labels are unique per region; the suffix is made once per workspace.
    domainLabelSuffix = new Id(scope, 'DomainLabelSuffix', { byteLength: 2, keepers: { location, workspace: name } });
    domainLabel = `${name}-${domainLabelSuffix.hex}`;
  }
  const publicIp = isPublic
    ? new PublicIp(scope, 'PublicIp', {
      ...inGroup,
      name: `${name}-ip`,
      allocationMethod: 'Static',
      sku: 'Standard',
      ...(domainLabel ? { domainNameLabel: domainLabel } : {}),
      tags,
    })
    : undefined;

  const networkInterface = new NetworkInterface(scope, 'NetworkInterface', {
    ...inGroup,
    name: `${name}-nic`,
    ipForwardingEnabled: false,
    // The image's network configuration does not set up the Mellanox virtual function.
    acceleratedNetworkingEnabled: false,
    ipConfiguration: [
      {
        name: 'primary',
        primary: true,
        subnetId,
        privateIpAddressAllocation: 'Dynamic',
        ...(publicIp ? { publicIpAddressId: publicIp.id } : {}),
      },
    ],
    tags,
  });
  recordIntent(networkInterface, { publicAccess: isPublic });
  const networkInterfaceSecurityGroupAssociation = new NetworkInterfaceSecurityGroupAssociation(scope, 'NicSecurityGroup', {
    networkInterfaceId: networkInterface.id,
    networkSecurityGroupId: networkSecurityGroup.id,
  });
  // The name Azure's DNS gives the VM inside its virtual network.
  const internalHost = `${name}.${networkInterface.internalDomainNameSuffix}`;
  const ipAddress = publicIp ? publicIp.ipAddress : networkInterface.privateIpAddress;

  let domain: string;
  if (domainLabel) {
    domain = `${domainLabel}.${location}.cloudapp.azure.com`;
  } else if (spec.dns.mode === DnsMode.ZONE) {
    domain = spec.dns.zone!.recordName.replace(/\.$/, '');
  } else {
    domain = internalHost;
  }

  // --- identity -------------------------------------------------------------------------------------
  // User-assigned, so its role assignments exist before the VM first boots and reads its secrets.
  const identity = new UserAssignedIdentity(scope, 'Identity', { ...inGroup, name: `${name}-id`, tags });

  // --- Key Vault and the secrets the VM reads at boot ---------------------------------------------
  const keyVaultSuffix = new Id(scope, 'KeyVaultSuffix', { byteLength: 3, keepers: { workspace: name, resourceGroup: resourceGroupName } });
  const allowedCidrs = target.keyVaultAllowedCidrs;
  const keyVault = new KeyVault(scope, 'KeyVault', {
    ...inGroup,
    name: keyVaultName(name, keyVaultSuffix.hex),
    tenantId: clientConfig.tenantId,
    skuName: 'standard',
    rbacAuthorizationEnabled: true,
    purgeProtectionEnabled: true,
    softDeleteRetentionDays: 90,
    enabledForDeployment: false,
    enabledForDiskEncryption: false,
    enabledForTemplateDeployment: false,
    // Deny by default: the workspace subnet, and where Terraform writes the secrets from
    // (keyVaultAllowedCidrs, a required choice), are the only networks that reach the vault.
    publicNetworkAccessEnabled: true,
    networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices', ipRules: [...allowedCidrs], virtualNetworkSubnetIds: [subnetId] },
    tags,
  });
  // The deployer writes the secrets: that needs a data-plane role, which Owner does not include.
  // Whoever runs Terraform may be a user or a service principal: no principal type.
  const deployer = assignRole(
    'KeyVaultDeployer',
    { scope: keyVault.id, roleDefinitionName: 'Key Vault Secrets Officer', principalId: clientConfig.objectId },
    false,
  );

  const secrets: KeyVaultSecret[] = [];
  const machineSecrets: Record<string, MachineSecret> = {};
  // The VM must not boot before it can read its secrets.
  const secretDependencies: ITerraformDependable[] = [];
  const grantRead = (idPrefix: string, secretScope: string) =>
    secretDependencies.push(
      assignRole(`${idPrefix}Reader`, { scope: secretScope, roleDefinitionName: 'Key Vault Secrets User', principalId: identity.principalId }),
    );
  const addSecret = (
    idPrefix: string,
    secretName: string,
    value: string,
    contentType: string,
    machine?: { owner: string; expirationDate?: string },
  ) => {
    const secret = new KeyVaultSecret(scope, `${idPrefix}Secret`, {
      name: secretName,
      keyVaultId: keyVault.id,
      value,
      contentType,
      ...(machine?.expirationDate ? { expirationDate: machine.expirationDate } : {}),
      dependsOn: [deployer],
    });
    secrets.push(secret);
    if (machine) {
      secretDependencies.push(secret);
      // Only the one secret, not the vault: the VM cannot read the admin SSH key.
      grantRead(idPrefix, secret.resourceVersionlessId);
      machineSecrets[secretName] = { source: `${keyVault.vaultUri}secrets/${secretName}`, owner: machine.owner };
    }
    return secret;
  };

  if (spec.auth.mode === AuthMode.CONNECTION_TOKEN) {
    // A rotating secret is marked expired one period after its rotation falls due (Key Vault
    // still returns it; the expiry shows an overdue rotation to audits).
    const token = connectionToken(scope, spec.auth.rotationDays);
    addSecret('ConnectionToken', SecretName.CONNECTION_TOKEN, token.password.result, 'text/plain', {
      owner: spec.user,
      expirationDate: expiryAfterRotation(token),
    });
  } else {
    const sso = spec.auth.sso!;
    const cookie = cookieSecret(scope, spec.auth.rotationDays);
    addSecret('CookieSecret', SecretName.OAUTH2_COOKIE_SECRET, cookie.password.result, 'text/plain', {
      owner: 'oauth2-proxy',
      expirationDate: expiryAfterRotation(cookie),
    });
    const vaultId = target.ssoKeyVaultId!;
    const vaultName = isKnown(vaultId) ? vaultId.split('/').pop()! : Token.asString(Fn.element(Fn.split('/', vaultId), 8));
    grantRead('ClientSecret', `${vaultId}/secrets/${sso.clientSecretName}`);
    machineSecrets[SecretName.OAUTH2_CLIENT_SECRET] = {
      source: `https://${vaultName}.vault.azure.net/secrets/${sso.clientSecretName}`,
      owner: 'oauth2-proxy',
    };
  }

  // --- the address people open ------------------------------------------------------------------
  // Through the Bastion tunnel, on the workspace's own local port; otherwise the DNS name, or
  // the IP when there is none (the internal name resolves only inside the virtual network).
  const byAddress = !useBastion && spec.dns.mode === DnsMode.NONE;
  const tunnelPort = tunnelLocalPort(name);
  const url = useBastion ? `https://localhost:${tunnelPort}/` : `https://${byAddress ? ipAddress : domain}/`;

  const dnsNames = [domain, ...(domain === internalHost ? [] : [internalHost]), 'localhost'];
  const cert = makeCertificate(scope, spec.tls, domain, dnsNames, byAddress ? [ipAddress] : []);
  if (cert) {
    // The secrets expire with the certificate; Terraform renews both 30 days before that.
    const expirationDate = cert.validityEndTime;
    addSecret('TlsCert', SecretName.TLS_CERT, cert.certPem, 'application/x-pem-file', { owner: 'nginx', expirationDate });
    addSecret('TlsKey', SecretName.TLS_KEY, cert.key.privateKeyPem, 'application/x-pem-file', { owner: 'nginx', expirationDate });
  }

  let adminSshKey: PrivateKey | undefined;
  let adminPublicKey = target.adminSshPublicKey;
  if (!adminPublicKey) {
    ensureTlsProvider(scope);
    adminSshKey = new PrivateKey(scope, 'AdminSshKey', { algorithm: 'ED25519' });
    adminPublicKey = adminSshKey.publicKeyOpenssh;
    addSecret('AdminSshKey', ADMIN_SSH_KEY_SECRET, adminSshKey.privateKeyOpenssh, 'application/x-openssh-key');
  }

  // --- the machine document, as user data -------------------------------------------------------
  const doc = workspaceMachineDocument(spec, {
    cloud: 'azure',
    domain,
    url,
    gpu: spec.gpu !== undefined,
    homeDevice: AZURE_HOME_DEVICE,
    secrets: machineSecrets,
    // Declared in NixOS, so the account Azure provisions survives the bootstrap's rebuilds.
    admin: { user: AZURE_ADMIN_USER, authorizedKeys: [adminPublicKey] },
  });
  checkUserDataSize(scope, spec.kind, doc);
  const rendered = renderMachineDocument(doc);
  // A document with values known only at apply time is a `jsonencode(...)` expression; it is
  // kept in a local so base64encode() takes a plain reference (cdktf mis-escapes a function
  // call nested in another).
  const userData = Token.isUnresolved(rendered)
    ? Fn.base64encode(new TerraformLocal(scope, 'MachineDocument', rendered).asString)
    : Buffer.from(rendered, 'utf8').toString('base64');

  // --- the VM ---------------------------------------------------------------------------------------
  const spot = spec.spot;
  const virtualMachine = new LinuxVirtualMachine(scope, 'Resource', {
    ...inGroup,
    name,
    computerName: name,
    size: vmSize,
    sourceImageId: target.imageId,
    networkInterfaceIds: [networkInterface.id],
    adminUsername: AZURE_ADMIN_USER,
    disablePasswordAuthentication: true,
    adminSshKey: [{ username: AZURE_ADMIN_USER, publicKey: adminPublicKey }],
    identity: { type: 'UserAssigned', identityIds: [identity.id] },
    osDisk: {
      name: `${name}-os`,
      caching: 'ReadWrite',
      storageAccountType: 'Premium_LRS',
      diskSizeGb: spec.bootDiskSizeGiB,
    },
    // Temp disk and caches are encrypted on the host too (needs the subscription feature
    // Microsoft.Compute/EncryptionAtHost; the README says how to register it).
    encryptionAtHostEnabled: true,
    // Trusted Launch stays off: it needs a Gallery image marked TrustedLaunchSupported (managed
    // images cannot have it), and Secure Boot would refuse NixOS' unsigned boot loader and the
    // NVIDIA kernel modules.
    secureBootEnabled: false,
    vtpmEnabled: false,
    // Serial console output is kept in Azure-managed storage.
    bootDiagnostics: {},
    // The agent reports the VM ready; extensions (code run as root by anyone allowed to add one)
    // are refused.
    provisionVmAgent: true,
    allowExtensionOperations: false,
    // NixOS is updated by rolling the nixpkgs pin, not by Azure Update Manager.
    patchMode: 'ImageDefault',
    patchAssessmentMode: 'ImageDefault',
    // The machine document goes in user data, not custom data: user data is served by IMDS
    // (where the bootstrap reads it) and can change without re-creating the VM, while any
    // change of custom data replaces the VM and its boot disk.
    userData,
    ...(spot
      ? {
        priority: 'Spot',
        // Deallocate, not delete: disks, IP and name stay; start it again when capacity returns.
        evictionPolicy: 'Deallocate',
        // Pay up to the on-demand price; evicted only for capacity.
        maxBidPrice: -1,
      }
      : { priority: 'Regular' }),
    tags: { ...tags, [LabelKey.NIXPKGS]: spec.nixpkgs.rev },
    dependsOn: [
      ...secretDependencies,
      networkInterfaceSecurityGroupAssociation,
      ...(subnetSecurityGroupAssociation ? [subnetSecurityGroupAssociation] : []),
      ...(own?.subnetNatGatewayAssociation ? [own.subnetNatGatewayAssociation] : []),
      // Outbound through the shared NAT and the subnet's NSG in place before first boot.
      ...(shared ? [shared.subnetNatGatewayAssociation, shared.subnetSecurityGroupAssociation] : []),
    ],
  });
  recordIntent(virtualMachine, { publicAccess: isPublic });

  // --- home disk: kept across VM re-creation, locked, backed up daily --------------------------------
  const homeDisk = new ManagedDisk(scope, 'HomeDisk', {
    ...inGroup,
    name: `${name}-home`,
    storageAccountType: 'Premium_LRS',
    createOption: 'Empty',
    diskSizeGb: spec.homeDiskSizeGiB,
    // No SAS export or import of the disk's contents.
    networkAccessPolicy: 'DenyAll',
    publicNetworkAccessEnabled: false,
    tags,
    lifecycle: { preventDestroy: true },
  });
  const homeDiskAttachment = new VirtualMachineDataDiskAttachment(scope, 'HomeDiskAttachment', {
    managedDiskId: homeDisk.id,
    virtualMachineId: virtualMachine.id,
    lun: 0,
    // Read caching speeds up reads; writes go straight to the disk, so nothing acknowledged is
    // lost with the host. Azure caches no disk of 4 TiB or more.
    caching: isKnown(spec.homeDiskSizeGiB) && spec.homeDiskSizeGiB < 4096 ? 'ReadOnly' : 'None',
  });
  const homeDiskLock = new ManagementLock(scope, 'HomeDiskLock', {
    name: `${name}-home-lock`,
    scope: homeDisk.id,
    lockLevel: 'CanNotDelete',
    notes: `The home disk of ML workspace ${name} outlives its VM; remove this lock to delete it on purpose.`,
  });

  const backupVault = new DataProtectionBackupVault(scope, 'BackupVault', {
    ...inGroup,
    name: `${name}-backup`,
    datastoreType: 'VaultStore',
    redundancy: 'LocallyRedundant',
    softDelete: 'On',
    retentionDurationInDays: 14,
    identity: { type: 'SystemAssigned' },
    tags,
  });
  // A disk backup policy cannot be changed, only replaced: its name carries the retention, and
  // the new one exists before the backup instance moves to it.
  const backupPolicy = new DataProtectionBackupPolicyDisk(scope, 'BackupPolicy', {
    name: `${name}-home-daily-${spec.snapshotRetentionDays}d`,
    vaultId: backupVault.id,
    backupRepeatingTimeIntervals: ['R/2024-01-01T03:00:00+00:00/P1D'],
    defaultRetentionDuration: `P${spec.snapshotRetentionDays}D`,
    timeZone: 'UTC',
    lifecycle: { createBeforeDestroy: true },
  });
  // What Azure Disk Backup requires of the vault's identity: read the disk, and manage
  // incremental snapshots in the snapshot resource group (the workspace's).
  const vaultPrincipal = backupVault.identity.principalId;
  const diskReader = assignRole('BackupDiskReader', { scope: homeDisk.id, roleDefinitionName: 'Disk Backup Reader', principalId: vaultPrincipal });
  const snapshotContributor = assignRole('BackupSnapshotContributor', {
    scope: rgId,
    roleDefinitionName: 'Disk Snapshot Contributor',
    principalId: vaultPrincipal,
  });
  const backupInstance = new DataProtectionBackupInstanceDisk(scope, 'BackupInstance', {
    name: `${name}-home`,
    location,
    vaultId: backupVault.id,
    diskId: homeDisk.id,
    snapshotResourceGroupName: rg,
    backupPolicyId: backupPolicy.id,
    dependsOn: [diskReader, snapshotContributor],
  });

  // --- idle stop: a shutdown keeps an Azure VM allocated and billed, so the VM deallocates itself ---
  let deallocateRole: RoleDefinition | undefined;
  if (spec.idleStop) {
    // Custom role names are unique per tenant, so the name carries the resource group's id.
    deallocateRole = new RoleDefinition(scope, 'DeallocateRole', {
      name: `${name}-deallocate (${rgId})`,
      scope: rgId,
      description: `Lets ML workspace ${name} deallocate its own VM when idle (nothing else)`,
      // Only what the guest's stop command calls: POST .../virtualMachines/<vm>/deallocate. It
      // reads subscription, group and name from IMDS, which needs no permission.
      permissions: [{ actions: ['Microsoft.Compute/virtualMachines/deallocate/action'] }],
      assignableScopes: [rgId],
    });
    assignRole('DeallocateRoleAssignment', {
      scope: virtualMachine.id,
      roleDefinitionId: deallocateRole.roleDefinitionResourceId,
      principalId: identity.principalId,
    });
  }

  // --- DNS record in an Azure DNS zone -----------------------------------------------------------
  let dnsRecord: DnsARecord | undefined;
  const zone = spec.dns.mode === DnsMode.ZONE ? spec.dns.zone! : undefined;
  if (zone) {
    const zoneName = zone.zoneName.replace(/\.$/, '');
    const relative =
      isKnown(domain) && isKnown(zoneName)
        ? domain === zoneName
          ? '@'
          : domain.slice(0, domain.length - zoneName.length - 1)
        : Fn.trimsuffix(domain, `.${zoneName}`);
    dnsRecord = new DnsARecord(scope, 'DnsRecord', {
      name: relative,
      zoneName,
      resourceGroupName: zone.resourceGroupName ?? rg,
      ttl: zone.ttlSeconds ?? 300,
      records: [ipAddress],
      tags,
    });
  }

  // --- how people get in -----------------------------------------------------------------------------
  const signInStep =
    spec.auth.mode === AuthMode.CONNECTION_TOKEN
      ? openInBrowser(`${url}?tkn=$(az keyvault secret show --vault-name ${keyVault.name} --name ${SecretName.CONNECTION_TOKEN} --query value -o tsv)`)
      : openForSignIn(url, spec.auth.sso!.provider);
  const tunnel = `az network bastion tunnel --name ${spec.network ? spec.network.name : name}-bastion --resource-group ${attached ? attached.resourceGroupName : resourceGroupName} --target-resource-id ${virtualMachine.id} --resource-port 443 --port ${tunnelPort}`;
  const signIn = useBastion ? `${tunnel} & ${signInStep}` : signInStep;

  return {
    resources: {
      virtualMachine,
      resourceGroupName,
      resourceGroup,
      identity,
      networkInterface,
      networkSecurityGroup,
      securityRules,
      networkInterfaceSecurityGroupAssociation,
      subnetSecurityGroupAssociation,
      virtualNetwork: own?.virtualNetwork,
      subnet: own?.subnet,
      bastionSubnet: own?.bastionSubnet,
      bastionHost,
      bastionPublicIp: own?.bastionPublicIp,
      natGateway: own?.natGateway,
      natPublicIp: own?.natPublicIp,
      natGatewayPublicIpAssociation: own?.natGatewayPublicIpAssociation,
      subnetNatGatewayAssociation: own?.subnetNatGatewayAssociation,
      publicIp,
      domainLabelSuffix,
      dnsRecord,
      homeDisk,
      homeDiskAttachment,
      homeDiskLock,
      backupVault,
      backupPolicy,
      backupInstance,
      keyVault,
      keyVaultSuffix,
      secrets,
      adminSshKey,
      deallocateRole,
      roleAssignments,
      clientConfig,
    },
    url,
    ipAddress,
    hostName: domain,
    instanceName: name,
    signIn,
  };
}

/**
 * Throws when the machine document cannot fit Azure's user data limit. Values known only at
 * apply time (the Key Vault's URI, a generated DNS name) count as {@link UNKNOWN_VALUE_ALLOWANCE}
 * characters each.
 */
function checkUserDataSize(scope: Construct, kind: string, doc: Record<string, any>): void {
  const base64 = 4 * Math.ceil(estimatedDocumentBytes(doc) / 3);
  if (base64 > MAX_USER_DATA_BASE64) {
    throw invalid(
      scope,
      kind,
      'user data',
      `${base64} base64 characters`,
      `is over Azure's limit of ${MAX_USER_DATA_BASE64}; shorten auth.allowedEmails (auth.allowedDomains admits whole domains)`,
    );
  }
}
