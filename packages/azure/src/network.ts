import { BastionHost } from '@cdktf/provider-azurerm/lib/bastion-host';
import { NatGateway } from '@cdktf/provider-azurerm/lib/nat-gateway';
import { NatGatewayPublicIpAssociation } from '@cdktf/provider-azurerm/lib/nat-gateway-public-ip-association';
import { NetworkSecurityGroup } from '@cdktf/provider-azurerm/lib/network-security-group';
import { NetworkSecurityRule, NetworkSecurityRuleConfig } from '@cdktf/provider-azurerm/lib/network-security-rule';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { Subnet } from '@cdktf/provider-azurerm/lib/subnet';
import { SubnetNatGatewayAssociation } from '@cdktf/provider-azurerm/lib/subnet-nat-gateway-association';
import { SubnetNetworkSecurityGroupAssociation } from '@cdktf/provider-azurerm/lib/subnet-network-security-group-association';
import { VirtualNetwork } from '@cdktf/provider-azurerm/lib/virtual-network';
import { Construct } from 'constructs';
import { AzureTargetOptions } from './target';
import { NetworkSpec } from 'cdktf-ml-workspace/lib/host/network-spec';
import { ensureProvider } from 'cdktf-ml-workspace/lib/clouds/common/providers';
import { AzureNetworkResources } from './resources';
import { azureSubnets, DEFAULT_VNET_CIDR } from './validate';

/** NSG rule priorities: lower runs first; 4096 is the last a custom rule can take. @internal */
export const PRIORITY = {
  httpsFirst: 100,
  acme: 200,
  tunnel: 300,
  denyAll: 4096,
  httpsOutbound: 100,
  ntpOutbound: 110,
  denyInternetOutbound: 4096,
};

/** A security rule's settings but its name and place. @internal */
export type RuleSettings = Omit<NetworkSecurityRuleConfig, 'name' | 'resourceGroupName' | 'networkSecurityGroupName' | 'sourcePortRange'>;

/** Inbound TCP to anything, allowed: the start of every allow rule. @internal */
export const INBOUND = { direction: 'Inbound', access: 'Allow', protocol: 'Tcp', destinationAddressPrefix: '*' };

/** SSH and the IDE from Azure Bastion's subnet. @internal */
export function bastionRule(bastionCidr: string): RuleSettings {
  return {
    ...INBOUND,
    priority: PRIORITY.tunnel,
    sourceAddressPrefix: bastionCidr,
    destinationPortRanges: ['22', '443'],
    description: 'SSH and the IDE through Azure Bastion only',
  };
}

/**
 * The rules every workspace NSG ends with: deny all other inbound traffic (Azure's defaults
 * admit the virtual network and the load balancer), HTTPS and NTP out, nothing else out.
 *
 * @internal
 */
export const CLOSING_RULES: Array<[string, RuleSettings]> = [
  [
    'deny-all-inbound',
    {
      direction: 'Inbound',
      access: 'Deny',
      protocol: '*',
      priority: PRIORITY.denyAll,
      sourceAddressPrefix: '*',
      destinationAddressPrefix: '*',
      destinationPortRange: '*',
      description: "Everything not allowed above, including Azure's default allow rules for the virtual network and load balancer",
    },
  ],
  [
    'allow-https-outbound',
    {
      direction: 'Outbound',
      access: 'Allow',
      protocol: 'Tcp',
      priority: PRIORITY.httpsOutbound,
      sourceAddressPrefix: '*',
      destinationAddressPrefix: 'Internet',
      destinationPortRange: '443',
      description: "Nix binary cache and source archives, git, Let's Encrypt, Key Vault and Azure Resource Manager",
    },
  ],
  [
    'allow-ntp-outbound',
    {
      direction: 'Outbound',
      access: 'Allow',
      protocol: 'Udp',
      priority: PRIORITY.ntpOutbound,
      sourceAddressPrefix: '*',
      destinationAddressPrefix: 'Internet',
      destinationPortRange: '123',
      description: 'Time synchronisation (NixOS uses public NTP servers)',
    },
  ],
  [
    // Egress is limited in both modes: Azure's default rules would let everything out.
    'deny-internet-outbound',
    {
      direction: 'Outbound',
      access: 'Deny',
      protocol: '*',
      priority: PRIORITY.denyInternetOutbound,
      sourceAddressPrefix: '*',
      destinationAddressPrefix: 'Internet',
      destinationPortRange: '*',
      description: 'No other traffic to the internet (HTTPS and NTP are allowed above)',
    },
  ],
];

/** Adds a rule to an NSG, as `SecurityRule-<name>`. @internal */
export function securityRule(scope: Construct, group: NetworkSecurityGroup, resourceGroupName: string, ruleName: string, settings: RuleSettings) {
  return new NetworkSecurityRule(scope, `SecurityRule-${ruleName}`, {
    name: ruleName,
    resourceGroupName,
    networkSecurityGroupName: group.name,
    sourcePortRange: '*',
    ...settings,
  });
}

/** The virtual network, its subnets, NAT and Bastion. @internal */
export interface AzureNetworkParts {
  readonly virtualNetwork: VirtualNetwork;
  readonly subnet: Subnet;
  readonly bastionSubnet?: Subnet;
  readonly bastionCidr: string;
  readonly natGateway?: NatGateway;
  readonly natPublicIp?: PublicIp;
  readonly natGatewayPublicIpAssociation?: NatGatewayPublicIpAssociation;
  readonly subnetNatGatewayAssociation?: SubnetNatGatewayAssociation;
  readonly bastionHost?: BastionHost;
  readonly bastionPublicIp?: PublicIp;
}

/**
 * Makes a virtual network with the workspace subnet (the first /24) and, as asked, a NAT
 * gateway and Azure Bastion (in the first /26 of the second /24). Construct ids are the same
 * for a workspace's own network and a shared one.
 *
 * @internal
 */
export function azureNetworkParts(
  scope: Construct,
  options: {
    readonly name: string;
    readonly location: string;
    readonly resourceGroupName: string;
    readonly vnetCidr: string;
    readonly nat: boolean;
    readonly bastion: boolean;
    readonly tags: Record<string, string>;
  },
): AzureNetworkParts {
  const { name, tags } = options;
  const inGroup = { location: options.location, resourceGroupName: options.resourceGroupName };
  const subnets = azureSubnets(options.vnetCidr);
  const virtualNetwork = new VirtualNetwork(scope, 'VirtualNetwork', { ...inGroup, name: `${name}-vnet`, addressSpace: [options.vnetCidr], tags });
  const subnet = new Subnet(scope, 'Subnet', {
    name: `${name}-subnet`,
    resourceGroupName: options.resourceGroupName,
    virtualNetworkName: virtualNetwork.name,
    addressPrefixes: [subnets.workspace],
    // Key Vault traffic stays on the Azure backbone and can be admitted by the vault's firewall.
    serviceEndpoints: ['Microsoft.KeyVault'],
    // Outbound goes through the VM's public IP (public) or the NAT gateway (private), never
    // through Azure's implicit default outbound access, which is being retired.
    defaultOutboundAccessEnabled: false,
  });
  let parts: AzureNetworkParts = { virtualNetwork, subnet, bastionCidr: subnets.bastion };
  if (options.nat) {
    // No public IP in private mode: Nix still has to reach the binary cache, so outbound goes
    // through a NAT gateway (as Cloud NAT on GCP).
    const natPublicIp = new PublicIp(scope, 'NatPublicIp', { ...inGroup, name: `${name}-nat-ip`, allocationMethod: 'Static', sku: 'Standard', tags });
    const natGateway = new NatGateway(scope, 'NatGateway', { ...inGroup, name: `${name}-nat`, skuName: 'Standard', idleTimeoutInMinutes: 4, tags });
    const natGatewayPublicIpAssociation = new NatGatewayPublicIpAssociation(scope, 'NatGatewayPublicIp', {
      natGatewayId: natGateway.id,
      publicIpAddressId: natPublicIp.id,
    });
    const subnetNatGatewayAssociation = new SubnetNatGatewayAssociation(scope, 'SubnetNatGateway', { subnetId: subnet.id, natGatewayId: natGateway.id });
    parts = { ...parts, natGateway, natPublicIp, natGatewayPublicIpAssociation, subnetNatGatewayAssociation };
  }
  if (options.bastion) {
    const bastionSubnet = new Subnet(scope, 'BastionSubnet', {
      // Azure Bastion accepts no other name.
      name: 'AzureBastionSubnet',
      resourceGroupName: options.resourceGroupName,
      virtualNetworkName: virtualNetwork.name,
      addressPrefixes: [subnets.bastion],
    });
    const bastionPublicIp = new PublicIp(scope, 'BastionPublicIp', { ...inGroup, name: `${name}-bastion-ip`, allocationMethod: 'Static', sku: 'Standard', tags });
    const bastionHost = new BastionHost(scope, 'Bastion', {
      ...inGroup,
      name: `${name}-bastion`,
      // Standard: native-client tunnels (`az network bastion tunnel` / `ssh`); Basic has none.
      sku: 'Standard',
      tunnelingEnabled: true,
      fileCopyEnabled: false,
      ipConnectEnabled: false,
      shareableLinkEnabled: false,
      ipConfiguration: { name: 'bastion', subnetId: bastionSubnet.id, publicIpAddressId: bastionPublicIp.id },
      tags,
    });
    parts = { ...parts, bastionSubnet, bastionPublicIp, bastionHost };
  }
  return parts;
}

/** A shared network as its workspaces use it. @internal */
export interface AzureSharedNetwork {
  readonly resources: AzureNetworkResources;
  /** Where `az network bastion tunnel` finds the Bastion. */
  readonly resourceGroupName: string;
  readonly bastionCidr: string;
}

/**
 * A virtual network many private workspaces share: the subnet behind one NAT gateway, one
 * Azure Bastion (Standard, native-client tunnels) for all of them, and a subnet NSG that admits
 * only Bastion and limits egress as each workspace's own NSG does.
 *
 * @internal
 */
export function buildAzureNetwork(scope: Construct, spec: NetworkSpec, target: AzureTargetOptions): AzureSharedNetwork {
  ensureProvider(scope, 'azurerm', (stack) => new AzurermProvider(stack, 'ml-workspace-azurerm', { features: [{}] }));
  const { location } = target;
  const tags = spec.labels;
  const resourceGroup = target.resourceGroupName ? undefined : new ResourceGroup(scope, 'ResourceGroup', { name: `${spec.name}-rg`, location, tags });
  const resourceGroupName = target.resourceGroupName ?? `${spec.name}-rg`;
  const rg = resourceGroup ? resourceGroup.name : resourceGroupName;
  const parts = azureNetworkParts(scope, {
    name: spec.name,
    location,
    resourceGroupName: rg,
    vnetCidr: target.vnetCidr ?? DEFAULT_VNET_CIDR,
    nat: true,
    bastion: true,
    tags,
  });
  const networkSecurityGroup = new NetworkSecurityGroup(scope, 'SecurityGroup', { location, resourceGroupName: rg, name: `${spec.name}-nsg`, tags });
  const rules: Array<[string, RuleSettings]> = [['allow-bastion', bastionRule(parts.bastionCidr)], ...CLOSING_RULES];
  const securityRules = rules.map(([ruleName, settings]) => securityRule(scope, networkSecurityGroup, rg, ruleName, settings));
  const subnetSecurityGroupAssociation = new SubnetNetworkSecurityGroupAssociation(scope, 'SubnetSecurityGroup', {
    subnetId: parts.subnet.id,
    networkSecurityGroupId: networkSecurityGroup.id,
  });
  return {
    resources: {
      resourceGroup,
      resourceGroupName,
      virtualNetwork: parts.virtualNetwork,
      subnet: parts.subnet,
      bastionSubnet: parts.bastionSubnet!,
      bastionHost: parts.bastionHost!,
      bastionPublicIp: parts.bastionPublicIp!,
      natGateway: parts.natGateway!,
      natPublicIp: parts.natPublicIp!,
      subnetNatGatewayAssociation: parts.subnetNatGatewayAssociation!,
      networkSecurityGroup,
      securityRules,
      subnetSecurityGroupAssociation,
    },
    resourceGroupName,
    bastionCidr: parts.bastionCidr,
  };
}
