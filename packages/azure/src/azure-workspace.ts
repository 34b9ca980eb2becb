import { BastionHost } from '@cdktf/provider-azurerm/lib/bastion-host';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Construct } from 'constructs';
import { AzureTargetOptions } from './target';
import { WorkspaceSpec } from 'cdktf-ml-workspace/lib/host/workspace-spec';
import { BuiltWorkspace } from 'cdktf-ml-workspace/lib/clouds/common/built';
import { AzureHost } from './host';
import { AzureWorkspaceResources } from './resources';
import { azureIde, azureIdeWantsDnsLabel } from './roles/ide';

/** The members granted `Reader` on each shared Bastion so far. */
const SHARED_BASTION_READERS = new WeakMap<BastionHost, Set<string>>();

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
  const bastion = resources.bastionHost;
  if (bastion && bastion.node.scope === scope) {
    grant('BastionReader', bastion.id, 'Reader');
  } else if (bastion) {
    // A shared network's Bastion: one assignment per member, made in the network (Azure refuses
    // a second identical one, and removing one workspace must not take the others' away).
    const granted = SHARED_BASTION_READERS.get(bastion) ?? new Set<string>();
    SHARED_BASTION_READERS.set(bastion, granted);
    if (!granted.has(member)) {
      granted.add(member);
      new RoleAssignment(bastion.node.scope!, `${id}-BastionReader`, { scope: bastion.id, roleDefinitionName: 'Reader', principalId: member });
    }
  }
  const token = resources.secrets.find((s) => s.node.id === 'ConnectionTokenSecret');
  if (token) grant('Token', token.resourceVersionlessId, 'Key Vault Secrets User');
}

/**
 * Builds a workspace on Azure: a host with the IDE role.
 *
 * @internal
 */
export function buildAzureWorkspace(scope: Construct, spec: WorkspaceSpec, target: AzureTargetOptions): BuiltWorkspace<AzureWorkspaceResources> {
  const host = new AzureHost(scope, spec, target, { publicDnsLabel: azureIdeWantsDnsLabel(spec) });
  const ide = azureIde(host, spec);
  const machine = host.finish();
  const { dnsRecord, signIn } = ide.finish(machine);
  const own = host.ownNetwork;
  return {
    resources: {
      virtualMachine: machine.virtualMachine,
      resourceGroupName: host.resourceGroupName,
      resourceGroup: host.resourceGroup,
      identity: host.identity,
      networkInterface: host.networkInterface,
      networkSecurityGroup: host.networkSecurityGroup,
      securityRules: host.securityRules,
      networkInterfaceSecurityGroupAssociation: host.networkInterfaceSecurityGroupAssociation,
      subnetSecurityGroupAssociation: host.subnetSecurityGroupAssociation,
      virtualNetwork: own?.virtualNetwork,
      subnet: own?.subnet,
      bastionSubnet: own?.bastionSubnet,
      bastionHost: host.bastionHost,
      bastionPublicIp: own?.bastionPublicIp,
      natGateway: own?.natGateway,
      natPublicIp: own?.natPublicIp,
      natGatewayPublicIpAssociation: own?.natGatewayPublicIpAssociation,
      subnetNatGatewayAssociation: own?.subnetNatGatewayAssociation,
      publicIp: host.publicIp,
      domainLabelSuffix: host.domainLabelSuffix,
      dnsRecord,
      homeDisk: machine.homeDisk,
      homeDiskAttachment: machine.homeDiskAttachment,
      homeDiskLock: machine.homeDiskLock,
      backupVault: machine.backupVault,
      backupPolicy: machine.backupPolicy,
      backupInstance: machine.backupInstance,
      keyVault: host.keyVault,
      keyVaultSuffix: host.keyVaultSuffix,
      secrets: host.secrets,
      adminSshKey: machine.adminSshKey,
      deallocateRole: machine.deallocateRole,
      roleAssignments: host.roleAssignments,
      clientConfig: host.clientConfig,
    },
    url: ide.url,
    ipAddress: host.ipAddress,
    hostName: ide.domain,
    instanceName: spec.name,
    signIn,
    principal: host.principal,
    machine: machine.machine,
  };
}
