import { TerraformStack, TerraformVariable, Testing } from 'cdktf';
import {
  Gpu,
  GpuWorkspace,
  NixpkgsPin,
  SsoProvider,
  WorkspaceAccess,
  WorkspaceAuth,
  WorkspaceDns,
  WorkspaceSize,
  WorkspaceTls,
} from 'cdktf-ml-workspace';
import { azureSizesFor, azureVmSize } from 'cdktf-ml-workspace-azure/lib/vm-sizes';
import { parseJsonencode } from '../hcl';
import { azureWorkspace, Synthesized, synthStack } from '../util';
import { AzureResources, AzureTarget } from 'cdktf-ml-workspace-azure';
import { AwsResources } from 'cdktf-ml-workspace-aws';
import { GcpResources } from 'cdktf-ml-workspace-gcp';

const IMAGE = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/images/providers/Microsoft.Compute/images/ml-workspace-nixos';
const AZURE = { location: 'westeurope', imageId: IMAGE, keyVaultAllowedCidrs: ['198.51.100.0/24'] };
const TAGS = { 'cost-center': 'unassigned', 'cost-scope': 'workspace', 'ml-workspace': 'true', 'owner': 'alice_example_com', 'workspace': 'alice' };
const PUBLIC = WorkspaceAccess.public({ allowedCidrs: ['203.0.113.0/24'] });
const SSO_VAULT = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/identity/providers/Microsoft.KeyVault/vaults/sso-vault';
const SUBNET_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/network/providers/Microsoft.Network/virtualNetworks/hub/subnets/ml';
const ALICE_OID = '11111111-2222-3333-4444-555555555555';
const TEAM_OID = '66666666-7777-8888-9999-000000000000';

// References to the default workspace's resources, as the synthesized JSON writes them.
const RG = '${azurerm_resource_group.alice_ResourceGroup_315916BE.name}';
const RG_ID = '${azurerm_resource_group.alice_ResourceGroup_315916BE.id}';
const VNET = '${azurerm_virtual_network.alice_VirtualNetwork_C343A334.name}';
const SUBNET = '${azurerm_subnet.alice_Subnet_C340D5B7.id}';
const NSG = '${azurerm_network_security_group.alice_SecurityGroup_7E8BCC46.name}';
const NSG_ID = '${azurerm_network_security_group.alice_SecurityGroup_7E8BCC46.id}';
const NIC_ID = '${azurerm_network_interface.alice_NetworkInterface_5CACA142.id}';
const PRIVATE_IP = '${azurerm_network_interface.alice_NetworkInterface_5CACA142.private_ip_address}';
const INTERNAL_HOST = 'alice.${azurerm_network_interface.alice_NetworkInterface_5CACA142.internal_domain_name_suffix}';
const PUBLIC_IP = '${azurerm_public_ip.alice_PublicIp_D798E21F.ip_address}';
const IDENTITY = '${azurerm_user_assigned_identity.alice_Identity_9EF0964A.principal_id}';
const VM_ID = '${azurerm_linux_virtual_machine.alice_D7A8A555.id}';
const VAULT_ID = '${azurerm_key_vault.alice_KeyVault_433640DD.id}';
const VAULT_URI = '${azurerm_key_vault.alice_KeyVault_433640DD.vault_uri}';
const VAULT_NAME = '${azurerm_key_vault.alice_KeyVault_433640DD.name}';
const DISK_ID = '${azurerm_managed_disk.alice_HomeDisk_031B1271.id}';
const BACKUP_VAULT_ID = '${azurerm_data_protection_backup_vault.alice_BackupVault_71B34CB6.id}';
const BACKUP_PRINCIPAL = '${azurerm_data_protection_backup_vault.alice_BackupVault_71B34CB6.identity[0].principal_id}';
const CLIENT = 'data.azurerm_client_config.alice_ClientConfig_DE65C1C0';
const DEPLOYER = 'azurerm_role_assignment.alice_KeyVaultDeployer_E089719A';
const LABEL_HEX = '${random_id.alice_DomainLabelSuffix_A802A709.hex}';
const SECRET_ID = (id: string) => `\${azurerm_key_vault_secret.${id}.resource_versionless_id}`;

/** The machine document in the VM's user data: plain base64 JSON, or a reference to the local holding `jsonencode(...)`. */
function azureDoc(s: Synthesized): any {
  const userData: string = s.one('azurerm_linux_virtual_machine').user_data;
  const local = /^\$\{base64encode\(local\.([^)]+)\)\}$/.exec(userData)?.[1];
  if (!local) return JSON.parse(Buffer.from(userData, 'base64').toString('utf8'));
  return parseJsonencode(s.json.locals[local]);
}

/** Security rules by name. */
function rules(s: Synthesized): Record<string, any> {
  return Object.fromEntries(Object.values<any>(s.of('azurerm_network_security_rule')).map((r) => [r.name, r]));
}

/** Role assignments as [scope, role, principal, principal type], sorted. */
function grants(s: Synthesized): string[][] {
  return Object.values<any>(s.of('azurerm_role_assignment'))
    .map((a) => [a.scope, a.role_definition_name ?? a.role_definition_id, a.principal_id, a.principal_type ?? '-'])
    .sort((a, b) => a.join(' ').localeCompare(b.join(' ')));
}

/** A rule's settings apart from those every rule of the default workspace shares. */
const ruleOf = (settings: Record<string, unknown>) => ({
  resource_group_name: RG,
  network_security_group_name: NSG,
  source_port_range: '*',
  ...settings,
});

describe('GpuWorkspace on Azure with defaults (private, no GPU)', () => {
  // GIVEN only a location, an image and an owner
  const s = azureWorkspace();
  const vm = s.one('azurerm_linux_virtual_machine');

  test('azurerm, random and tls providers are added; azurerm with an empty features block', () => {
    expect(s.json.provider.azurerm).toEqual([{ features: [{}] }]);
    expect(s.json.provider.random).toEqual([{}]);
    expect(s.json.provider.tls).toEqual([{}]);
    expect(s.json.data.azurerm_client_config).toEqual({ alice_ClientConfig_DE65C1C0: {} });
  });

  test('the VM: a SMALL Dsv5 from the image, admin by key only, user-assigned identity, encryption at host, no extensions', () => {
    expect(vm).toEqual({
      name: 'alice',
      computer_name: 'alice',
      location: 'westeurope',
      resource_group_name: RG,
      size: 'Standard_D4s_v5',
      source_image_id: IMAGE,
      network_interface_ids: [NIC_ID],
      admin_username: 'azureuser',
      disable_password_authentication: true,
      admin_ssh_key: [{ username: 'azureuser', public_key: '${tls_private_key.alice_AdminSshKey_08CC6B71.public_key_openssh}' }],
      identity: { type: 'UserAssigned', identity_ids: ['${azurerm_user_assigned_identity.alice_Identity_9EF0964A.id}'] },
      os_disk: { name: 'alice-os', caching: 'ReadWrite', storage_account_type: 'Premium_LRS', disk_size_gb: 100 },
      encryption_at_host_enabled: true,
      secure_boot_enabled: false,
      vtpm_enabled: false,
      boot_diagnostics: {},
      provision_vm_agent: true,
      allow_extension_operations: false,
      patch_mode: 'ImageDefault',
      patch_assessment_mode: 'ImageDefault',
      priority: 'Regular',
      user_data: '${base64encode(local.alice_MachineDocument_5FCD1356)}',
      tags: { ...TAGS, 'ml-workspace-nixpkgs': NixpkgsPin.DEFAULT.rev },
      depends_on: [
        'azurerm_key_vault_secret.alice_ConnectionTokenSecret_FB03C3B9',
        'azurerm_role_assignment.alice_ConnectionTokenReader_C2832416',
        'azurerm_key_vault_secret.alice_TlsCertSecret_CC60F017',
        'azurerm_role_assignment.alice_TlsCertReader_E1260D84',
        'azurerm_key_vault_secret.alice_TlsKeySecret_265B570C',
        'azurerm_role_assignment.alice_TlsKeyReader_7D143F85',
        'azurerm_network_interface_security_group_association.alice_NicSecurityGroup_5F73C508',
        'azurerm_subnet_network_security_group_association.alice_SubnetSecurityGroup_F3ED5926',
        'azurerm_subnet_nat_gateway_association.alice_SubnetNatGateway_C14AAEB8',
      ],
    });
    expect(vm.custom_data).toBeUndefined();
  });

  test('a resource group <name>-rg', () => {
    expect(s.one('azurerm_resource_group')).toEqual({ name: 'alice-rg', location: 'westeurope', tags: TAGS });
  });

  test('a virtual network with the workspace subnet (Key Vault endpoint, no default outbound) and AzureBastionSubnet', () => {
    expect(s.one('azurerm_virtual_network')).toEqual({
      name: 'alice-vnet',
      location: 'westeurope',
      resource_group_name: RG,
      address_space: ['10.42.0.0/16'],
      tags: TAGS,
    });
    expect(s.of('azurerm_subnet')).toEqual({
      alice_Subnet_C340D5B7: {
        name: 'alice-subnet',
        resource_group_name: RG,
        virtual_network_name: VNET,
        address_prefixes: ['10.42.0.0/24'],
        service_endpoints: ['Microsoft.KeyVault'],
        default_outbound_access_enabled: false,
      },
      alice_BastionSubnet_AE153A02: {
        name: 'AzureBastionSubnet',
        resource_group_name: RG,
        virtual_network_name: VNET,
        address_prefixes: ['10.42.1.0/26'],
      },
    });
  });

  test('outbound through a NAT gateway with its own static IP', () => {
    expect(s.one('azurerm_nat_gateway')).toEqual({
      name: 'alice-nat',
      location: 'westeurope',
      resource_group_name: RG,
      sku_name: 'Standard',
      idle_timeout_in_minutes: 4,
      tags: TAGS,
    });
    expect(s.of('azurerm_public_ip')).toEqual({
      alice_NatPublicIp_A0AF84F3: {
        name: 'alice-nat-ip',
        location: 'westeurope',
        resource_group_name: RG,
        allocation_method: 'Static',
        sku: 'Standard',
        tags: TAGS,
      },
      alice_BastionPublicIp_F45EC848: {
        name: 'alice-bastion-ip',
        location: 'westeurope',
        resource_group_name: RG,
        allocation_method: 'Static',
        sku: 'Standard',
        tags: TAGS,
      },
    });
    expect(s.one('azurerm_nat_gateway_public_ip_association')).toEqual({
      nat_gateway_id: '${azurerm_nat_gateway.alice_NatGateway_BA1B9D87.id}',
      public_ip_address_id: '${azurerm_public_ip.alice_NatPublicIp_A0AF84F3.id}',
    });
    expect(s.one('azurerm_subnet_nat_gateway_association')).toEqual({
      subnet_id: SUBNET,
      nat_gateway_id: '${azurerm_nat_gateway.alice_NatGateway_BA1B9D87.id}',
    });
  });

  test('Azure Bastion Standard with native-client tunnelling, nothing else switched on', () => {
    expect(s.one('azurerm_bastion_host')).toEqual({
      name: 'alice-bastion',
      location: 'westeurope',
      resource_group_name: RG,
      sku: 'Standard',
      tunneling_enabled: true,
      file_copy_enabled: false,
      ip_connect_enabled: false,
      shareable_link_enabled: false,
      ip_configuration: {
        name: 'bastion',
        subnet_id: '${azurerm_subnet.alice_BastionSubnet_AE153A02.id}',
        public_ip_address_id: '${azurerm_public_ip.alice_BastionPublicIp_F45EC848.id}',
      },
      tags: TAGS,
    });
  });

  test('the security group admits SSH and HTTPS only from Bastion, denies all other inbound and all internet egress but 443 and NTP', () => {
    expect(s.one('azurerm_network_security_group')).toEqual({ name: 'alice-nsg', location: 'westeurope', resource_group_name: RG, tags: TAGS });
    expect(rules(s)).toEqual({
      'allow-bastion': ruleOf({
        name: 'allow-bastion',
        description: 'SSH and the IDE through Azure Bastion only',
        direction: 'Inbound',
        access: 'Allow',
        protocol: 'Tcp',
        priority: 300,
        source_address_prefix: '10.42.1.0/26',
        destination_address_prefix: '*',
        destination_port_ranges: ['22', '443'],
      }),
      'deny-all-inbound': ruleOf({
        name: 'deny-all-inbound',
        description: "Everything not allowed above, including Azure's default allow rules for the virtual network and load balancer",
        direction: 'Inbound',
        access: 'Deny',
        protocol: '*',
        priority: 4096,
        source_address_prefix: '*',
        destination_address_prefix: '*',
        destination_port_range: '*',
      }),
      'allow-https-outbound': ruleOf({
        name: 'allow-https-outbound',
        description: "Nix binary cache and source archives, git, Let's Encrypt, Key Vault and Azure Resource Manager",
        direction: 'Outbound',
        access: 'Allow',
        protocol: 'Tcp',
        priority: 100,
        source_address_prefix: '*',
        destination_address_prefix: 'Internet',
        destination_port_range: '443',
      }),
      'allow-ntp-outbound': ruleOf({
        name: 'allow-ntp-outbound',
        description: 'Time synchronisation (NixOS uses public NTP servers)',
        direction: 'Outbound',
        access: 'Allow',
        protocol: 'Udp',
        priority: 110,
        source_address_prefix: '*',
        destination_address_prefix: 'Internet',
        destination_port_range: '123',
      }),
      'deny-internet-outbound': ruleOf({
        name: 'deny-internet-outbound',
        description: 'No other traffic to the internet (HTTPS and NTP are allowed above)',
        direction: 'Outbound',
        access: 'Deny',
        protocol: '*',
        priority: 4096,
        source_address_prefix: '*',
        destination_address_prefix: 'Internet',
        destination_port_range: '*',
      }),
    });
  });

  test('the security group guards both the subnet and the network interface', () => {
    expect(s.one('azurerm_subnet_network_security_group_association')).toEqual({ subnet_id: SUBNET, network_security_group_id: NSG_ID });
    expect(s.one('azurerm_network_interface_security_group_association')).toEqual({ network_interface_id: NIC_ID, network_security_group_id: NSG_ID });
  });

  test('a network interface without public IP or accelerated networking', () => {
    expect(s.one('azurerm_network_interface')).toEqual({
      name: 'alice-nic',
      location: 'westeurope',
      resource_group_name: RG,
      ip_forwarding_enabled: false,
      accelerated_networking_enabled: false,
      ip_configuration: [{ name: 'primary', primary: true, subnet_id: SUBNET, private_ip_address_allocation: 'Dynamic' }],
      tags: TAGS,
    });
  });

  test('a user-assigned identity <name>-id', () => {
    expect(s.one('azurerm_user_assigned_identity')).toEqual({ name: 'alice-id', location: 'westeurope', resource_group_name: RG, tags: TAGS });
  });

  test('a Key Vault with RBAC, purge protection and a random suffix, its firewall closed but to the subnet and the deployer', () => {
    expect(s.one('azurerm_key_vault')).toEqual({
      name: 'alice-${random_id.alice_KeyVaultSuffix_8362C88A.hex}',
      location: 'westeurope',
      resource_group_name: RG,
      tenant_id: `\${${CLIENT}.tenant_id}`,
      sku_name: 'standard',
      rbac_authorization_enabled: true,
      purge_protection_enabled: true,
      soft_delete_retention_days: 90,
      enabled_for_deployment: false,
      enabled_for_disk_encryption: false,
      enabled_for_template_deployment: false,
      public_network_access_enabled: true,
      network_acls: {
        default_action: 'Deny',
        bypass: 'AzureServices',
        ip_rules: ['198.51.100.0/24'],
        virtual_network_subnet_ids: [SUBNET],
      },
      tags: TAGS,
    });
    expect(s.one('random_id')).toEqual({ byte_length: 3, keepers: { workspace: 'alice', resourceGroup: 'alice-rg' } });
  });

  test('secrets: token (expiring a period after its rotation), self-signed certificate and key (expiring with the certificate), generated admin key; all written after the deployer role', () => {
    const secret = (name: string, value: string, content_type: string, extra: Record<string, unknown> = {}) => ({
      name,
      key_vault_id: VAULT_ID,
      value,
      content_type,
      ...extra,
      depends_on: [DEPLOYER],
    });
    const expires = { expiration_date: '${tls_self_signed_cert.alice_TlsCert_1709FBA5.validity_end_time}' };
    expect(s.of('azurerm_key_vault_secret')).toEqual({
      alice_ConnectionTokenSecret_FB03C3B9: secret('connection-token', '${random_password.alice_ConnectionToken_6556B128.result}', 'text/plain', {
        expiration_date: '${timeadd(time_rotating.alice_ConnectionTokenRotation_565E2FDB.rotation_rfc3339, "720h")}',
      }),
      alice_TlsCertSecret_CC60F017: secret('tls-cert', '${tls_self_signed_cert.alice_TlsCert_1709FBA5.cert_pem}', 'application/x-pem-file', expires),
      alice_TlsKeySecret_265B570C: secret('tls-key', '${tls_private_key.alice_TlsKey_E898865A.private_key_pem}', 'application/x-pem-file', expires),
      alice_AdminSshKeySecret_6E426BA2: secret(
        'admin-ssh-key',
        '${tls_private_key.alice_AdminSshKey_08CC6B71.private_key_openssh}',
        'application/x-openssh-key',
      ),
    });
    // A new token at the first apply after 30 days (the machine picks it up within the hour).
    expect(s.one('random_password')).toEqual({ length: 32, special: false, keepers: { rotation: '${time_rotating.alice_ConnectionTokenRotation_565E2FDB.id}' } });
    expect(s.one('time_rotating')).toEqual({ rotation_days: 30 });
    expect(s.of('tls_private_key')).toEqual({
      alice_TlsKey_E898865A: { algorithm: 'ECDSA', ecdsa_curve: 'P256' },
      alice_AdminSshKey_08CC6B71: { algorithm: 'ED25519' },
    });
    expect(s.one('tls_self_signed_cert')).toMatchObject({
      subject: [{ common_name: INTERNAL_HOST, organization: 'ml-workspace' }],
      dns_names: [INTERNAL_HOST, 'localhost'],
      validity_period_hours: 8760,
      early_renewal_hours: 720,
    });
  });

  test('role assignments: the deployer writes secrets, the VM reads each of its own, deallocates itself, the backup vault snapshots the disk', () => {
    expect(grants(s)).toEqual(
      [
        [VAULT_ID, 'Key Vault Secrets Officer', `\${${CLIENT}.object_id}`, '-'],
        [SECRET_ID('alice_ConnectionTokenSecret_FB03C3B9'), 'Key Vault Secrets User', IDENTITY, 'ServicePrincipal'],
        [SECRET_ID('alice_TlsCertSecret_CC60F017'), 'Key Vault Secrets User', IDENTITY, 'ServicePrincipal'],
        [SECRET_ID('alice_TlsKeySecret_265B570C'), 'Key Vault Secrets User', IDENTITY, 'ServicePrincipal'],
        [VM_ID, '${azurerm_role_definition.alice_DeallocateRole_13F3AA8B.role_definition_resource_id}', IDENTITY, 'ServicePrincipal'],
        [DISK_ID, 'Disk Backup Reader', BACKUP_PRINCIPAL, 'ServicePrincipal'],
        [RG_ID, 'Disk Snapshot Contributor', BACKUP_PRINCIPAL, 'ServicePrincipal'],
      ].sort((a, b) => a.join(' ').localeCompare(b.join(' '))),
    );
    // Nothing is granted on the vault as a whole to the VM: it cannot read the admin key.
    expect(grants(s).filter((g) => g[2] === IDENTITY).map((g) => g[0])).not.toContain(VAULT_ID);
  });

  test('idle stop: a custom role with only the deallocate action, assignable in the resource group', () => {
    expect(s.one('azurerm_role_definition')).toEqual({
      name: `alice-deallocate (${RG_ID})`,
      scope: RG_ID,
      description: 'Lets ML workspace alice deallocate its own VM when idle (nothing else)',
      permissions: [{ actions: ['Microsoft.Compute/virtualMachines/deallocate/action'] }],
      assignable_scopes: [RG_ID],
    });
  });

  test('a Premium SSD home disk that survives destroy, locked, attached at LUN 0 with read caching', () => {
    expect(s.one('azurerm_managed_disk')).toEqual({
      name: 'alice-home',
      location: 'westeurope',
      resource_group_name: RG,
      storage_account_type: 'Premium_LRS',
      create_option: 'Empty',
      disk_size_gb: 200,
      network_access_policy: 'DenyAll',
      public_network_access_enabled: false,
      tags: TAGS,
      lifecycle: { prevent_destroy: true },
    });
    expect(s.one('azurerm_virtual_machine_data_disk_attachment')).toEqual({
      managed_disk_id: DISK_ID,
      virtual_machine_id: VM_ID,
      lun: 0,
      caching: 'ReadOnly',
    });
    expect(s.one('azurerm_management_lock')).toEqual({
      name: 'alice-home-lock',
      scope: DISK_ID,
      lock_level: 'CanNotDelete',
      notes: 'The home disk of ML workspace alice outlives its VM; remove this lock to delete it on purpose.',
    });
  });

  test('daily Azure Disk Backup of the home disk, kept 14 days, snapshots in the workspace resource group', () => {
    expect(s.one('azurerm_data_protection_backup_vault')).toEqual({
      name: 'alice-backup',
      location: 'westeurope',
      resource_group_name: RG,
      datastore_type: 'VaultStore',
      redundancy: 'LocallyRedundant',
      soft_delete: 'On',
      retention_duration_in_days: 14,
      identity: { type: 'SystemAssigned' },
      tags: TAGS,
    });
    expect(s.one('azurerm_data_protection_backup_policy_disk')).toEqual({
      name: 'alice-home-daily-14d',
      vault_id: BACKUP_VAULT_ID,
      backup_repeating_time_intervals: ['R/2024-01-01T03:00:00+00:00/P1D'],
      default_retention_duration: 'P14D',
      time_zone: 'UTC',
      lifecycle: { create_before_destroy: true },
    });
    expect(s.one('azurerm_data_protection_backup_instance_disk')).toEqual({
      name: 'alice-home',
      location: 'westeurope',
      vault_id: BACKUP_VAULT_ID,
      disk_id: DISK_ID,
      snapshot_resource_group_name: RG,
      backup_policy_id: '${azurerm_data_protection_backup_policy_disk.alice_BackupPolicy_21F4345F.id}',
      depends_on: ['azurerm_role_assignment.alice_BackupDiskReader_B80E813A', 'azurerm_role_assignment.alice_BackupSnapshotContributor_997F3D90'],
    });
  });

  test('the machine document in user data: Key Vault secret URLs, the Azure data disk path, idle stop by deallocation', () => {
    expect(azureDoc(s)).toEqual({
      schemaVersion: 1,
      nixpkgs: {
        owner: 'NixOS',
        repo: 'nixpkgs',
        rev: '8fd9daa3db09ced9700431c5b7ad0e8ba199b575',
        narHash: 'sha256-Ti+ZBvW6yrWWAg2szExVTwCd4qOJ3KlVr1tFHfyfi8Q=',
      },
      config: {
        networking: { hostName: 'alice' },
        mlWorkspace: {
          workspace: {
            enable: true,
            domain: INTERNAL_HOST,
            gpu: { enable: false },
            home: { device: '/dev/disk/azure/scsi1/lun0' },
            ide: { connectionTokenFile: '/run/ml-workspace/secrets/connection-token' },
            tls: {
              acme: { enable: false },
              certificateFile: '/run/ml-workspace/secrets/tls-cert',
              keyFile: '/run/ml-workspace/secrets/tls-key',
            },
            // The tunnel's own local port (stable per workspace name), where people open the IDE.
            url: 'https://localhost:27479/',
            // The VM's admin account, declared in NixOS so it survives the bootstrap's rebuilds.
            admin: { user: 'azureuser', authorizedKeys: ['${tls_private_key.alice_AdminSshKey_08CC6B71.public_key_openssh}'] },
          },
          idleStop: { enable: true, cloud: 'azure', idleMinutes: 60, gpuUtilizationPercent: 5, cpuLoadPerCore: 0.3, activity: { workspace: 'alice', owner: 'alice_example_com' } },
          secrets: {
            enable: true,
            provider: 'azure',
            secrets: {
              'connection-token': { source: `${VAULT_URI}secrets/connection-token`, owner: 'workspace', group: 'workspace' },
              'tls-cert': { source: `${VAULT_URI}secrets/tls-cert`, owner: 'nginx', group: 'nginx' },
              'tls-key': { source: `${VAULT_URI}secrets/tls-key`, owner: 'nginx', group: 'nginx' },
            },
          },
        },
      },
    });
    expect(s.json.locals.alice_MachineDocument_5FCD1356).not.toMatch(/random_password\.[^.]+\.result|\.private_key_(pem|openssh)|cert_pem/);
  });

  test('outputs: the URL through the Bastion tunnel, the private IP, the VM name, and the tunnel + token command', () => {
    expect(s.json.output).toEqual({
      alice_url: { value: 'https://localhost:27479/', description: 'IDE URL of workspace alice' },
      alice_ip_address: { value: PRIVATE_IP, description: 'Workspace IP address' },
      alice_instance_name: { value: 'alice', description: 'Workspace VM name' },
      alice_machine: { value: 'Standard_D4s_v5, no GPU', description: 'Machine type and GPUs' },
      alice_sign_in: {
        value: `az network bastion tunnel --name alice-bastion --resource-group alice-rg --target-resource-id ${VM_ID} --resource-port 443 --port 27479 & "$(command -v xdg-open || echo open)" "https://localhost:27479/?tkn=$(az keyvault secret show --vault-name ${VAULT_NAME} --name connection-token --query value -o tsv)"`,
        description: 'How to get into the IDE',
      },
    });
  });

  test('no public IP on the VM, no DNS record, no domain label', () => {
    expect(Object.values<any>(s.of('azurerm_public_ip')).map((ip) => ip.name).sort()).toEqual(['alice-bastion-ip', 'alice-nat-ip']);
    expect(s.of('azurerm_dns_a_record')).toEqual({});
    expect(Object.keys(s.of('random_id'))).toEqual(['alice_KeyVaultSuffix_8362C88A']);
  });

  test('escape hatches expose the resources and defaultChild is the VM', () => {
    const azure = AzureResources.ofWorkspace(s.workspace);
    expect(azure.virtualMachine.node.id).toBe('Resource');
    expect(s.workspace.node.defaultChild).toBe(azure.virtualMachine);
    expect(azure.resourceGroupName).toBe('alice-rg');
    expect(azure.resourceGroup?.node.id).toBe('ResourceGroup');
    expect(azure.homeDisk.node.id).toBe('HomeDisk');
    expect(azure.bastionHost?.node.id).toBe('Bastion');
    expect(azure.natGateway?.node.id).toBe('NatGateway');
    expect(azure.publicIp).toBeUndefined();
    expect(azure.securityRules.map((r) => r.node.id)).toEqual([
      'SecurityRule-allow-bastion',
      'SecurityRule-deny-all-inbound',
      'SecurityRule-allow-https-outbound',
      'SecurityRule-allow-ntp-outbound',
      'SecurityRule-deny-internet-outbound',
    ]);
    expect(azure.secrets.map((x) => x.node.id)).toEqual(['ConnectionTokenSecret', 'TlsCertSecret', 'TlsKeySecret', 'AdminSshKeySecret']);
    expect(azure.roleAssignments).toHaveLength(7);
    expect(azure.deallocateRole?.node.id).toBe('DeallocateRole');
    expect(azure.adminSshKey?.node.id).toBe('AdminSshKey');
    expect(() => GcpResources.ofWorkspace(s.workspace)).toThrow(/GcpResources.ofWorkspace: GpuWorkspace 'test\/alice' is on Azure, not GCP/);
    expect(() => AwsResources.ofWorkspace(s.workspace)).toThrow(/AwsResources.ofWorkspace: GpuWorkspace 'test\/alice' is on Azure, not AWS/);
    expect(() => AzureResources.ofNetwork(s.workspace as any)).toThrow(
      "AzureResources.ofNetwork: GpuWorkspace 'test/alice' is not a WorkspaceNetwork; pass a WorkspaceNetwork",
    );
  });
});

describe("GpuWorkspace on Azure, public with Let's Encrypt on the domain label", () => {
  const s = azureWorkspace({ access: PUBLIC });
  const domain = `alice-${LABEL_HEX}.westeurope.cloudapp.azure.com`;

  test('a static Standard public IP with a domain label <name>-<suffix>, the suffix made once per workspace', () => {
    expect(s.one('azurerm_public_ip')).toEqual({
      name: 'alice-ip',
      location: 'westeurope',
      resource_group_name: RG,
      allocation_method: 'Static',
      sku: 'Standard',
      domain_name_label: `alice-${LABEL_HEX}`,
      tags: TAGS,
    });
    expect(s.of('random_id').alice_DomainLabelSuffix_A802A709).toEqual({ byte_length: 2, keepers: { location: 'westeurope', workspace: 'alice' } });
    expect(s.one('azurerm_network_interface').ip_configuration).toEqual([
      {
        name: 'primary',
        primary: true,
        subnet_id: SUBNET,
        private_ip_address_allocation: 'Dynamic',
        public_ip_address_id: '${azurerm_public_ip.alice_PublicIp_D798E21F.id}',
      },
    ]);
  });

  test('443 from the allowed range, 80 from the internet for ACME only, everything else denied both ways', () => {
    const r = rules(s);
    expect(Object.keys(r).sort()).toEqual([
      'allow-acme-http',
      'allow-https-1',
      'allow-https-outbound',
      'allow-ntp-outbound',
      'deny-all-inbound',
      'deny-internet-outbound',
    ]);
    expect(r['deny-internet-outbound']).toMatchObject({ direction: 'Outbound', access: 'Deny', priority: 4096, destination_address_prefix: 'Internet' });
    expect(r['allow-https-1']).toEqual(
      ruleOf({
        name: 'allow-https-1',
        description: 'HTTPS to the IDE from an allowed range',
        direction: 'Inbound',
        access: 'Allow',
        protocol: 'Tcp',
        priority: 100,
        source_address_prefix: '203.0.113.0/24',
        destination_address_prefix: '*',
        destination_port_range: '443',
      }),
    );
    expect(r['allow-acme-http']).toEqual(
      ruleOf({
        name: 'allow-acme-http',
        description: "Let's Encrypt HTTP-01 challenge and redirect to HTTPS; nginx serves nothing else on 80",
        direction: 'Inbound',
        access: 'Allow',
        protocol: 'Tcp',
        priority: 200,
        source_address_prefix: 'Internet',
        destination_address_prefix: '*',
        destination_port_range: '80',
      }),
    );
    expect(r['deny-all-inbound'].priority).toBe(4096);
    // No rule opens 22 in public mode.
    expect(Object.values<any>(r).filter((x) => x.direction === 'Inbound' && x.access === 'Allow').map((x) => x.destination_port_range ?? x.destination_port_ranges)).toEqual(['80', '443']);
  });

  test('no Bastion, no NAT gateway, no Bastion subnet: the VM leaves through its own IP', () => {
    expect(s.of('azurerm_bastion_host')).toEqual({});
    expect(s.of('azurerm_nat_gateway')).toEqual({});
    expect(Object.values<any>(s.of('azurerm_subnet')).map((x) => x.name)).toEqual(['alice-subnet']);
  });

  test("the machine document asks for Let's Encrypt on the cloudapp.azure.com name; no certificate secrets exist", () => {
    const doc = azureDoc(s);
    expect(doc.config.mlWorkspace.workspace.domain).toBe(domain);
    expect(doc.config.mlWorkspace.workspace.tls).toEqual({ acme: { enable: true, email: 'alice@example.com' } });
    expect(Object.keys(doc.config.mlWorkspace.secrets.secrets)).toEqual(['connection-token']);
    expect(Object.values<any>(s.of('azurerm_key_vault_secret')).map((x) => x.name).sort()).toEqual(['admin-ssh-key', 'connection-token']);
    expect(s.of('tls_self_signed_cert')).toEqual({});
  });

  test('outputs: the https URL on the domain label, the public IP and the token command', () => {
    expect(s.json.output.alice_url.value).toBe(`https://${domain}/`);
    expect(s.json.output.alice_ip_address.value).toBe(PUBLIC_IP);
    expect(s.json.output.alice_sign_in.value).toBe(
      `"$(command -v xdg-open || echo open)" "https://${domain}/?tkn=$(az keyvault secret show --vault-name ${VAULT_NAME} --name connection-token --query value -o tsv)"`,
    );
    // The certificate's name is the label's FQDN (the suffix is known at apply time).
    expect(s.workspace.hostName).toMatch(/^alice-\$\{TfToken\[TOKEN\.\d+\]\}\.westeurope\.cloudapp\.azure\.com$/);
  });

  test('one HTTPS rule per allowed range, at consecutive priorities', () => {
    const many = rules(azureWorkspace({ access: WorkspaceAccess.public({ allowedCidrs: ['203.0.113.0/24', '198.51.100.7/32', '192.0.2.0/28'] }) }));
    expect(['allow-https-1', 'allow-https-2', 'allow-https-3'].map((n) => [many[n].priority, many[n].source_address_prefix])).toEqual([
      [100, '203.0.113.0/24'],
      [101, '198.51.100.7/32'],
      [102, '192.0.2.0/28'],
    ]);
  });

  test('a self-signed certificate in public mode: no port 80, the URL by IP when there is no DNS name', () => {
    const p = azureWorkspace({ access: PUBLIC, tls: WorkspaceTls.selfSigned(), dns: WorkspaceDns.none() });
    expect(Object.keys(rules(p))).not.toContain('allow-acme-http');
    expect(p.one('azurerm_public_ip').domain_name_label).toBeUndefined();
    expect(p.json.output.alice_url.value).toBe(`https://${PUBLIC_IP}/`);
    expect(azureDoc(p).config.mlWorkspace.workspace.domain).toBe(INTERNAL_HOST);
  });
});

describe('GpuWorkspace on Azure with a record in an Azure DNS zone', () => {
  test("public: an A record for the public IP in the workspace's resource group; Let's Encrypt for that name", () => {
    const s = azureWorkspace({ access: PUBLIC, dns: WorkspaceDns.zone({ zoneName: 'ml.example.com', recordName: 'alice.ml.example.com' }) });
    expect(s.one('azurerm_dns_a_record')).toEqual({
      name: 'alice',
      zone_name: 'ml.example.com',
      resource_group_name: RG,
      ttl: 300,
      records: [PUBLIC_IP],
      tags: TAGS,
    });
    expect(s.one('azurerm_public_ip').domain_name_label).toBeUndefined();
    expect(s.of('random_id').alice_DomainLabelSuffix_A802A709).toBeUndefined();
    expect(s.json.output.alice_url.value).toBe('https://alice.ml.example.com/');
    expect(azureDoc(s).config.mlWorkspace.workspace).toMatchObject({
      domain: 'alice.ml.example.com',
      tls: { acme: { enable: true, email: 'alice@example.com' } },
    });
  });

  test("a zone in another resource group, a TTL, a deeper name and the zone's apex", () => {
    const s = azureWorkspace({
      access: PUBLIC,
      dns: WorkspaceDns.zone({ zoneName: 'example.com', recordName: 'alice.ml.example.com.', resourceGroupName: 'dns', ttlSeconds: 60 }),
    });
    expect(s.one('azurerm_dns_a_record')).toMatchObject({ name: 'alice.ml', zone_name: 'example.com', resource_group_name: 'dns', ttl: 60 });
    const apex = azureWorkspace({ access: PUBLIC, dns: WorkspaceDns.zone({ zoneName: 'alice.example.com', recordName: 'alice.example.com' }) });
    expect(apex.one('azurerm_dns_a_record').name).toBe('@');
  });

  test('private: the record holds the private IP, and the certificate names it', () => {
    const s = azureWorkspace({ dns: WorkspaceDns.zone({ zoneName: 'corp.example.com', recordName: 'alice.corp.example.com' }) });
    expect(s.one('azurerm_dns_a_record').records).toEqual([PRIVATE_IP]);
    expect(s.one('tls_self_signed_cert').dns_names).toEqual(['alice.corp.example.com', INTERNAL_HOST, 'localhost']);
    expect(s.json.output.alice_url.value).toBe('https://localhost:27479/');
  });

  test('a record name known only at apply time is made relative in Terraform', () => {
    const s = synthStack((stack) => {
      const record = new TerraformVariable(stack, 'record', { type: 'string' });
      return new GpuWorkspace(stack, 'alice', {
        target: AzureTarget.of(AZURE),
        owner: 'alice@example.com',
        access: PUBLIC,
        dns: WorkspaceDns.zone({ zoneName: 'ml.example.com', recordName: record.stringValue }),
      });
    });
    expect(s.one('azurerm_dns_a_record').name).toBe('${trimsuffix(var.record, ".ml.example.com")}');
  });
});

describe('GpuWorkspace on Azure: VM sizes and GPUs', () => {
  test.each<[string, WorkspaceSize, string, number, Gpu | undefined]>([
    ['no GPU', WorkspaceSize.SMALL, 'Standard_D4s_v5', 0, undefined],
    ['no GPU', WorkspaceSize.MEDIUM, 'Standard_D8s_v5', 0, undefined],
    ['no GPU', WorkspaceSize.LARGE, 'Standard_D16s_v5', 0, undefined],
    ['no GPU', WorkspaceSize.XLARGE, 'Standard_D32s_v5', 0, undefined],
    ['T4', WorkspaceSize.SMALL, 'Standard_NC4as_T4_v3', 1, Gpu.NVIDIA_T4],
    ['T4', WorkspaceSize.MEDIUM, 'Standard_NC8as_T4_v3', 1, Gpu.NVIDIA_T4],
    ['T4', WorkspaceSize.LARGE, 'Standard_NC64as_T4_v3', 4, Gpu.NVIDIA_T4],
    ['A10', WorkspaceSize.SMALL, 'Standard_NV36ads_A10_v5', 1, Gpu.NVIDIA_A10],
    ['A10', WorkspaceSize.MEDIUM, 'Standard_NV36adms_A10_v5', 1, Gpu.NVIDIA_A10],
    ['A10', WorkspaceSize.LARGE, 'Standard_NV72ads_A10_v5', 2, Gpu.NVIDIA_A10],
    ['A100 80GB', WorkspaceSize.SMALL, 'Standard_NC24ads_A100_v4', 1, Gpu.NVIDIA_A100_80GB],
    ['A100 80GB', WorkspaceSize.MEDIUM, 'Standard_NC48ads_A100_v4', 2, Gpu.NVIDIA_A100_80GB],
    ['A100 80GB', WorkspaceSize.LARGE, 'Standard_NC96ads_A100_v4', 4, Gpu.NVIDIA_A100_80GB],
    ['H100', WorkspaceSize.SMALL, 'Standard_NC40ads_H100_v5', 1, Gpu.NVIDIA_H100_80GB],
    ['H100', WorkspaceSize.MEDIUM, 'Standard_NC80adis_H100_v5', 2, Gpu.NVIDIA_H100_80GB],
  ])('%s, %s: %s with %i GPU(s)', (_name, size, vmSize, gpuCount, gpu) => {
    expect(azureVmSize(size, gpu)).toEqual({ vmSize, gpuCount });
    const s = azureWorkspace({ gpu, size });
    expect(s.one('azurerm_linux_virtual_machine').size).toBe(vmSize);
    expect(azureDoc(s).config.mlWorkspace.workspace.gpu).toEqual({ enable: gpu !== undefined });
  });

  test('an A10 is warned about (NVadsA10_v5 needs the GRID driver), other GPUs are not', () => {
    const warnings = (gpu: Gpu, vmSize?: string) =>
      azureWorkspace({ gpu }, vmSize ? { vmSize } : {})
        .workspace.node.metadata.filter((m) => m.type === '@cdktf/warn')
        .map((m) => m.data);
    expect(warnings(Gpu.NVIDIA_A10)).toEqual([
      "GpuWorkspace 'alice': gpu Gpu.NVIDIA_A10 runs on Standard_NV36ads_A10_v5, which Azure supports only with NVIDIA's GRID driver; the workspace module installs the datacenter driver, so CUDA will not see the GPU. Use Gpu.NVIDIA_T4 or Gpu.NVIDIA_A100_80GB on Azure, or bring a GRID-enabled image and configuration",
    ]);
    expect(warnings(Gpu.NVIDIA_T4)).toEqual([]);
    // With an explicit VM size the user has chosen the machine; nothing to warn about.
    expect(warnings(Gpu.NVIDIA_A10, 'Standard_NV36ads_A10_v5')).toEqual([]);
  });

  test('presets a family has no size for are absent from the catalog', () => {
    expect(azureVmSize(WorkspaceSize.XLARGE, Gpu.NVIDIA_T4)).toBeUndefined();
    expect(azureVmSize(WorkspaceSize.LARGE, Gpu.NVIDIA_H100_80GB)).toBeUndefined();
    expect(azureVmSize(WorkspaceSize.SMALL, Gpu.NVIDIA_L4)).toBeUndefined();
    expect(azureSizesFor(Gpu.NVIDIA_H100_80GB).map((x) => x.size)).toEqual([WorkspaceSize.SMALL, WorkspaceSize.MEDIUM]);
  });

  test('target.vmSize overrides the preset, and makes a GPU outside the catalog (or a missing preset) possible', () => {
    expect(azureWorkspace({}, { vmSize: 'Standard_D8as_v5' }).one('azurerm_linux_virtual_machine').size).toBe('Standard_D8as_v5');
    const h200 = azureWorkspace({ gpu: Gpu.of('nvidia-h200') }, { vmSize: 'Standard_ND96isr_H200_v5' });
    expect(h200.one('azurerm_linux_virtual_machine').size).toBe('Standard_ND96isr_H200_v5');
    expect(azureDoc(h200).config.mlWorkspace.workspace.gpu).toEqual({ enable: true });
    const xl = azureWorkspace({ gpu: Gpu.NVIDIA_T4, size: WorkspaceSize.XLARGE }, { vmSize: 'Standard_NC64as_T4_v3' });
    expect(xl.one('azurerm_linux_virtual_machine').size).toBe('Standard_NC64as_T4_v3');
  });

  test('Spot deallocates on eviction and bids up to the on-demand price', () => {
    const vm = azureWorkspace({ spot: true, gpu: Gpu.NVIDIA_A100_80GB }).one('azurerm_linux_virtual_machine');
    expect(vm).toMatchObject({ size: 'Standard_NC24ads_A100_v4', priority: 'Spot', eviction_policy: 'Deallocate', max_bid_price: -1 });
  });

  test('without Spot there is no eviction policy or bid', () => {
    const vm = azureWorkspace({ gpu: Gpu.NVIDIA_A100_80GB }).one('azurerm_linux_virtual_machine');
    expect(vm.priority).toBe('Regular');
    expect(vm.eviction_policy).toBeUndefined();
    expect(vm.max_bid_price).toBeUndefined();
  });
});

describe('GpuWorkspace on Azure: authentication and TLS', () => {
  const sso = (extra: Partial<Parameters<typeof WorkspaceAuth.sso>[0]> = {}) =>
    WorkspaceAuth.sso({ provider: SsoProvider.GITHUB, clientId: 'Iv1.0123456789abcdef', clientSecretName: 'gh-oauth', ...extra });

  test('SSO: the client secret stays in its own Key Vault, read through a grant on that one secret; the cookie secret is generated', () => {
    const s = azureWorkspace({ auth: sso({ allowedEmails: ['alice@example.com', 'bob@example.com'] }) }, { ssoKeyVaultId: SSO_VAULT });
    const doc = azureDoc(s);
    expect(doc.config.mlWorkspace.workspace.oauth2Proxy).toEqual({
      enable: true,
      provider: 'github',
      clientId: 'Iv1.0123456789abcdef',
      clientSecretFile: '/run/ml-workspace/secrets/oauth2-client-secret',
      cookieSecretFile: '/run/ml-workspace/secrets/oauth2-cookie-secret',
      allowedEmails: ['alice@example.com', 'bob@example.com'],
      allowedEmailDomains: [],
    });
    expect(doc.config.mlWorkspace.workspace.ide).toEqual({});
    expect(doc.config.mlWorkspace.secrets.secrets).toEqual({
      'oauth2-client-secret': { source: 'https://sso-vault.vault.azure.net/secrets/gh-oauth', owner: 'oauth2-proxy', group: 'oauth2-proxy' },
      'oauth2-cookie-secret': { source: `${VAULT_URI}secrets/oauth2-cookie-secret`, owner: 'oauth2-proxy', group: 'oauth2-proxy' },
      'tls-cert': { source: `${VAULT_URI}secrets/tls-cert`, owner: 'nginx', group: 'nginx' },
      'tls-key': { source: `${VAULT_URI}secrets/tls-key`, owner: 'nginx', group: 'nginx' },
    });
    expect(grants(s)).toContainEqual([`${SSO_VAULT}/secrets/gh-oauth`, 'Key Vault Secrets User', IDENTITY, 'ServicePrincipal']);
    expect(Object.values<any>(s.of('azurerm_key_vault_secret')).map((x) => x.name).sort()).toEqual([
      'admin-ssh-key',
      'oauth2-cookie-secret',
      'tls-cert',
      'tls-key',
    ]);
    expect(s.of('azurerm_key_vault_secret').alice_CookieSecretSecret_9BACB025).toMatchObject({
      value: '${random_password.alice_CookieSecret_C6FC3BF1.result}',
      content_type: 'text/plain',
    });
    expect(s.one('azurerm_linux_virtual_machine').depends_on).toContain('azurerm_role_assignment.alice_ClientSecretReader_41322719');
    expect(s.json.output.alice_sign_in.value).toBe(
      `az network bastion tunnel --name alice-bastion --resource-group alice-rg --target-resource-id ${VM_ID} --resource-port 443 --port 27479 & "$(command -v xdg-open || echo open)" "https://localhost:27479/"  # then sign in with github`,
    );
  });

  test('SSO with a Key Vault id known only at apply time takes the vault name from the id in Terraform', () => {
    const s = synthStack((stack) => {
      const vault = new TerraformVariable(stack, 'sso_vault', { type: 'string' });
      return new GpuWorkspace(stack, 'alice', {
        target: AzureTarget.of({ ...AZURE, ssoKeyVaultId: vault.stringValue }),
        owner: 'alice@example.com',
        auth: sso(),
      });
    });
    expect(azureDoc(s).config.mlWorkspace.secrets.secrets['oauth2-client-secret'].source).toBe(
      'https://${element(split("/", var.sso_vault), 8)}.vault.azure.net/secrets/gh-oauth',
    );
    expect(grants(s)).toContainEqual(['${var.sso_vault}/secrets/gh-oauth', 'Key Vault Secrets User', IDENTITY, 'ServicePrincipal']);
  });

  test('a certificate signed by a private CA: the secrets expire with it', () => {
    const s = synthStack((stack) => {
      const caKey = new TerraformVariable(stack, 'ca_key', { type: 'string', sensitive: true });
      return new GpuWorkspace(stack, 'alice', {
        target: AzureTarget.of(AZURE),
        owner: 'alice@example.com',
        tls: WorkspaceTls.privateCa({
          caCertificatePem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
          caPrivateKeyPem: caKey.stringValue,
          validityHours: 720,
        }),
      });
    });
    expect(s.one('tls_locally_signed_cert')).toMatchObject({ ca_private_key_pem: '${var.ca_key}', validity_period_hours: 720 });
    expect(s.one('tls_cert_request').dns_names).toEqual([INTERNAL_HOST, 'localhost']);
    const secrets = s.of('azurerm_key_vault_secret');
    const expires = '${tls_locally_signed_cert.alice_TlsCert_1709FBA5.validity_end_time}';
    expect(secrets.alice_TlsCertSecret_CC60F017).toMatchObject({ value: '${tls_locally_signed_cert.alice_TlsCert_1709FBA5.cert_pem}', expiration_date: expires });
    expect(secrets.alice_TlsKeySecret_265B570C.expiration_date).toBe(expires);
    expect(s.of('tls_self_signed_cert')).toEqual({});
  });

  test('a given admin SSH public key replaces the generated key pair', () => {
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@laptop';
    const s = azureWorkspace({}, { adminSshPublicKey: key });
    expect(s.one('azurerm_linux_virtual_machine').admin_ssh_key).toEqual([{ username: 'azureuser', public_key: key }]);
    expect(Object.keys(s.of('tls_private_key'))).toEqual(['alice_TlsKey_E898865A']);
    expect(Object.values<any>(s.of('azurerm_key_vault_secret')).map((x) => x.name)).not.toContain('admin-ssh-key');
    expect(AzureResources.ofWorkspace(s.workspace).adminSshKey).toBeUndefined();
    expect(azureDoc(s).config.mlWorkspace.workspace.admin).toEqual({ user: 'azureuser', authorizedKeys: [key] });
  });

  test("deployer ranges close the Key Vault's firewall to everything but them and the workspace subnet", () => {
    const s = azureWorkspace({}, { keyVaultAllowedCidrs: ['198.51.100.0/24', '203.0.113.7'] });
    expect(s.one('azurerm_key_vault').network_acls).toEqual({
      default_action: 'Deny',
      bypass: 'AzureServices',
      ip_rules: ['198.51.100.0/24', '203.0.113.7'],
      virtual_network_subnet_ids: [SUBNET],
    });
  });
});

describe('GpuWorkspace on Azure: idle stop', () => {
  test('thresholds and a maximum runtime reach the machine document', () => {
    const s = azureWorkspace({ idleStopMinutes: 30, idleGpuUtilizationPercent: 10, idleCpuLoadPerCore: 0.5, maxRuntimeHours: 72 });
    expect(azureDoc(s).config.mlWorkspace.idleStop).toEqual({
      enable: true,
      cloud: 'azure',
      idleMinutes: 30,
      gpuUtilizationPercent: 10,
      cpuLoadPerCore: 0.5,
      maxRuntimeHours: 72,
      activity: { workspace: 'alice', owner: 'alice_example_com' },
    });
  });

  test('idleStopMinutes: 0 switches it off: no custom role, no permission on the VM', () => {
    const s = azureWorkspace({ idleStopMinutes: 0 });
    expect(azureDoc(s).config.mlWorkspace.idleStop).toEqual({ enable: false });
    expect(s.of('azurerm_role_definition')).toEqual({});
    expect(grants(s).map((g) => g[0])).not.toContain(VM_ID);
    expect(AzureResources.ofWorkspace(s.workspace).deallocateRole).toBeUndefined();
  });
});

describe('GpuWorkspace on Azure: placement options', () => {
  test('an existing resource group is used by name, nothing is looked up, and ids are built from the subscription', () => {
    const s = azureWorkspace({}, { resourceGroupName: 'ml-shared' });
    const groupId = `/subscriptions/\${${CLIENT}.subscription_id}/resourceGroups/ml-shared`;
    expect(s.of('azurerm_resource_group')).toEqual({});
    expect(s.json.data.azurerm_resource_group).toBeUndefined();
    expect(s.one('azurerm_linux_virtual_machine').resource_group_name).toBe('ml-shared');
    expect(s.one('azurerm_virtual_network').resource_group_name).toBe('ml-shared');
    expect(s.one('azurerm_role_definition')).toMatchObject({ name: `alice-deallocate (${groupId})`, scope: groupId, assignable_scopes: [groupId] });
    expect(grants(s)).toContainEqual([groupId, 'Disk Snapshot Contributor', BACKUP_PRINCIPAL, 'ServicePrincipal']);
    expect(s.one('azurerm_data_protection_backup_instance_disk').snapshot_resource_group_name).toBe('ml-shared');
    expect(s.one('random_id').keepers).toEqual({ workspace: 'alice', resourceGroup: 'ml-shared' });
    expect(s.json.output.alice_sign_in.value).toContain('--resource-group ml-shared ');
    expect(AzureResources.ofWorkspace(s.workspace).resourceGroupName).toBe('ml-shared');
  });

  test('an existing subnet: no network, NAT or Bastion; the security group on the NIC admits the virtual network; no tunnel', () => {
    const s = azureWorkspace({}, { subnetId: SUBNET_ID, keyVaultAllowedCidrs: ['198.51.100.0/24'] });
    for (const type of ['azurerm_virtual_network', 'azurerm_subnet', 'azurerm_nat_gateway', 'azurerm_bastion_host', 'azurerm_public_ip', 'azurerm_subnet_network_security_group_association']) {
      expect(s.of(type)).toEqual({});
    }
    expect(s.one('azurerm_network_interface').ip_configuration[0].subnet_id).toBe(SUBNET_ID);
    expect(s.one('azurerm_network_interface_security_group_association')).toEqual({ network_interface_id: NIC_ID, network_security_group_id: NSG_ID });
    expect(rules(s)['allow-virtual-network']).toEqual(
      ruleOf({
        name: 'allow-virtual-network',
        description: 'SSH and the IDE from the virtual network and what is connected to it (your own access path: VPN, peered Bastion)',
        direction: 'Inbound',
        access: 'Allow',
        protocol: 'Tcp',
        priority: 300,
        source_address_prefix: 'VirtualNetwork',
        destination_address_prefix: '*',
        destination_port_ranges: ['22', '443'],
      }),
    );
    expect(Object.keys(rules(s))).toContain('deny-internet-outbound');
    expect(s.one('azurerm_key_vault').network_acls.virtual_network_subnet_ids).toEqual([SUBNET_ID]);
    expect(s.json.output.alice_url.value).toBe(`https://${PRIVATE_IP}/`);
    expect(s.json.output.alice_sign_in.value).toBe(
      `"$(command -v xdg-open || echo open)" "https://${PRIVATE_IP}/?tkn=$(az keyvault secret show --vault-name ${VAULT_NAME} --name connection-token --query value -o tsv)"`,
    );
    expect(s.one('azurerm_linux_virtual_machine').depends_on).toEqual([
      'azurerm_key_vault_secret.alice_ConnectionTokenSecret_FB03C3B9',
      'azurerm_role_assignment.alice_ConnectionTokenReader_C2832416',
      'azurerm_key_vault_secret.alice_TlsCertSecret_CC60F017',
      'azurerm_role_assignment.alice_TlsCertReader_E1260D84',
      'azurerm_key_vault_secret.alice_TlsKeySecret_265B570C',
      'azurerm_role_assignment.alice_TlsKeyReader_7D143F85',
      'azurerm_network_interface_security_group_association.alice_NicSecurityGroup_5F73C508',
    ]);
  });

  test('a public workspace in an existing subnet gets its public IP, and no NAT', () => {
    const s = azureWorkspace({ access: PUBLIC }, { subnetId: SUBNET_ID });
    expect(Object.values<any>(s.of('azurerm_public_ip')).map((x) => x.name)).toEqual(['alice-ip']);
    expect(s.of('azurerm_nat_gateway')).toEqual({});
  });

  test('another address space: the workspace subnet is its first /24, Bastion the first /26 of the second', () => {
    const s = azureWorkspace({}, { vnetCidr: '172.20.6.0/23' });
    expect(s.one('azurerm_virtual_network').address_space).toEqual(['172.20.6.0/23']);
    expect(s.of('azurerm_subnet').alice_Subnet_C340D5B7.address_prefixes).toEqual(['172.20.6.0/24']);
    expect(s.of('azurerm_subnet').alice_BastionSubnet_AE153A02.address_prefixes).toEqual(['172.20.7.0/26']);
    expect(rules(s)['allow-bastion'].source_address_prefix).toBe('172.20.7.0/26');
  });

  test('an address space known only at apply time is divided the same way in Terraform', () => {
    const s = synthStack((stack) => {
      const cidr = new TerraformVariable(stack, 'cidr', { type: 'string' });
      return new GpuWorkspace(stack, 'alice', { target: AzureTarget.of({ ...AZURE, vnetCidr: cidr.stringValue }), owner: 'alice@example.com' });
    });
    expect(s.of('azurerm_subnet').alice_Subnet_C340D5B7.address_prefixes).toEqual([
      '${cidrsubnet(var.cidr, (24 - tonumber(element(split("/", var.cidr), 1))), 0)}',
    ]);
    expect(s.of('azurerm_subnet').alice_BastionSubnet_AE153A02.address_prefixes).toEqual([
      '${cidrsubnet(var.cidr, (26 - tonumber(element(split("/", var.cidr), 1))), 4)}',
    ]);
  });

  test('disk sizes and backup retention', () => {
    const s = azureWorkspace({ homeDiskSizeGiB: 1024, bootDiskSizeGiB: 250, snapshotRetentionDays: 30 });
    expect(s.one('azurerm_managed_disk').disk_size_gb).toBe(1024);
    expect(s.one('azurerm_linux_virtual_machine').os_disk.disk_size_gb).toBe(250);
    expect(s.one('azurerm_data_protection_backup_policy_disk')).toMatchObject({ name: 'alice-home-daily-30d', default_retention_duration: 'P30D' });
    expect(s.one('azurerm_virtual_machine_data_disk_attachment').caching).toBe('ReadOnly');
  });

  test('a home disk of 4 TiB or more is attached without host caching, which Azure does not offer for it', () => {
    expect(azureWorkspace({ homeDiskSizeGiB: 4096 }).one('azurerm_virtual_machine_data_disk_attachment').caching).toBe('None');
    expect(azureWorkspace({ homeDiskSizeGiB: 4095 }).one('azurerm_virtual_machine_data_disk_attachment').caching).toBe('ReadOnly');
  });

  test('the Key Vault name fits 3-24 characters whatever the workspace name', () => {
    const name = (workspaceName: string) => azureWorkspace({ workspaceName }).one('azurerm_key_vault').name;
    expect(name('a-very-long-workspace-nm')).toBe('a-very-long-works-${random_id.alice_KeyVaultSuffix_8362C88A.hex}');
    expect(name('abcdefghijklmnop-qrst')).toBe('abcdefghijklmnop-${random_id.alice_KeyVaultSuffix_8362C88A.hex}');
    expect(name('al--ice')).toBe('al-ice-${random_id.alice_KeyVaultSuffix_8362C88A.hex}');
  });

  test('workspaceName overrides the construct id in every name', () => {
    const s = azureWorkspace({ workspaceName: 'alice-gpu' });
    expect(s.one('azurerm_linux_virtual_machine').name).toBe('alice-gpu');
    expect(s.one('azurerm_resource_group').name).toBe('alice-gpu-rg');
    expect(s.one('azurerm_managed_disk').name).toBe('alice-gpu-home');
    expect(s.one('azurerm_user_assigned_identity').name).toBe('alice-gpu-id');
    expect(s.one('azurerm_bastion_host').name).toBe('alice-gpu-bastion');
    expect(Object.keys(s.json.output).sort()).toEqual(['alice-gpu_instance_name', 'alice-gpu_ip_address', 'alice-gpu_machine', 'alice-gpu_sign_in', 'alice-gpu_url']);
  });

  test('a nixpkgs pin reaches the machine document', () => {
    const pin = NixpkgsPin.of({ rev: '0c88e1f2bdb93d5999019e99cb0e61e1fe2af4c5', narHash: 'sha256-q/nkKLDtHIyLjZpKhWk3cSK5IYsFqtMd6UtXF3ddjgA=' });
    expect(azureDoc(azureWorkspace({ nixpkgs: pin })).nixpkgs).toEqual({
      owner: 'NixOS',
      repo: 'nixpkgs',
      rev: '0c88e1f2bdb93d5999019e99cb0e61e1fe2af4c5',
      narHash: 'sha256-q/nkKLDtHIyLjZpKhWk3cSK5IYsFqtMd6UtXF3ddjgA=',
    });
  });
});

describe('GpuWorkspace on Azure: tags', () => {
  const expected = { 'cost-center': 'cc-4711', 'cost-scope': 'workspace', 'env': 'prod', 'ml-workspace': 'true', 'owner': 'alice_example_com', 'team': 'vision', 'workspace': 'alice' };
  const build = (access: WorkspaceAccess, dns?: WorkspaceDns) =>
    azureWorkspace({ access, dns, costCenter: 'cc-4711', labels: { team: 'vision', env: 'prod' } });

  test.each([
    ['private', WorkspaceAccess.private(), undefined],
    ['public with a zone record', PUBLIC, WorkspaceDns.zone({ zoneName: 'ml.example.com', recordName: 'alice.ml.example.com' })],
  ])('%s: every billable resource carries the cost-allocation tags', (_name, access, dns) => {
    const s = build(access, dns);
    // The VM also says which nixpkgs its document pins.
    const tagsOf = (type: string) => (type === 'azurerm_linux_virtual_machine' ? { ...expected, 'ml-workspace-nixpkgs': NixpkgsPin.DEFAULT.rev } : expected);
    const billable = [
      'azurerm_resource_group',
      'azurerm_virtual_network',
      'azurerm_network_security_group',
      'azurerm_public_ip',
      'azurerm_network_interface',
      'azurerm_user_assigned_identity',
      'azurerm_linux_virtual_machine',
      'azurerm_managed_disk',
      'azurerm_key_vault',
      'azurerm_data_protection_backup_vault',
      ...(access.mode === 'PUBLIC' ? ['azurerm_dns_a_record'] : ['azurerm_nat_gateway', 'azurerm_bastion_host']),
    ];
    for (const type of billable) {
      const all = Object.values<any>(s.of(type));
      expect(all.length).toBeGreaterThan(0);
      for (const resource of all) expect([type, resource.tags]).toEqual([type, tagsOf(type)]);
    }
    // Every resource that takes tags has them.
    for (const [type, byName] of Object.entries<any>(s.json.resource)) {
      for (const resource of Object.values<any>(byName)) {
        if ('tags' in resource) expect([type, resource.tags]).toEqual([type, tagsOf(type)]);
      }
    }
  });
});

describe('grantAccess on Azure', () => {
  test('private: Reader on the VM, its NIC and Bastion, and the token secret, for each principal; nothing wider', () => {
    const s = synthStack((stack) => {
      const ws = new GpuWorkspace(stack, 'alice', { target: AzureTarget.of(AZURE), owner: 'alice@example.com' });
      ws.grantAccess(ALICE_OID);
      ws.grantAccess(TEAM_OID);
      return ws;
    });
    const token = SECRET_ID('alice_ConnectionTokenSecret_FB03C3B9');
    const people = grants(s).filter((g) => g[2] === ALICE_OID || g[2] === TEAM_OID);
    const expected = [ALICE_OID, TEAM_OID].flatMap((oid) => [
      [VM_ID, 'Reader', oid, '-'],
      [NIC_ID, 'Reader', oid, '-'],
      ['${azurerm_bastion_host.alice_Bastion_DCF7BD7D.id}', 'Reader', oid, '-'],
      [token, 'Key Vault Secrets User', oid, '-'],
    ]);
    expect(people).toEqual(expected.sort((a, b) => a.join(' ').localeCompare(b.join(' '))));
    // Construct ids follow the member, so adding or removing a principal leaves the others alone.
    expect(Object.keys(s.of('azurerm_role_assignment')).filter((k) => k.includes(ALICE_OID))).toEqual([
      `alice_Access-${ALICE_OID}-BastionReader_4D0A6178`,
      `alice_Access-${ALICE_OID}-NicReader_7441BA00`,
      `alice_Access-${ALICE_OID}-Token_BE4CA6B3`,
      `alice_Access-${ALICE_OID}-VmReader_2A0BB176`,
    ]);
    expect(AzureResources.ofWorkspace(s.workspace).roleAssignments.map((a) => a.node.id)).not.toContain(`Access-${ALICE_OID}-VmReader`);
  });

  test('public with SSO: no Bastion and no token to grant', () => {
    const s = synthStack((stack) => {
      const ws = new GpuWorkspace(stack, 'alice', {
        target: AzureTarget.of({ ...AZURE, ssoKeyVaultId: SSO_VAULT }),
        owner: 'alice@example.com',
        access: PUBLIC,
        auth: WorkspaceAuth.sso({ provider: SsoProvider.GOOGLE, clientId: 'c', clientSecretName: 'google-oauth' }),
      });
      ws.grantAccess(ALICE_OID);
      return ws;
    });
    expect(grants(s).filter((g) => g[2] === ALICE_OID)).toEqual([
      [VM_ID, 'Reader', ALICE_OID, '-'],
      [NIC_ID, 'Reader', ALICE_OID, '-'],
    ].sort((a, b) => a.join(' ').localeCompare(b.join(' '))));
  });

  test('refuses a member that is not an object id', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const ws = new GpuWorkspace(stack, 'alice', { target: AzureTarget.of(AZURE), owner: 'alice@example.com' });
    expect(() => ws.grantAccess('alice@example.com')).toThrow(
      "GpuWorkspace 'alice': grantAccess member 'alice@example.com' is not a Microsoft Entra object id; give the user's, group's or service principal's object id, e.g. '00000000-0000-0000-0000-000000000000'",
    );
  });
});

describe('GpuWorkspace on Azure: stacks', () => {
  test('two workspaces share one azurerm provider and keep their own resources', () => {
    const s = synthStack((stack) => {
      new GpuWorkspace(stack, 'bob', { target: AzureTarget.of(AZURE), owner: 'bob@example.com' });
      return new GpuWorkspace(stack, 'alice', { target: AzureTarget.of(AZURE), owner: 'alice@example.com' });
    });
    expect(s.json.provider.azurerm).toHaveLength(1);
    expect(Object.values<any>(s.of('azurerm_linux_virtual_machine')).map((v) => v.name).sort()).toEqual(['alice', 'bob']);
    expect(Object.values<any>(s.of('azurerm_resource_group')).map((v) => v.name).sort()).toEqual(['alice-rg', 'bob-rg']);
  });

  test('a provider the user configured is kept', () => {
    const s = synthStack((stack) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { AzurermProvider } = require('@cdktf/provider-azurerm/lib/provider');
      new AzurermProvider(stack, 'azurerm', { features: [{}], subscriptionId: '00000000-0000-0000-0000-000000000001' });
      return new GpuWorkspace(stack, 'alice', { target: AzureTarget.of(AZURE), owner: 'alice@example.com' });
    });
    expect(s.json.provider.azurerm).toEqual([{ features: [{}], subscription_id: '00000000-0000-0000-0000-000000000001' }]);
  });

  test('the same props give byte-identical JSON', () => {
    const build = () => {
      const stack = new TerraformStack(Testing.app(), 'test');
      new GpuWorkspace(stack, 'alice', {
        target: AzureTarget.of(AZURE),
        owner: 'alice@example.com',
        access: PUBLIC,
        gpu: Gpu.NVIDIA_A10,
        labels: { b: '2', a: '1' },
      });
      return Testing.synth(stack);
    };
    expect(build()).toBe(build());
  });
});
