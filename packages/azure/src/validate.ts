import { Construct } from 'constructs';
import { UsageSpec } from 'cdktf-ml-workspace/lib/host/usage-cloud';
import { AccessMode } from 'cdktf-ml-workspace/lib/core/access';
import { AuthMode } from 'cdktf-ml-workspace/lib/core/auth';
import { AzureTargetOptions } from './target';
import { DnsMode } from 'cdktf-ml-workspace/lib/core/dns';
import { DOMAIN } from 'cdktf-ml-workspace/lib/core/email';
import { Fail, invalid, isKnown } from 'cdktf-ml-workspace/lib/core/validation';
import { BROAD_SHARE, addressSpaceShare, cidrProblem, ipv4Prefix } from 'cdktf-ml-workspace/lib/core/cidr';
import { unlistedRegionProblem } from 'cdktf-ml-workspace/lib/core/regions';
import { ipv4Subnet } from 'cdktf-ml-workspace/lib/clouds/common/network';
import { WorkspaceSpec } from 'cdktf-ml-workspace/lib/host/workspace-spec';
import { azureGpuFamily, azureGpus, azureNearestGpus, azureOffersGpu, azureSizesFor, azureVmSize, azureVmSizeGpuProblem } from './vm-sizes';

/** The address space of the virtual network the construct creates by default. @internal */
export const DEFAULT_VNET_CIDR = '10.42.0.0/16';

/** Premium SSD data disks end at 32 TiB - 1 GiB; OS disks at 4 TiB - 1 GiB. @internal */
export const MAX_HOME_DISK_GIB = 32767;
/** @internal */
export const MAX_OS_DISK_GIB = 4095;
/**
 * Azure Disk Backup keeps at most 450 scheduled backups of a disk (the incremental snapshot
 * limit is 500; the rest is headroom for on-demand backups), so daily backups can be kept that
 * many days. @internal
 */
export const MAX_BACKUP_RETENTION_DAYS = 450;
/** Public access takes one HTTPS rule per allowed range, at priorities 100-199. @internal */
export const MAX_ALLOWED_CIDRS = 100;

const ID = '[^/]+';
/** Resource ids the VM's `source_image_id` accepts. */
const IMAGE_ID = [
  new RegExp(`^/subscriptions/${ID}/resourceGroups/${ID}/providers/Microsoft\\.Compute/images/${ID}$`, 'i'),
  new RegExp(`^/subscriptions/${ID}/resourceGroups/${ID}/providers/Microsoft\\.Compute/galleries/${ID}/images/${ID}(/versions/${ID})?$`, 'i'),
  new RegExp(`^/(communityGalleries|sharedGalleries)/${ID}/images/${ID}(/versions/${ID})?$`, 'i'),
];
const SUBNET_ID = new RegExp(
  `^/subscriptions/${ID}/resourceGroups/${ID}/providers/Microsoft\\.Network/virtualNetworks/${ID}/subnets/${ID}$`,
  'i',
);
const KEY_VAULT_ID = new RegExp(`^/subscriptions/${ID}/resourceGroups/${ID}/providers/Microsoft\\.KeyVault/vaults/[A-Za-z0-9-]{3,24}$`, 'i');
/** Resource group names: 1-90 letters, digits, `_`, `-`, `.`, `(`, `)`, not ending in `.`. */
const RESOURCE_GROUP = /^[-\w.()]{0,89}[-\w()]$/;
const LOCATION = /^[a-z][a-z0-9]*$/;
const VM_SIZE = /^Standard_[A-Za-z0-9_]+$/;
/** The public key types Azure accepts for Linux VMs. */
const SSH_PUBLIC_KEY = /^(ssh-rsa|ssh-ed25519) [A-Za-z0-9+/]+={0,3}( [^\r\n]*)?$/;

/**
 * The subnets the construct carves out of the virtual network's address space: the workspace
 * subnet is the first /24, `AzureBastionSubnet` the first /26 of the second /24.
 *
 * @internal
 */
export function azureSubnets(vnetCidr: string): { workspace: string; bastion: string } {
  return { workspace: ipv4Subnet(vnetCidr, 24, 0), bastion: ipv4Subnet(vnetCidr, 26, 4) };
}

/** Whether a private workspace gets Azure Bastion (only in a network the construct creates). @internal */
export function azureUsesBastion(spec: WorkspaceSpec, target: AzureTargetOptions): boolean {
  return spec.access.mode === AccessMode.PRIVATE && !target.subnetId;
}

/**
 * Checks the Azure placement and the size/GPU combination.
 *
 * @internal
 */
export function validateAzureTarget(scope: Construct, spec: WorkspaceSpec, target: AzureTargetOptions): void {
  const fail = (prop: string, value: unknown, problemAndFix: string) => invalid(scope, spec.kind, prop, value, problemAndFix);

  if (spec.running === false) {
    throw fail(
      'running',
      false,
      "is not supported on Azure: a VM there has no power state Terraform manages, and a shutdown from inside keeps it allocated and billed; remove it and stop the VM with 'az vm deallocate --resource-group <group> --name <workspace>' (idle stop deallocates it for you)",
    );
  }

  validateAzureLocation(fail, target);

  if (target.imageId === undefined || target.imageId === '') {
    throw fail(
      'target.imageId',
      target.imageId,
      "is required on Azure, which has no NixOS image: build one with 'nix build ./nix#azure-image', upload it as the README section \"Azure image\" shows, and pass the managed image or gallery image id",
    );
  }
  if (isKnown(target.imageId) && !IMAGE_ID.some((re) => re.test(target.imageId!))) {
    throw fail(
      'target.imageId',
      target.imageId,
      "is not an image resource id; give a managed image id ('/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.Compute/images/<name>') or a gallery image or version id ('.../providers/Microsoft.Compute/galleries/<g>/images/<def>/versions/<v>')",
    );
  }

  if (spec.access.allowedCidrs.length > MAX_ALLOWED_CIDRS) {
    throw fail(
      'access.allowedCidrs',
      `${spec.access.allowedCidrs.length} ranges`,
      `are too many for the workspace's network security group; give at most ${MAX_ALLOWED_CIDRS} on Azure, merging neighbouring ranges`,
    );
  }

  validateAzureNetworkPlacement(fail, target, azureUsesBastion(spec, target));

  if (target.vmSize !== undefined && isKnown(target.vmSize) && !VM_SIZE.test(target.vmSize)) {
    throw fail('target.vmSize', target.vmSize, "is not an Azure VM size name; e.g. 'Standard_NC16as_T4_v3'");
  }

  if (target.adminSshPublicKey !== undefined && isKnown(target.adminSshPublicKey) && !SSH_PUBLIC_KEY.test(target.adminSshPublicKey.trim())) {
    throw fail(
      'target.adminSshPublicKey',
      shorten(target.adminSshPublicKey),
      "is not an OpenSSH RSA or Ed25519 public key (Azure accepts no other type); give one line like 'ssh-ed25519 AAAAC3Nz... alice@laptop', or leave it out to have a key generated",
    );
  }

  if (!Array.isArray(target.keyVaultAllowedCidrs)) {
    throw fail(
      'target.keyVaultAllowedCidrs',
      target.keyVaultAllowedCidrs,
      "is required: the workspace's Key Vault denies every network but the workspace subnet, and Terraform writes the secrets from where it runs; list your deployment runners' public IPv4 ranges (e.g. ['203.0.113.0/24']), or give [] when Terraform runs inside the virtual network",
    );
  }
  const singles: string[] = [];
  for (const cidr of target.keyVaultAllowedCidrs) {
    if (!isKnown(cidr)) continue;
    const single = typeof cidr === 'string' && /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/.test(cidr);
    if (single) {
      singles.push(`${cidr}/32`);
      continue;
    }
    const problem = typeof cidr === 'string' ? cidrProblem(cidr) : 'is not a string';
    if (problem) throw fail('target.keyVaultAllowedCidrs', cidr, problem);
    if (ipv4Prefix(cidr) === undefined) {
      throw fail('target.keyVaultAllowedCidrs', cidr, "is not an IPv4 address or range; Key Vault's firewall takes IPv4 only");
    }
    if (Number(cidr.split('/')[1]) > 30) {
      throw fail('target.keyVaultAllowedCidrs', cidr, `is a /31 or /32, which Key Vault refuses; give the address without a prefix, e.g. '${cidr.split('/')[0]}'`);
    }
  }
  const ranges = [...singles, ...target.keyVaultAllowedCidrs.filter((c) => isKnown(c) && typeof c === 'string' && c.includes('/'))];
  if (addressSpaceShare(ranges, 'ipv4') > BROAD_SHARE.ipv4) {
    throw fail(
      'target.keyVaultAllowedCidrs',
      target.keyVaultAllowedCidrs,
      'together cover more than an IPv4 /8, which is no firewall at all; list the ranges Terraform runs from',
    );
  }

  // disks and backups
  if (isKnown(spec.homeDiskSizeGiB) && spec.homeDiskSizeGiB > MAX_HOME_DISK_GIB) {
    throw fail('homeDiskSizeGiB', spec.homeDiskSizeGiB, `is larger than a Premium SSD can be; use at most ${MAX_HOME_DISK_GIB} on Azure`);
  }
  if (isKnown(spec.bootDiskSizeGiB) && spec.bootDiskSizeGiB > MAX_OS_DISK_GIB) {
    throw fail('bootDiskSizeGiB', spec.bootDiskSizeGiB, `is larger than an Azure OS disk can be; use at most ${MAX_OS_DISK_GIB}`);
  }
  if (isKnown(spec.snapshotRetentionDays) && spec.snapshotRetentionDays > MAX_BACKUP_RETENTION_DAYS) {
    throw fail(
      'snapshotRetentionDays',
      spec.snapshotRetentionDays,
      `is longer than Azure Disk Backup keeps daily backups of a disk (${MAX_BACKUP_RETENTION_DAYS}); use at most ${MAX_BACKUP_RETENTION_DAYS} on Azure`,
    );
  }

  // SSO: the client secret is a Key Vault secret the workspace reads with its identity
  if (spec.auth.mode === AuthMode.SSO) {
    const secretName = spec.auth.sso?.clientSecretName;
    if (!target.ssoKeyVaultId) {
      throw fail(
        'target.ssoKeyVaultId',
        target.ssoKeyVaultId,
        `is required with SSO on Azure; give the resource id of the Key Vault that holds the OAuth client secret '${secretName}'`,
      );
    }
    if (isKnown(target.ssoKeyVaultId) && !KEY_VAULT_ID.test(target.ssoKeyVaultId)) {
      throw fail(
        'target.ssoKeyVaultId',
        target.ssoKeyVaultId,
        "is not a Key Vault resource id; give '/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.KeyVault/vaults/<vault>'",
      );
    }
  }

  // DNS zone: the record must be inside the zone; the zone's group is a resource group name
  const zone = spec.dns.mode === DnsMode.ZONE ? spec.dns.zone : undefined;
  if (zone) {
    const record = zone.recordName.replace(/\.$/, '');
    const zoneName = zone.zoneName.replace(/\.$/, '');
    if (isKnown(record) && isKnown(zoneName) && DOMAIN.test(zoneName) && record !== zoneName && !record.endsWith(`.${zoneName}`)) {
      throw fail('dns.recordName', zone.recordName, `is not inside zone '${zoneName}'; use a name ending in '.${zoneName}'`);
    }
    if (zone.resourceGroupName !== undefined && isKnown(zone.resourceGroupName) && !RESOURCE_GROUP.test(zone.resourceGroupName)) {
      throw fail(
        'dns.resourceGroupName',
        zone.resourceGroupName,
        "is not a resource group name; use 1-90 letters, digits, '_', '-', '.', '(' or ')', not ending in '.'",
      );
    }
  }

  // GPU and size
  const gpu = spec.gpu;
  if (gpu && target.vmSize !== undefined && isKnown(target.vmSize)) {
    const problem = azureVmSizeGpuProblem(target.vmSize, gpu);
    if (problem) throw fail('target.vmSize', target.vmSize, problem);
  }
  // A fleet's packages chose the machine from the catalog of shapes.
  if (!gpu || target.vmSize || spec.machine) return;
  if (!gpu.inCatalog) {
    throw fail('gpu', gpu.name, 'is not in the catalog; set target.vmSize to a VM size that has it, or use a catalog GPU such as Gpu.NVIDIA_A10');
  }
  if (!azureOffersGpu(gpu)) {
    const offered = azureGpus().map((g) => g.toString()).join(', ');
    const nearest = azureNearestGpus(gpu).map((g) => g.toString()).join(' or ');
    throw fail('gpu', gpu.toString(), `is not offered on Azure; use one of ${offered}${nearest ? ` (the closest is ${nearest})` : ''}`);
  }
  if (!azureVmSize(spec.size, gpu)) {
    const sizes = azureSizesFor(gpu)
      .map((s) => `${s.size} (${s.vmSize}, ${s.gpuCount} GPU${s.gpuCount === 1 ? '' : 's'})`)
      .join(', ');
    throw fail(
      'gpu',
      gpu.toString(),
      `is not offered on Azure in size ${spec.size} (the ${azureGpuFamily(gpu)} family has no such size); use size ${sizes}, or set target.vmSize`,
    );
  }
}

/** A long value cut for an error message. */
function shorten(value: string): string {
  return value.length > 40 ? `${value.slice(0, 37)}...` : value;
}

/** Checks the Azure location. @internal */
export function validateAzureLocation(fail: Fail, target: AzureTargetOptions): void {
  if (isKnown(target.location) && !LOCATION.test(target.location ?? '')) {
    throw fail('target.location', target.location, "is not an Azure location name; use the lowercase name without spaces, e.g. 'westeurope'");
  }
  if (isKnown(target.location) && target.allowUnlistedLocation !== true) {
    const problem = unlistedRegionProblem('azure', target.location, 'target.allowUnlistedLocation');
    if (problem) throw fail('target.location', target.location, problem.replace('a region this release', 'a location this release').replace('A region newer', 'A location newer'));
  }
}

/** Checks the resource group and network placement; `bastion`: the network must hold AzureBastionSubnet. @internal */
export function validateAzureNetworkPlacement(fail: Fail, target: AzureTargetOptions, bastion: boolean): void {
  if (target.resourceGroupName !== undefined && isKnown(target.resourceGroupName) && !RESOURCE_GROUP.test(target.resourceGroupName)) {
    throw fail(
      'target.resourceGroupName',
      target.resourceGroupName,
      "is not a resource group name; use 1-90 letters, digits, '_', '-', '.', '(' or ')', not ending in '.'",
    );
  }

  if (target.subnetId !== undefined && isKnown(target.subnetId) && !SUBNET_ID.test(target.subnetId)) {
    throw fail(
      'target.subnetId',
      target.subnetId,
      "is not a subnet resource id; give '/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>'",
    );
  }

  if (target.vnetCidr !== undefined) {
    if (target.subnetId !== undefined) {
      throw fail('target.vnetCidr', target.vnetCidr, 'applies only to the network the construct creates; remove it or target.subnetId');
    }
    if (isKnown(target.vnetCidr)) {
      const cidr = target.vnetCidr;
      const problem = cidrProblem(cidr);
      if (problem) throw fail('target.vnetCidr', cidr, problem);
      if (ipv4Prefix(cidr) === undefined) {
        throw fail('target.vnetCidr', cidr, "is not an IPv4 range; the workspace network is IPv4, e.g. '10.42.0.0/16'");
      }
      const bits = Number(cidr.split('/')[1]);
      const widest = bastion ? 23 : 24;
      if (bits > widest) {
        throw fail(
          'target.vnetCidr',
          cidr,
          bastion
            ? 'is too small for the workspace subnet (a /24) and AzureBastionSubnet (a /26 in the next /24); use a /23 or larger'
            : 'is too small for the workspace subnet, a /24; use a /24 or larger',
        );
      }
    }
  }
}

/** Checks a usage exporter's Azure settings. @internal */
export function validateAzureUsage(scope: Construct, spec: UsageSpec, target: AzureTargetOptions): void {
  const fail = (prop: string, value: unknown, problemAndFix: string) => invalid(scope, spec.kind, prop, value, problemAndFix);
  validateAzureLocation(fail, target);
  validateAzureNetworkPlacement(fail, { ...target, subnetId: undefined }, false);
  if (target.subnetId !== undefined) {
    throw fail('target.subnetId', target.subnetId, 'names a network, and an exporter has none; give the exporter a target without subnetId');
  }
  if (spec.billingAccount !== undefined) {
    throw fail('billingAccount', spec.billingAccount, "is GCP's; on Azure the export is of the subscription Terraform deploys to: leave it out");
  }
  if (spec.kmsKey !== undefined) {
    throw fail('kmsKey', spec.kmsKey, 'is not taken on Azure: the storage account encrypts twice with Microsoft-managed keys (infrastructure encryption); leave it out');
  }
}
