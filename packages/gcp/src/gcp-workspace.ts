import { ComputeInstanceIamMember } from '@cdktf/provider-google/lib/compute-instance-iam-member';
import { IapTunnelInstanceIamMember } from '@cdktf/provider-google/lib/iap-tunnel-instance-iam-member';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { Construct } from 'constructs';
import { GcpTargetOptions } from './target';
import { WorkspaceSpec } from 'cdktf-ml-workspace/lib/host/workspace-spec';
import { BuiltWorkspace } from 'cdktf-ml-workspace/lib/clouds/common/built';
import { GcpHost } from './host';
import { GcpWorkspaceResources } from './resources';
import { gcpIde } from './roles/ide';

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
 * Builds a workspace on Google Cloud: a host with the IDE role.
 *
 * @internal
 */
export function buildGcpWorkspace(scope: Construct, spec: WorkspaceSpec, target: GcpTargetOptions): BuiltWorkspace<GcpWorkspaceResources> {
  const host = new GcpHost(scope, spec, target);
  const ide = gcpIde(host, spec, target);
  const machine = host.finish();
  const { dnsRecord, signIn } = ide.finish(machine);
  return {
    resources: {
      instance: machine.instance,
      homeDisk: machine.homeDisk,
      snapshotPolicy: machine.snapshotPolicy,
      serviceAccount: host.serviceAccount,
      secrets: host.secrets,
      firewallRules: host.firewallRules,
      network: host.ownNetwork?.network,
      subnetwork: host.ownNetwork?.subnetwork,
      address: host.address,
      endpointsService: ide.endpointsService,
      dnsRecord,
      nat: host.ownNetwork?.nat,
    },
    url: ide.url,
    ipAddress: machine.ipAddress,
    hostName: ide.domain,
    instanceName: spec.name,
    signIn,
    principal: host.principal,
    machine: machine.machine,
  };
}
