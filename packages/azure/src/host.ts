import { DataAzurermClientConfig } from '@cdktf/provider-azurerm/lib/data-azurerm-client-config';
import { DataProtectionBackupInstanceDisk } from '@cdktf/provider-azurerm/lib/data-protection-backup-instance-disk';
import { DataProtectionBackupPolicyDisk } from '@cdktf/provider-azurerm/lib/data-protection-backup-policy-disk';
import { DataProtectionBackupVault } from '@cdktf/provider-azurerm/lib/data-protection-backup-vault';
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
import { AccessMode } from 'cdktf-ml-workspace/lib/core/access';
import { Cloud } from 'cdktf-ml-workspace/lib/core/cloud-target';
import { AzureTargetOptions } from './target';
import { Gpu } from 'cdktf-ml-workspace/lib/core/gpu';
import { LabelKey } from 'cdktf-ml-workspace/lib/core/labels';
import { invalid, isKnown } from 'cdktf-ml-workspace/lib/core/validation';
import { DocumentFragment, Egress, HostPrincipal, HostSecret, MachineHost, PublicIngress } from 'cdktf-ml-workspace/lib/host/machine-host';
import { estimatedDocumentBytes, MachineSecret } from 'cdktf-ml-workspace/lib/nixos/machine-config';
import { recordIntent } from 'cdktf-ml-workspace/lib/policy/rule';
import { WorkspaceSpec } from 'cdktf-ml-workspace/lib/host/workspace-spec';
import { hostDocument } from 'cdktf-ml-workspace/lib/clouds/common/host-document';
import { ensureProvider, ensureRandomProvider, ensureTlsProvider } from 'cdktf-ml-workspace/lib/clouds/common/providers';
import { azureNetworkParts, AzureNetworkParts, AzureSharedNetwork, bastionRule, CLOSING_RULES, INBOUND, PRIORITY, RuleSettings, securityRule } from './network';
import { azureUsesBastion, DEFAULT_VNET_CIDR } from './validate';
import { azureVmSize } from './vm-sizes';
import { usageError } from 'cdktf-ml-workspace/lib/core/errors';
import { MachineDescription } from 'cdktf-ml-workspace/lib/clouds/common/built';

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
 * Public ingress rules' priorities: the first rule's ranges (HTTPS) take 100-199, ACME 200;
 * rules other roles open get a block of 100 each from 400 on (300 is the private path's).
 */
const INGRESS_PRIORITY: Record<string, number> = { Https: PRIORITY.httpsFirst, Acme: PRIORITY.acme };
const FIRST_ROLE_PRIORITY = 400;
/** Outbound allow rules roles add: a block of 100 each from 200 (HTTPS and NTP are 100 and 110). */
const FIRST_EGRESS_PRIORITY = 200;

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

/** What the finished host made. @internal */
export interface AzureMachine {
  readonly virtualMachine: LinuxVirtualMachine;
  readonly homeDisk: ManagedDisk;
  readonly homeDiskAttachment: VirtualMachineDataDiskAttachment;
  readonly homeDiskLock: ManagementLock;
  readonly backupVault: DataProtectionBackupVault;
  readonly backupPolicy: DataProtectionBackupPolicyDisk;
  readonly backupInstance: DataProtectionBackupInstanceDisk;
  readonly adminSshKey?: PrivateKey;
  readonly deallocateRole?: RoleDefinition;
  readonly machine: MachineDescription;
}

/**
 * One NixOS VM on Azure and what it stands on: a resource group, its network (shared, the
 * target's, or its own with NAT and Bastion), an NSG on the NIC (and the subnet it made), a
 * public IP in public mode, a user-assigned identity, a Key Vault with the secrets it reads, the
 * home disk with a lock and daily backups, the self-deallocation role for idle stop, and the VM
 * with the machine document as user data. Roles add secrets, ports and document settings;
 * `finish` makes the VM.
 *
 * @internal
 */
export class AzureHost implements MachineHost {
  public readonly name: string;
  public readonly principal: HostPrincipal;
  public readonly isPublic: boolean;
  /** Whether people reach the machine through Azure Bastion (private, on a network with one). */
  public readonly throughBastion: boolean;
  public readonly resourceGroup?: ResourceGroup;
  public readonly resourceGroupName: string;
  /** The resource group name as a reference when the host made the group. */
  public readonly rg: string;
  public readonly ownNetwork?: AzureNetworkParts;
  public readonly shared?: AzureSharedNetwork;
  public readonly networkSecurityGroup: NetworkSecurityGroup;
  public readonly securityRules: NetworkSecurityRule[] = [];
  public readonly subnetSecurityGroupAssociation?: SubnetNetworkSecurityGroupAssociation;
  public readonly publicIp?: PublicIp;
  public readonly domainLabelSuffix?: Id;
  /** The public IP's `cloudapp.azure.com` name, when the host was asked for one. */
  public readonly publicDnsName?: string;
  public readonly networkInterface: NetworkInterface;
  public readonly networkInterfaceSecurityGroupAssociation: NetworkInterfaceSecurityGroupAssociation;
  /** The VM's name inside its virtual network. */
  public readonly internalHost: string;
  /** The public IP in public mode, the private one otherwise. */
  public readonly ipAddress: string;
  public readonly identity: UserAssignedIdentity;
  public readonly keyVault: KeyVault;
  public readonly keyVaultSuffix: Id;
  public readonly secrets: KeyVaultSecret[] = [];
  public readonly roleAssignments: RoleAssignment[] = [];
  public readonly clientConfig: DataAzurermClientConfig;
  private readonly rgId: string;
  private readonly inGroup: { location: string; resourceGroupName: string };
  private readonly deployer: RoleAssignment;
  private readonly machineSecrets: Record<string, MachineSecret> = {};
  // The VM must not boot before it can read its secrets.
  private readonly secretDependencies: ITerraformDependable[] = [];
  private readonly privatePorts: string[] = [];
  private readonly fragments: DocumentFragment[] = [];
  private nextRolePriority = FIRST_ROLE_PRIORITY;
  private nextEgressPriority = FIRST_EGRESS_PRIORITY;
  private finished = false;

  constructor(
    public readonly scope: Construct,
    private readonly spec: WorkspaceSpec,
    private readonly target: AzureTargetOptions,
    options: { readonly publicDnsLabel: boolean },
  ) {
    ensureProvider(scope, 'azurerm', (stack) => new AzurermProvider(stack, 'ml-workspace-azurerm', { features: [{}] }));
    ensureRandomProvider(scope);
    const { location } = target;
    const name = spec.name;
    const tags = spec.labels;
    this.name = name;
    this.isPublic = spec.access.mode === AccessMode.PUBLIC;
    const isPublic = this.isPublic;
    this.throughBastion = azureUsesBastion(spec, target);

    this.clientConfig = new DataAzurermClientConfig(scope, 'ClientConfig', {});

    // --- resource group ---------------------------------------------------------------------------
    this.resourceGroup = target.resourceGroupName
      ? undefined
      : new ResourceGroup(scope, 'ResourceGroup', { name: `${name}-rg`, location, tags });
    this.resourceGroupName = target.resourceGroupName ?? `${name}-rg`;
    // References (not the literal) make every resource wait for a group the construct creates.
    const rg = this.resourceGroup ? this.resourceGroup.name : this.resourceGroupName;
    this.rg = rg;
    this.rgId = this.resourceGroup
      ? this.resourceGroup.id
      : `/subscriptions/${this.clientConfig.subscriptionId}/resourceGroups/${this.resourceGroupName}`;
    const inGroup = { location, resourceGroupName: rg };
    this.inGroup = inGroup;

    // --- network: the shared one, the target's, or its own -----------------------------------------
    this.shared = spec.network?.attachment as AzureSharedNetwork | undefined;
    // A private workspace on its own network gets its own Bastion; on a shared one, the network's.
    this.ownNetwork = !this.shared && !target.subnetId
      ? azureNetworkParts(scope, {
        name,
        location,
        resourceGroupName: rg,
        vnetCidr: target.vnetCidr ?? DEFAULT_VNET_CIDR,
        nat: !isPublic,
        bastion: this.throughBastion,
        tags,
      })
      : undefined;
    const subnetId = this.shared ? this.shared.resources.subnet.id : this.ownNetwork ? this.ownNetwork.subnet.id : target.subnetId!;

    // --- network security group: explicit rules at explicit priorities --------------------------
    this.networkSecurityGroup = new NetworkSecurityGroup(scope, 'SecurityGroup', { ...inGroup, name: `${name}-nsg`, tags });
    // A shared network's subnet has its own NSG.
    this.subnetSecurityGroupAssociation = this.ownNetwork
      ? new SubnetNetworkSecurityGroupAssociation(scope, 'SubnetSecurityGroup', {
        subnetId: this.ownNetwork.subnet.id,
        networkSecurityGroupId: this.networkSecurityGroup.id,
      })
      : undefined;

    // --- public IP and its DNS name -----------------------------------------------------------------
    let domainLabel: string | undefined;
    if (options.publicDnsLabel) {
      // Labels are unique per region; the suffix is made once per workspace.
      this.domainLabelSuffix = new Id(scope, 'DomainLabelSuffix', { byteLength: 2, keepers: { location, workspace: name } });
      domainLabel = `${name}-${this.domainLabelSuffix.hex}`;
      this.publicDnsName = `${domainLabel}.${location}.cloudapp.azure.com`;
    }
    this.publicIp = isPublic
      ? new PublicIp(scope, 'PublicIp', {
        ...inGroup,
        name: `${name}-ip`,
        allocationMethod: 'Static',
        sku: 'Standard',
        ...(domainLabel ? { domainNameLabel: domainLabel } : {}),
        tags,
      })
      : undefined;

    this.networkInterface = new NetworkInterface(scope, 'NetworkInterface', {
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
          ...(this.publicIp ? { publicIpAddressId: this.publicIp.id } : {}),
        },
      ],
      tags,
    });
    recordIntent(this.networkInterface, { publicAccess: isPublic });
    this.networkInterfaceSecurityGroupAssociation = new NetworkInterfaceSecurityGroupAssociation(scope, 'NicSecurityGroup', {
      networkInterfaceId: this.networkInterface.id,
      networkSecurityGroupId: this.networkSecurityGroup.id,
    });
    // The name Azure's DNS gives the VM inside its virtual network.
    this.internalHost = `${name}.${this.networkInterface.internalDomainNameSuffix}`;
    this.ipAddress = this.publicIp ? this.publicIp.ipAddress : this.networkInterface.privateIpAddress;

    // --- identity -------------------------------------------------------------------------------------
    // User-assigned, so its role assignments exist before the VM first boots and reads its secrets.
    this.identity = new UserAssignedIdentity(scope, 'Identity', { ...inGroup, name: `${name}-id`, tags });
    this.principal = { cloud: Cloud.AZURE, member: this.identity.principalId };

    // --- Key Vault: the secrets the VM reads at boot ---------------------------------------------
    this.keyVaultSuffix = new Id(scope, 'KeyVaultSuffix', { byteLength: 3, keepers: { workspace: name, resourceGroup: this.resourceGroupName } });
    this.keyVault = new KeyVault(scope, 'KeyVault', {
      ...inGroup,
      name: keyVaultName(name, this.keyVaultSuffix.hex),
      tenantId: this.clientConfig.tenantId,
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
      networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices', ipRules: [...target.keyVaultAllowedCidrs], virtualNetworkSubnetIds: [subnetId] },
      tags,
    });
    // The deployer writes the secrets: that needs a data-plane role, which Owner does not include.
    // Whoever runs Terraform may be a user or a service principal: no principal type.
    this.deployer = this.assignRole(
      'KeyVaultDeployer',
      { scope: this.keyVault.id, roleDefinitionName: 'Key Vault Secrets Officer', principalId: this.clientConfig.objectId },
      false,
    );
  }

  /** The Bastion people tunnel through, when there is one. */
  public get bastionHost() {
    return this.shared ? this.shared.resources.bastionHost : this.ownNetwork?.bastionHost;
  }

  public addSecret(secret: HostSecret): KeyVaultSecret {
    const created = this.storeSecret(secret.idPrefix, secret.fileName, secret.value, secret.contentType, secret.expirationDate);
    this.secretDependencies.push(created);
    // Only the one secret, not the vault: the VM cannot read the admin SSH key.
    this.grantRead(secret.idPrefix, created.resourceVersionlessId);
    this.machineSecrets[secret.fileName] = { source: `${this.keyVault.vaultUri}secrets/${secret.fileName}`, owner: secret.owner };
    return created;
  }

  /** Reads a secret of the vault `target.ssoKeyVaultId` (validated to be given with SSO). */
  public readExistingSecret(idPrefix: string, name: string, fileName: string, owner: string): void {
    const vaultId = this.target.ssoKeyVaultId!;
    const vaultName = isKnown(vaultId) ? vaultId.split('/').pop()! : Token.asString(Fn.element(Fn.split('/', vaultId), 8));
    this.grantRead(idPrefix, `${vaultId}/secrets/${name}`);
    this.machineSecrets[fileName] = { source: `https://${vaultName}.vault.azure.net/secrets/${name}`, owner };
  }

  public allowPublicIngress(rule: PublicIngress): void {
    let first = INGRESS_PRIORITY[rule.id];
    if (first === undefined) {
      first = this.nextRolePriority;
      this.nextRolePriority += 100;
    }
    if (rule.sources === 'internet') {
      // Let's Encrypt validates from addresses nobody can list in advance.
      this.rule(`allow-${rule.suffix}-http`, {
        ...INBOUND,
        priority: first,
        sourceAddressPrefix: 'Internet',
        destinationPortRange: String(rule.port),
        description: rule.rangeDescription,
      });
      return;
    }
    // One rule per range: a rule may not mix IPv4 and IPv6 prefixes.
    rule.sources.forEach((cidr, i) =>
      this.rule(`allow-${rule.suffix}-${i + 1}`, {
        ...INBOUND,
        priority: first + i,
        sourceAddressPrefix: cidr,
        destinationPortRange: String(rule.port),
        description: rule.rangeDescription,
      }),
    );
  }

  public allowEgress(rule: Egress): void {
    const first = this.nextEgressPriority;
    this.nextEgressPriority += 100;
    rule.destinations.forEach((cidr, i) =>
      this.rule(`allow-${rule.suffix}-outbound-${i + 1}`, {
        direction: 'Outbound',
        access: 'Allow',
        protocol: 'Tcp',
        priority: first + i,
        sourceAddressPrefix: '*',
        destinationAddressPrefix: cidr,
        destinationPortRange: String(rule.port),
        description: rule.description,
      }),
    );
  }

  public allowPrivateAccess(port: number): void {
    this.privatePorts.push(String(port));
  }

  public addToDocument(fragment: DocumentFragment): void {
    this.fragments.push(fragment);
  }

  /**
   * Closes the NSG (the private path's rule, then deny everything else in and all internet
   * egress but HTTPS and NTP), makes the admin key, the VM with the machine document (rendered
   * once, checked against Azure's user-data limit), the home disk with its lock and backups, and
   * the self-deallocation role for idle stop.
   */
  public finish(): AzureMachine {
    if (this.finished) throw usageError(`${this.spec.kind} '${this.scope.node.id}': the host is already finished`);
    this.finished = true;
    const { spec, target, scope, name, inGroup, rg, rgId } = this;
    const { location } = target;
    const tags = spec.labels;
    const shared = this.shared?.resources;
    const own = this.ownNetwork;

    // A GPU the catalog has no preset for comes with target.vmSize (validated).
    const vmSize = spec.machine?.type ?? target.vmSize ?? azureVmSize(spec.size, spec.gpu)!.vmSize;
    if (spec.gpu === Gpu.NVIDIA_A10 && !target.vmSize) {
      // NVadsA10_v5 exposes the A10 as a vGPU, which only NVIDIA's GRID driver drives.
      Annotations.of(scope).addWarning(
        `${spec.kind} '${scope.node.id}': gpu Gpu.NVIDIA_A10 runs on ${vmSize}, which Azure supports only with NVIDIA's GRID driver; the workspace module installs the datacenter driver, so CUDA will not see the GPU. Use Gpu.NVIDIA_T4 or Gpu.NVIDIA_A100_80GB on Azure, or bring a GRID-enabled image and configuration`,
      );
    }

    if (!this.isPublic) {
      const ports = ['22', ...this.privatePorts];
      const more = this.privatePorts.filter((port) => port !== '22' && port !== '443');
      if (this.shared && more.length > 0) {
        // The shared subnet's NSG admits 22 and 443 from Bastion and nothing else.
        throw usageError(
          `${spec.kind} '${scope.node.id}': port ${more.join(', ')} through Azure Bastion is not admitted by the shared network's subnet NSG (22 and 443 only); leave out network for this workspace`,
        );
      }
      const bastionCidr = this.shared ? this.shared.bastionCidr : own?.bastionCidr;
      if (this.throughBastion) {
        this.rule('allow-bastion', { ...bastionRule(bastionCidr!), destinationPortRanges: ports });
      } else {
        this.rule('allow-virtual-network', {
          ...INBOUND,
          priority: PRIORITY.tunnel,
          sourceAddressPrefix: 'VirtualNetwork',
          destinationPortRanges: ports,
          description: "SSH and the IDE from the virtual network and what is connected to it (your own access path: VPN, peered Bastion)",
        });
      }
    }
    for (const [ruleName, settings] of CLOSING_RULES) this.rule(ruleName, settings);

    let adminSshKey: PrivateKey | undefined;
    let adminPublicKey = target.adminSshPublicKey;
    if (!adminPublicKey) {
      ensureTlsProvider(scope);
      adminSshKey = new PrivateKey(scope, 'AdminSshKey', { algorithm: 'ED25519' });
      adminPublicKey = adminSshKey.publicKeyOpenssh;
      this.storeSecret('AdminSshKey', ADMIN_SSH_KEY_SECRET, adminSshKey.privateKeyOpenssh, 'application/x-openssh-key');
    }

    // --- the machine document, as user data -------------------------------------------------------
    const { doc, rendered } = hostDocument(spec, {
      cloud: 'azure',
      gpu: spec.gpu !== undefined,
      homeDevice: AZURE_HOME_DEVICE,
      secrets: this.machineSecrets,
      fragments: [
        ...this.fragments,
        // Declared in NixOS, so the account Azure provisions survives the bootstrap's rebuilds.
        { admin: { user: AZURE_ADMIN_USER, authorizedKeys: [adminPublicKey] } },
      ],
    });
    checkUserDataSize(scope, spec.kind, doc);
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
      networkInterfaceIds: [this.networkInterface.id],
      adminUsername: AZURE_ADMIN_USER,
      disablePasswordAuthentication: true,
      adminSshKey: [{ username: AZURE_ADMIN_USER, publicKey: adminPublicKey }],
      identity: { type: 'UserAssigned', identityIds: [this.identity.id] },
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
        ...this.secretDependencies,
        this.networkInterfaceSecurityGroupAssociation,
        ...(this.subnetSecurityGroupAssociation ? [this.subnetSecurityGroupAssociation] : []),
        ...(own?.subnetNatGatewayAssociation ? [own.subnetNatGatewayAssociation] : []),
        // Outbound through the shared NAT and the subnet's NSG in place before first boot.
        ...(shared ? [shared.subnetNatGatewayAssociation, shared.subnetSecurityGroupAssociation] : []),
      ],
    });
    recordIntent(virtualMachine, { publicAccess: this.isPublic });

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
    const diskReader = this.assignRole('BackupDiskReader', { scope: homeDisk.id, roleDefinitionName: 'Disk Backup Reader', principalId: vaultPrincipal });
    const snapshotContributor = this.assignRole('BackupSnapshotContributor', {
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
      this.assignRole('DeallocateRoleAssignment', {
        scope: virtualMachine.id,
        roleDefinitionId: deallocateRole.roleDefinitionResourceId,
        principalId: this.identity.principalId,
      });
    }
    const preset = target.vmSize === undefined && spec.machine === undefined ? azureVmSize(spec.size, spec.gpu) : undefined;
    const gpuCount = spec.machine?.gpuCount ?? preset?.gpuCount;
    const described: MachineDescription = {
      type: vmSize,
      ...(spec.gpu ? { gpu: spec.gpu.name, ...(gpuCount !== undefined ? { gpuCount } : {}) } : {}),
    };
    return { virtualMachine, homeDisk, homeDiskAttachment, homeDiskLock, backupVault, backupPolicy, backupInstance, adminSshKey, deallocateRole, machine: described };
  }

  /**
   * Assigns a role. Managed identities are service principals; saying so spares Azure a
   * directory lookup that fails while a new identity is still replicating.
   */
  private assignRole(
    id: string,
    config: { scope: string; principalId: string; roleDefinitionName?: string; roleDefinitionId?: string },
    servicePrincipal = true,
  ): RoleAssignment {
    const assignment = new RoleAssignment(this.scope, id, { ...config, ...(servicePrincipal ? { principalType: 'ServicePrincipal' } : {}) });
    this.roleAssignments.push(assignment);
    return assignment;
  }

  private grantRead(idPrefix: string, secretScope: string): void {
    this.secretDependencies.push(
      this.assignRole(`${idPrefix}Reader`, { scope: secretScope, roleDefinitionName: 'Key Vault Secrets User', principalId: this.identity.principalId }),
    );
  }

  /** A Key Vault secret the machine does not read (unless `addSecret` grants it). */
  private storeSecret(idPrefix: string, secretName: string, value: string, contentType: string, expirationDate?: string): KeyVaultSecret {
    const secret = new KeyVaultSecret(this.scope, `${idPrefix}Secret`, {
      name: secretName,
      keyVaultId: this.keyVault.id,
      value,
      contentType,
      ...(expirationDate ? { expirationDate } : {}),
      dependsOn: [this.deployer],
    });
    this.secrets.push(secret);
    return secret;
  }

  private rule(ruleName: string, settings: RuleSettings): void {
    this.securityRules.push(securityRule(this.scope, this.networkSecurityGroup, this.rg, ruleName, settings));
  }
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
