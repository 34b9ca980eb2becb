import { GpuWorkspace, UsageExporter, WorkspaceNetwork } from 'cdktf-ml-workspace';
import { Cloud } from 'cdktf-ml-workspace/lib/core/cloud-target';
import { resourcesOf } from 'cdktf-ml-workspace/lib/host/escape-hatches';
import { BastionHost } from '@cdktf/provider-azurerm/lib/bastion-host';
import { ConsumptionBudgetSubscription } from '@cdktf/provider-azurerm/lib/consumption-budget-subscription';
import { LogAnalyticsWorkspace } from '@cdktf/provider-azurerm/lib/log-analytics-workspace';
import { MonitorActionGroup } from '@cdktf/provider-azurerm/lib/monitor-action-group';
import { MonitorDiagnosticSetting } from '@cdktf/provider-azurerm/lib/monitor-diagnostic-setting';
import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import { SubscriptionCostManagementExport } from '@cdktf/provider-azurerm/lib/subscription-cost-management-export';
import { StaticResource } from '@cdktf/provider-time/lib/static-resource';
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
import { NatGateway } from '@cdktf/provider-azurerm/lib/nat-gateway';
import { NatGatewayPublicIpAssociation } from '@cdktf/provider-azurerm/lib/nat-gateway-public-ip-association';
import { NetworkInterface } from '@cdktf/provider-azurerm/lib/network-interface';
import { NetworkInterfaceSecurityGroupAssociation } from '@cdktf/provider-azurerm/lib/network-interface-security-group-association';
import { NetworkSecurityGroup } from '@cdktf/provider-azurerm/lib/network-security-group';
import { NetworkSecurityRule } from '@cdktf/provider-azurerm/lib/network-security-rule';
import { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { RoleDefinition } from '@cdktf/provider-azurerm/lib/role-definition';
import { Subnet } from '@cdktf/provider-azurerm/lib/subnet';
import { SubnetNatGatewayAssociation } from '@cdktf/provider-azurerm/lib/subnet-nat-gateway-association';
import { SubnetNetworkSecurityGroupAssociation } from '@cdktf/provider-azurerm/lib/subnet-network-security-group-association';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { VirtualMachineDataDiskAttachment } from '@cdktf/provider-azurerm/lib/virtual-machine-data-disk-attachment';
import { VirtualNetwork } from '@cdktf/provider-azurerm/lib/virtual-network';
import { Id } from '@cdktf/provider-random/lib/id';
import { PrivateKey } from '@cdktf/provider-tls/lib/private-key';

/** The resources a `GpuWorkspace` creates on Azure, for escape-hatch access. */
export interface AzureWorkspaceResources {
  /** The VM (`azurerm_linux_virtual_machine`). */
  readonly virtualMachine: LinuxVirtualMachine;
  /** The name of the resource group everything is in (created or given). */
  readonly resourceGroupName: string;
  /** The resource group `<workspace>-rg`, when the construct created it. */
  readonly resourceGroup?: ResourceGroup;
  /** The user-assigned managed identity the VM runs as (`<workspace>-id`). */
  readonly identity: UserAssignedIdentity;
  /** The VM's network interface. */
  readonly networkInterface: NetworkInterface;
  /** The network security group of the workspace (on its subnet when created, and on the NIC). */
  readonly networkSecurityGroup: NetworkSecurityGroup;
  /** The security group's rules, inbound then outbound, by priority. */
  readonly securityRules: NetworkSecurityRule[];
  /** The security group's association with the network interface. */
  readonly networkInterfaceSecurityGroupAssociation: NetworkInterfaceSecurityGroupAssociation;
  /** The security group's association with the workspace subnet, when the construct created the subnet. */
  readonly subnetSecurityGroupAssociation?: SubnetNetworkSecurityGroupAssociation;
  /** The virtual network `<workspace>-vnet`, when the construct created it. */
  readonly virtualNetwork?: VirtualNetwork;
  /** The workspace subnet `<workspace>-subnet`, when the construct created it. */
  readonly subnet?: Subnet;
  /** `AzureBastionSubnet` (private access in a network the construct created). */
  readonly bastionSubnet?: Subnet;
  /** Azure Bastion, Standard with native-client tunnelling (private access in a network the construct created). */
  readonly bastionHost?: BastionHost;
  /** Azure Bastion's public IP. */
  readonly bastionPublicIp?: PublicIp;
  /** The NAT gateway giving the private workspace outbound internet access (private access in a created network). */
  readonly natGateway?: NatGateway;
  /** The NAT gateway's public IP. */
  readonly natPublicIp?: PublicIp;
  /** The NAT gateway's association with its public IP. */
  readonly natGatewayPublicIpAssociation?: NatGatewayPublicIpAssociation;
  /** The NAT gateway's association with the workspace subnet. */
  readonly subnetNatGatewayAssociation?: SubnetNatGatewayAssociation;
  /** The VM's static public IP (public access); it carries the `cloudapp.azure.com` domain label when used. */
  readonly publicIp?: PublicIp;
  /** The random suffix of the domain label (`WorkspaceDns.azureDomainLabel()`). */
  readonly domainLabelSuffix?: Id;
  /** The A record (`WorkspaceDns.zone(...)`). */
  readonly dnsRecord?: DnsARecord;
  /** The persistent home disk (`prevent_destroy`, plus a `CanNotDelete` lock). */
  readonly homeDisk: ManagedDisk;
  /** The home disk's attachment to the VM at LUN 0. */
  readonly homeDiskAttachment: VirtualMachineDataDiskAttachment;
  /** The `CanNotDelete` lock on the home disk. */
  readonly homeDiskLock: ManagementLock;
  /** The Backup vault holding the home disk's backup instance. */
  readonly backupVault: DataProtectionBackupVault;
  /** The daily backup policy (operational tier: incremental snapshots in the workspace's resource group). */
  readonly backupPolicy: DataProtectionBackupPolicyDisk;
  /** The home disk's backup instance. */
  readonly backupInstance: DataProtectionBackupInstanceDisk;
  /** The workspace's Key Vault (RBAC, purge protection). */
  readonly keyVault: KeyVault;
  /** The random suffix that makes the Key Vault's name globally unique. */
  readonly keyVaultSuffix: Id;
  /** The secrets in the workspace's Key Vault (connection token or cookie secret, TLS key and certificate, generated admin SSH key). */
  readonly secrets: KeyVaultSecret[];
  /** The generated admin SSH key pair, when `adminSshPublicKey` was not given. */
  readonly adminSshKey?: PrivateKey;
  /** The custom role with only `Microsoft.Compute/virtualMachines/deallocate/action`, when idle stop is on. */
  readonly deallocateRole?: RoleDefinition;
  /**
   * Every role assignment the workspace made: the deployer's on the Key Vault, the VM identity's
   * on each secret it reads and (idle stop) on the VM, the Backup vault's on the disk and the
   * snapshot resource group. Grants made by `grantAccess` are not included.
   */
  readonly roleAssignments: RoleAssignment[];
  /** The identity Terraform runs as (`data.azurerm_client_config`): tenant, subscription and deployer. */
  readonly clientConfig: DataAzurermClientConfig;
}

/** The resources a `WorkspaceNetwork` creates on Azure, for escape-hatch access. */
export interface AzureNetworkResources {
  /** The resource group, when the construct created it. */
  readonly resourceGroup?: ResourceGroup;
  /** The resource group's name. */
  readonly resourceGroupName: string;
  /** The virtual network. */
  readonly virtualNetwork: VirtualNetwork;
  /** The subnet of the workspaces (Key Vault service endpoint, no default outbound access). */
  readonly subnet: Subnet;
  /** `AzureBastionSubnet`. */
  readonly bastionSubnet: Subnet;
  /** The one Azure Bastion (Standard, native-client tunnels) of every workspace on the network. */
  readonly bastionHost: BastionHost;
  /** The Bastion's public IP. */
  readonly bastionPublicIp: PublicIp;
  /** The one NAT gateway: outbound traffic of the workspaces. */
  readonly natGateway: NatGateway;
  /** The NAT gateway's public IP. */
  readonly natPublicIp: PublicIp;
  /** Associates the NAT gateway with the subnet. */
  readonly subnetNatGatewayAssociation: SubnetNatGatewayAssociation;
  /** The subnet's NSG: Bastion in, HTTPS and NTP out, nothing else. */
  readonly networkSecurityGroup: NetworkSecurityGroup;
  /** The subnet NSG's rules. */
  readonly securityRules: NetworkSecurityRule[];
  /** Associates the NSG with the subnet. */
  readonly subnetSecurityGroupAssociation: SubnetNetworkSecurityGroupAssociation;
}

/** The resources of a `UsageExporter` on Azure. */
export interface AzureUsageResources {
  /** The subscription the exporter reads, read at plan time. */
  readonly clientConfig: DataAzurermClientConfig;
  /** The resource group it created; undefined when the target names one. */
  readonly resourceGroup?: ResourceGroup;
  /** The storage account the export, the activity log and the activity lines go to. */
  readonly storage: StorageAccount;
  /** The container of the cost export. */
  readonly exportsContainer: StorageContainer;
  /** The container the machines' activity lines go to. */
  readonly activityContainer: StorageContainer;
  /** The daily month-to-date ActualCost export of the subscription. */
  readonly costExport: SubscriptionCostManagementExport;
  /** The Log Analytics workspace keeping the activity log for people to query. */
  readonly logs: LogAnalyticsWorkspace;
  /** The subscription's activity log (Administrative) into the workspace and the storage account. */
  readonly activityLog: MonitorDiagnosticSetting;
  /** The blob service's read, write and delete logs into the workspace. */
  readonly blobAudit: MonitorDiagnosticSetting;
  /** The budget alerts' action group; undefined without a budget. */
  readonly actionGroup?: MonitorActionGroup;
  /** The owners' budgets, by owner tag. */
  readonly budgets: { [owner: string]: ConsumptionBudgetSubscription };
  /** The time of the first apply: the export starts the day after. */
  readonly created: StaticResource;
}

/**
 * The typed escape hatches of constructs on Azure: the resources a `GpuWorkspace` (a fleet's
 * member too), a `WorkspaceNetwork` or a `UsageExporter` made, as this cloud's provider types.
 *
 * ```ts
 * AzureResources.ofWorkspace(workspace).instance.addOverride('...', ...);
 * ```
 */
export class AzureResources {
  /** The resources of a workspace on Azure; throws when it is on another cloud. */
  public static ofWorkspace(workspace: GpuWorkspace): AzureWorkspaceResources {
    return resourcesOf('AzureResources.ofWorkspace', workspace, Cloud.AZURE, 'GpuWorkspace') as AzureWorkspaceResources;
  }

  /** The resources of a shared network on Azure; throws when it is on another cloud. */
  public static ofNetwork(network: WorkspaceNetwork): AzureNetworkResources {
    return resourcesOf('AzureResources.ofNetwork', network, Cloud.AZURE, 'WorkspaceNetwork') as AzureNetworkResources;
  }

  /** The resources of a usage exporter on Azure; throws when it is on another cloud. */
  public static ofUsage(exporter: UsageExporter): AzureUsageResources {
    return resourcesOf('AzureResources.ofUsage', exporter, Cloud.AZURE, 'UsageExporter') as AzureUsageResources;
  }

  private constructor() {}
}
