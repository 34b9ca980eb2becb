import { TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { Gpu, GpuWorkspace, SsoProvider, WorkspaceAccess, WorkspaceAuth, WorkspaceDns, WorkspaceSize, WorkspaceTls } from 'cdktf-ml-workspace';
import { azureBuildError, azureWorkspace } from '../util';
import { AzureTarget } from 'cdktf-ml-workspace-azure';

const PUBLIC = WorkspaceAccess.public({ allowedCidrs: ['203.0.113.0/24'] });
const SSO_VAULT = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/identity/providers/Microsoft.KeyVault/vaults/sso-vault';
const SUBNET_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/network/providers/Microsoft.Network/virtualNetworks/hub/subnets/ml';
const sso = (extra: Partial<Parameters<typeof WorkspaceAuth.sso>[0]> = {}) =>
  WorkspaceAuth.sso({ provider: SsoProvider.GITHUB, clientId: 'Iv1.abc', clientSecretName: 'gh-oauth', ...extra });

describe('GpuWorkspace on Azure: validation names the construct, the prop, the value and the fix', () => {
  test.each<[string, () => string, string]>([
    [
      'running: false, which Azure cannot express',
      () => azureBuildError({ running: false }),
      "GpuWorkspace 'alice': running false is not supported on Azure: a VM there has no power state Terraform manages, and a shutdown from inside keeps it allocated and billed; remove it and stop the VM with 'az vm deallocate --resource-group <group> --name <workspace>' (idle stop deallocates it for you)",
    ],
    [
      'a location display name',
      () => azureBuildError({}, { location: 'West Europe' }),
      "GpuWorkspace 'alice': target.location 'West Europe' is not an Azure location name; use the lowercase name without spaces, e.g. 'westeurope'",
    ],
    [
      'no image',
      () => azureBuildError({}, { imageId: undefined }),
      "GpuWorkspace 'alice': target.imageId undefined is required on Azure, which has no NixOS image: build one with 'nix build ./nix#azure-image', upload it as the README section \"Azure image\" shows, and pass the managed image or gallery image id",
    ],
    [
      'an empty image id',
      () => azureBuildError({}, { imageId: '' }),
      "GpuWorkspace 'alice': target.imageId '' is required on Azure, which has no NixOS image: build one with 'nix build ./nix#azure-image', upload it as the README section \"Azure image\" shows, and pass the managed image or gallery image id",
    ],
    [
      'an image name instead of its id',
      () => azureBuildError({}, { imageId: 'ml-workspace-nixos' }),
      "GpuWorkspace 'alice': target.imageId 'ml-workspace-nixos' is not an image resource id; give a managed image id ('/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.Compute/images/<name>') or a gallery image or version id ('.../providers/Microsoft.Compute/galleries/<g>/images/<def>/versions/<v>')",
    ],
    [
      'a VHD blob URL instead of an image',
      () => azureBuildError({}, { imageId: 'https://images.blob.core.windows.net/vhds/nixos.vhd' }),
      "GpuWorkspace 'alice': target.imageId 'https://images.blob.core.windows.net/vhds/nixos.vhd' is not an image resource id; give a managed image id ('/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.Compute/images/<name>') or a gallery image or version id ('.../providers/Microsoft.Compute/galleries/<g>/images/<def>/versions/<v>')",
    ],
    [
      'a resource group name ending in a dot',
      () => azureBuildError({}, { resourceGroupName: 'ml.' }),
      "GpuWorkspace 'alice': target.resourceGroupName 'ml.' is not a resource group name; use 1-90 letters, digits, '_', '-', '.', '(' or ')', not ending in '.'",
    ],
    [
      'a resource group name with a slash',
      () => azureBuildError({}, { resourceGroupName: 'ml/prod' }),
      "GpuWorkspace 'alice': target.resourceGroupName 'ml/prod' is not a resource group name; use 1-90 letters, digits, '_', '-', '.', '(' or ')', not ending in '.'",
    ],
    [
      'a subnet name instead of its id',
      () => azureBuildError({}, { subnetId: 'ml-subnet' }),
      "GpuWorkspace 'alice': target.subnetId 'ml-subnet' is not a subnet resource id; give '/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>'",
    ],
    [
      'an address space with an existing subnet',
      () => azureBuildError({}, { subnetId: SUBNET_ID, vnetCidr: '10.42.0.0/16' }),
      "GpuWorkspace 'alice': target.vnetCidr '10.42.0.0/16' applies only to the network the construct creates; remove it or target.subnetId",
    ],
    [
      'an address space that is not a CIDR',
      () => azureBuildError({}, { vnetCidr: '10.42.0.0/33' }),
      "GpuWorkspace 'alice': target.vnetCidr '10.42.0.0/33' is not a CIDR range; write it like '203.0.113.0/24' or '2001:db8::/48'",
    ],
    [
      'an address space with host bits',
      () => azureBuildError({}, { vnetCidr: '10.42.0.1/16' }),
      "GpuWorkspace 'alice': target.vnetCidr '10.42.0.1/16' has host bits set; use '10.42.0.0/16'",
    ],
    [
      'an IPv6 address space',
      () => azureBuildError({}, { vnetCidr: 'fd00:42::/48' }),
      "GpuWorkspace 'alice': target.vnetCidr 'fd00:42::/48' is not an IPv4 range; the workspace network is IPv4, e.g. '10.42.0.0/16'",
    ],
    [
      'a /24 in private mode, with no room for Bastion',
      () => azureBuildError({}, { vnetCidr: '10.42.0.0/24' }),
      "GpuWorkspace 'alice': target.vnetCidr '10.42.0.0/24' is too small for the workspace subnet (a /24) and AzureBastionSubnet (a /26 in the next /24); use a /23 or larger",
    ],
    [
      'a /25 in public mode',
      () => azureBuildError({ access: PUBLIC }, { vnetCidr: '10.42.0.0/25' }),
      "GpuWorkspace 'alice': target.vnetCidr '10.42.0.0/25' is too small for the workspace subnet, a /24; use a /24 or larger",
    ],
    [
      'a VM size without the Standard_ prefix',
      () => azureBuildError({}, { vmSize: 'NC4as_T4_v3' }),
      "GpuWorkspace 'alice': target.vmSize 'NC4as_T4_v3' is not an Azure VM size name; e.g. 'Standard_NC16as_T4_v3'",
    ],
    [
      'an ECDSA admin key, which Azure refuses',
      () => azureBuildError({}, { adminSshPublicKey: 'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEmKSENjQEezOmxkZMy7opKgwFB9nkt5YRrYMjNuG5N87uRgg6CLrbo5wAdT/y6v0mKV0U2w0WZ2YB/++Tpockg= alice' }),
      "GpuWorkspace 'alice': target.adminSshPublicKey 'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoY...' is not an OpenSSH RSA or Ed25519 public key (Azure accepts no other type); give one line like 'ssh-ed25519 AAAAC3Nz... alice@laptop', or leave it out to have a key generated",
    ],
    [
      'a private key pasted as the admin key',
      () => azureBuildError({}, { adminSshPublicKey: '-----BEGIN OPENSSH PRIVATE KEY-----' }),
      "GpuWorkspace 'alice': target.adminSshPublicKey '-----BEGIN OPENSSH PRIVATE KEY-----' is not an OpenSSH RSA or Ed25519 public key (Azure accepts no other type); give one line like 'ssh-ed25519 AAAAC3Nz... alice@laptop', or leave it out to have a key generated",
    ],
    [
      'a deployer range that is not a CIDR',
      () => azureBuildError({}, { keyVaultAllowedCidrs: ['203.0.113.0/33'] }),
      "GpuWorkspace 'alice': target.keyVaultAllowedCidrs '203.0.113.0/33' is not a CIDR range; write it like '203.0.113.0/24' or '2001:db8::/48'",
    ],
    [
      'an IPv6 deployer range',
      () => azureBuildError({}, { keyVaultAllowedCidrs: ['2001:db8::/48'] }),
      "GpuWorkspace 'alice': target.keyVaultAllowedCidrs '2001:db8::/48' is not an IPv4 address or range; Key Vault's firewall takes IPv4 only",
    ],
    [
      'a /32 deployer range, which Key Vault refuses',
      () => azureBuildError({}, { keyVaultAllowedCidrs: ['203.0.113.7/32'] }),
      "GpuWorkspace 'alice': target.keyVaultAllowedCidrs '203.0.113.7/32' is a /31 or /32, which Key Vault refuses; give the address without a prefix, e.g. '203.0.113.7'",
    ],
    [
      'more allowed ranges than the security group takes',
      () =>
        azureBuildError({
          access: WorkspaceAccess.public({ allowedCidrs: Array.from({ length: 101 }, (_, i) => `10.${i}.0.0/16`) }),
        }),
      "GpuWorkspace 'alice': access.allowedCidrs '101 ranges' are too many for the workspace's network security group; give at most 100 on Azure, merging neighbouring ranges",
    ],
    [
      'a home disk larger than a Premium SSD',
      () => azureBuildError({ homeDiskSizeGiB: 40000 }),
      "GpuWorkspace 'alice': homeDiskSizeGiB 40000 is larger than a Premium SSD can be; use at most 32767 on Azure",
    ],
    [
      'a boot disk larger than an OS disk can be',
      () => azureBuildError({ bootDiskSizeGiB: 5000 }),
      "GpuWorkspace 'alice': bootDiskSizeGiB 5000 is larger than an Azure OS disk can be; use at most 4095",
    ],
    [
      'a backup retention Azure Disk Backup cannot keep',
      () => azureBuildError({ snapshotRetentionDays: 451 }),
      "GpuWorkspace 'alice': snapshotRetentionDays 451 is longer than Azure Disk Backup keeps daily backups of a disk (450); use at most 450 on Azure",
    ],
    [
      'SSO without the Key Vault holding the client secret',
      () => azureBuildError({ auth: sso() }),
      "GpuWorkspace 'alice': target.ssoKeyVaultId undefined is required with SSO on Azure; give the resource id of the Key Vault that holds the OAuth client secret 'gh-oauth'",
    ],
    [
      'SSO with a vault name instead of its id',
      () => azureBuildError({ auth: sso() }, { ssoKeyVaultId: 'sso-vault' }),
      "GpuWorkspace 'alice': target.ssoKeyVaultId 'sso-vault' is not a Key Vault resource id; give '/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.KeyVault/vaults/<vault>'",
    ],
    [
      'SSO with a client secret name Key Vault does not allow',
      () => azureBuildError({ auth: sso({ clientSecretName: 'gh_oauth' }) }, { ssoKeyVaultId: SSO_VAULT }),
      "GpuWorkspace 'alice': auth.clientSecretName 'gh_oauth' is not a Key Vault secret name; give the name of the existing secret in target.ssoKeyVaultId holding the OAuth client secret (letters, digits and -)",
    ],
    [
      'a DNS record outside its zone',
      () => azureBuildError({ access: PUBLIC, dns: WorkspaceDns.zone({ zoneName: 'ml.example.com', recordName: 'alice.example.org' }) }),
      "GpuWorkspace 'alice': dns.recordName 'alice.example.org' is not inside zone 'ml.example.com'; use a name ending in '.ml.example.com'",
    ],
    [
      'a DNS record that only ends like the zone',
      () => azureBuildError({ access: PUBLIC, dns: WorkspaceDns.zone({ zoneName: 'example.com', recordName: 'alice.myexample.com' }) }),
      "GpuWorkspace 'alice': dns.recordName 'alice.myexample.com' is not inside zone 'example.com'; use a name ending in '.example.com'",
    ],
    [
      'a DNS zone resource group that is not a resource group name',
      () =>
        azureBuildError({
          access: PUBLIC,
          dns: WorkspaceDns.zone({ zoneName: 'ml.example.com', recordName: 'alice.ml.example.com', resourceGroupName: 'dns/zones' }),
        }),
      "GpuWorkspace 'alice': dns.resourceGroupName 'dns/zones' is not a resource group name; use 1-90 letters, digits, '_', '-', '.', '(' or ')', not ending in '.'",
    ],
    [
      'a DNS zone given by a GCP managed zone name',
      () => azureBuildError({ access: PUBLIC, dns: WorkspaceDns.zone({ zoneName: 'ml-zone', recordName: 'alice.ml.example.com' }) }),
      "GpuWorkspace 'alice': dns.zoneName 'ml-zone' is not an Azure DNS zone name; give the zone's domain, e.g. 'ml.example.com'",
    ],
    [
      "Let's Encrypt without a DNS name",
      () => azureBuildError({ access: PUBLIC, dns: WorkspaceDns.none() }),
      "GpuWorkspace 'alice': tls 'WorkspaceTls.letsEncrypt()' needs a DNS name; use WorkspaceDns.azureDomainLabel() or WorkspaceDns.zone(...), or WorkspaceTls.selfSigned()",
    ],
    [
      'a domain label on a private workspace',
      () => azureBuildError({ dns: WorkspaceDns.azureDomainLabel() }),
      "GpuWorkspace 'alice': dns 'WorkspaceDns.azureDomainLabel()' names the public IP and needs public access; use WorkspaceDns.zone(...) with a private zone or WorkspaceDns.none()",
    ],
    [
      'Cloud Endpoints on Azure',
      () => azureBuildError({ access: PUBLIC, dns: WorkspaceDns.cloudEndpoints() }),
      "GpuWorkspace 'alice': dns 'WorkspaceDns.cloudEndpoints()' is a Google Cloud service; on Azure use WorkspaceDns.azureDomainLabel(), WorkspaceDns.zone(...) or WorkspaceDns.none()",
    ],
    [
      'a GPU outside the catalog without a VM size',
      () => azureBuildError({ gpu: Gpu.of('nvidia-h200') }),
      "GpuWorkspace 'alice': gpu 'nvidia-h200' is not in the catalog; set target.vmSize to a VM size that has it, or use a catalog GPU such as Gpu.NVIDIA_A10",
    ],
    [
      'an L4, which Azure does not offer',
      () => azureBuildError({ gpu: Gpu.NVIDIA_L4 }),
      "GpuWorkspace 'alice': gpu 'Gpu.NVIDIA_L4' is not offered on Azure; use one of Gpu.NVIDIA_T4, Gpu.NVIDIA_A10, Gpu.NVIDIA_A100_80GB, Gpu.NVIDIA_H100_80GB (the closest is Gpu.NVIDIA_A10 or Gpu.NVIDIA_T4)",
    ],
    [
      'an A10G, which is AWS only',
      () => azureBuildError({ gpu: Gpu.NVIDIA_A10G }),
      "GpuWorkspace 'alice': gpu 'Gpu.NVIDIA_A10G' is not offered on Azure; use one of Gpu.NVIDIA_T4, Gpu.NVIDIA_A10, Gpu.NVIDIA_A100_80GB, Gpu.NVIDIA_H100_80GB (the closest is Gpu.NVIDIA_A10)",
    ],
    [
      'an A100 40GB, which Azure offers only with 80 GB',
      () => azureBuildError({ gpu: Gpu.NVIDIA_A100_40GB }),
      "GpuWorkspace 'alice': gpu 'Gpu.NVIDIA_A100_40GB' is not offered on Azure; use one of Gpu.NVIDIA_T4, Gpu.NVIDIA_A10, Gpu.NVIDIA_A100_80GB, Gpu.NVIDIA_H100_80GB (the closest is Gpu.NVIDIA_A100_80GB)",
    ],
    [
      'an H100 in a size its family does not have',
      () => azureBuildError({ gpu: Gpu.NVIDIA_H100_80GB, size: WorkspaceSize.LARGE }),
      "GpuWorkspace 'alice': gpu 'Gpu.NVIDIA_H100_80GB' is not offered on Azure in size LARGE (the NCads H100 v5 family has no such size); use size SMALL (Standard_NC40ads_H100_v5, 1 GPU), MEDIUM (Standard_NC80adis_H100_v5, 2 GPUs), or set target.vmSize",
    ],
    [
      'a T4 in XLARGE',
      () => azureBuildError({ gpu: Gpu.NVIDIA_T4, size: WorkspaceSize.XLARGE }),
      "GpuWorkspace 'alice': gpu 'Gpu.NVIDIA_T4' is not offered on Azure in size XLARGE (the NCasT4_v3 family has no such size); use size SMALL (Standard_NC4as_T4_v3, 1 GPU), MEDIUM (Standard_NC8as_T4_v3, 1 GPU), LARGE (Standard_NC64as_T4_v3, 4 GPUs), or set target.vmSize",
    ],
    [
      'an SSO allow-list too long for user data',
      () =>
        azureBuildError(
          { auth: sso({ allowedEmails: Array.from({ length: 2500 }, (_, i) => `user${String(i).padStart(5, '0')}@example.com`) }) },
          { ssoKeyVaultId: SSO_VAULT },
        ),
      "GpuWorkspace 'alice': user data '83624 base64 characters' is over Azure's limit of 65535; shorten auth.allowedEmails (auth.allowedDomains admits whole domains)",
    ],
  ])('%s', (_name, build, message) => {
    expect(build()).toBe(message);
  });

  test('the same errors the shared validation gives on every cloud, e.g. a bad owner', () => {
    expect(azureBuildError({ owner: 'alice' })).toBe(
      "GpuWorkspace 'alice': owner 'alice' is not an email address; give the owner's email, e.g. 'alice@example.com'",
    );
  });
});

describe('GpuWorkspace on Azure: what validation accepts', () => {
  test.each([
    ['a gallery image version', { imageId: '/subscriptions/0/resourceGroups/images/providers/Microsoft.Compute/galleries/ml/images/nixos/versions/1.0.0' }],
    ['a gallery image definition (its latest version)', { imageId: '/subscriptions/0/resourceGroups/images/providers/Microsoft.Compute/galleries/ml/images/nixos' }],
    ['a community gallery image', { imageId: '/CommunityGalleries/ml-1234/images/nixos/versions/latest' }],
    ['a lowercase provider namespace', { imageId: '/subscriptions/0/resourcegroups/images/providers/microsoft.compute/images/nixos' }],
    ['a /23 address space in private mode', { vnetCidr: '10.9.0.0/23' }],
    ['an RSA admin key', { adminSshPublicKey: 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 alice@laptop' }],
    ['a resource group with dots and parentheses', { resourceGroupName: 'ml.prod(eu)' }],
    ['single addresses and /30 ranges for the deployer', { keyVaultAllowedCidrs: ['203.0.113.7', '198.51.100.0/30'] }],
  ])('%s', (_name, target) => {
    expect(() => azureWorkspace({}, target)).not.toThrow();
  });

  test('a /24 address space in public mode, 450 days of backups and the largest disks', () => {
    expect(() =>
      azureWorkspace({ access: PUBLIC, snapshotRetentionDays: 450, homeDiskSizeGiB: 32767, bootDiskSizeGiB: 4095 }, { vnetCidr: '10.9.0.0/24' }),
    ).not.toThrow();
  });

  test('an SSO allow-list that still fits user data, with every apply-time value counted at 255 characters', () => {
    const emails = Array.from({ length: 1800 }, (_, i) => `user${String(i).padStart(5, '0')}@example.com`);
    expect(() => azureWorkspace({ auth: sso({ allowedEmails: emails }) }, { ssoKeyVaultId: SSO_VAULT })).not.toThrow();
  });

  test('an H100 in LARGE with an explicit VM size', () => {
    expect(() => azureWorkspace({ gpu: Gpu.NVIDIA_H100_80GB, size: WorkspaceSize.LARGE }, { vmSize: 'Standard_ND96isr_H100_v5' })).not.toThrow();
  });

  test('values known only at apply time are not validated at synth time', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const v = (name: string) => new TerraformVariable(stack, name, { type: 'string' }).stringValue;
    new GpuWorkspace(stack, 'alice', {
      target: AzureTarget.of({
        location: v('location'),
        imageId: v('image'),
        resourceGroupName: v('group'),
        vmSize: v('size'),
        adminSshPublicKey: v('ssh_key'),
        ssoKeyVaultId: v('sso_vault'),
        keyVaultAllowedCidrs: [v('deployer')],
      }),
      owner: 'alice@example.com',
      access: PUBLIC,
      tls: WorkspaceTls.selfSigned(),
      auth: sso(),
      dns: WorkspaceDns.zone({ zoneName: v('zone'), recordName: v('record') }),
    });
    const json = JSON.parse(Testing.synth(stack, true));
    const vm = Object.values<any>(json.resource.azurerm_linux_virtual_machine)[0];
    expect(vm).toMatchObject({ location: '${var.location}', source_image_id: '${var.image}', resource_group_name: '${var.group}', size: '${var.size}' });
    expect(Object.values<any>(json.resource.azurerm_dns_a_record)[0].name).toBe('${trimsuffix(var.record, ".${var.zone}")}');
  });
});

describe("the workspace Key Vault's firewall", () => {
  test('is a required choice: without the deployer ranges synthesis explains what to give', () => {
    const build = () =>
      new GpuWorkspace(new TerraformStack(Testing.app(), 'test'), 'alice', {
        target: AzureTarget.of({ location: 'westeurope', imageId: '/subscriptions/0/resourceGroups/i/providers/Microsoft.Compute/images/nixos' } as any),
        owner: 'alice@example.com',
      });
    expect(build).toThrow(
      "GpuWorkspace 'alice': target.keyVaultAllowedCidrs undefined is required: the workspace's Key Vault denies every network but the workspace subnet, and Terraform writes the secrets from where it runs; list your deployment runners' public IPv4 ranges (e.g. ['203.0.113.0/24']), or give [] when Terraform runs inside the virtual network",
    );
  });

  test('[] admits only the workspace subnet', () => {
    const acls = azureWorkspace({}, { keyVaultAllowedCidrs: [] }).one('azurerm_key_vault').network_acls;
    expect(acls).toMatchObject({ default_action: 'Deny', ip_rules: [] });
    expect(acls.virtual_network_subnet_ids).toHaveLength(1);
  });

  test('ranges that together are the internet are refused', () => {
    expect(azureBuildError({}, { keyVaultAllowedCidrs: ['0.0.0.0/1', '128.0.0.0/1'] })).toBe(
      `GpuWorkspace 'alice': target.keyVaultAllowedCidrs ["0.0.0.0/1","128.0.0.0/1"] together cover more than an IPv4 /8, which is no firewall at all; list the ranges Terraform runs from`,
    );
  });
});
