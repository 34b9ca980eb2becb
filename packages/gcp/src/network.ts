import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { ComputeRouter } from '@cdktf/provider-google/lib/compute-router';
import { ComputeRouterNat } from '@cdktf/provider-google/lib/compute-router-nat';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { GcpTargetOptions } from './target';
import { NetworkSpec } from 'cdktf-ml-workspace/lib/host/network-spec';
import { ensureProvider } from 'cdktf-ml-workspace/lib/clouds/common/providers';
import { projectService } from './project-service';
import { GcpNetworkResources } from './resources';

/** Google's source range for IAP TCP forwarding. */
export const IAP_TCP_RANGE = '35.235.240.0/20';
/** The subnetwork range when the target gives none. */
export const DEFAULT_SUBNET_CIDR = '10.42.0.0/24';

/** The VPC network, subnetwork and (for private machines) Cloud NAT. @internal */
export interface GcpNetworkParts {
  readonly network: ComputeNetwork;
  readonly subnetwork: ComputeSubnetwork;
  readonly router?: ComputeRouter;
  readonly nat?: ComputeRouterNat;
}

/**
 * Makes a VPC network with one regional subnetwork (flow logs, Private Google Access) and,
 * with `nat`, a Cloud NAT: machines without a public IP still reach the Nix binary cache.
 * Construct ids are the same for a workspace's own network and a shared one.
 *
 * @internal
 */
export function gcpNetworkParts(
  scope: Construct,
  options: { readonly project: string; readonly region: string; readonly name: string; readonly cidr: string; readonly nat: boolean; readonly compute: ITerraformDependable },
): GcpNetworkParts {
  const { project, region, name } = options;
  const network = new ComputeNetwork(scope, 'Network', {
    project,
    name: `${name}-net`,
    autoCreateSubnetworks: false,
    routingMode: 'REGIONAL',
    dependsOn: [options.compute],
  });
  const subnetwork = new ComputeSubnetwork(scope, 'Subnetwork', {
    project,
    region,
    name: `${name}-subnet`,
    network: network.id,
    ipCidrRange: options.cidr,
    privateIpGoogleAccess: true,
    logConfig: { aggregationInterval: 'INTERVAL_10_MIN', flowSampling: 0.5, metadata: 'INCLUDE_ALL_METADATA' },
  });
  if (!options.nat) return { network, subnetwork };
  const router = new ComputeRouter(scope, 'Router', { project, region, name: `${name}-router`, network: network.id });
  const nat = new ComputeRouterNat(scope, 'Nat', {
    project,
    region,
    name: `${name}-nat`,
    router: router.name,
    natIpAllocateOption: 'AUTO_ONLY',
    sourceSubnetworkIpRangesToNat: 'ALL_SUBNETWORKS_ALL_IP_RANGES',
    logConfig: { enable: true, filter: 'ERRORS_ONLY' },
  });
  return { network, subnetwork, router, nat };
}

/**
 * The network tag every workspace on a shared network carries; the IAP rule targets it. A
 * workspace's own tag is `mlw-<name>`, which can never read `mlwnet-...`: no workspace's rules
 * can target the whole network's VMs by picking a name.
 *
 * @internal
 */
export function gcpSharedNetworkTag(networkName: string): string {
  return `mlwnet-${networkName}`;
}

/**
 * A network many workspaces share: the VPC network, subnetwork, Cloud NAT, and one firewall
 * rule admitting SSH and the IDE from IAP to every workspace on it (by network tag), so a
 * private workspace on it creates no rule of its own.
 *
 * @internal
 */
export function buildGcpNetwork(scope: Construct, spec: NetworkSpec, target: GcpTargetOptions): GcpNetworkResources {
  const { project, region } = target;
  ensureProvider(scope, 'google', (stack) => new GoogleProvider(stack, 'ml-workspace-google', { project, region }));
  const compute = projectService(scope, project, 'compute.googleapis.com');
  projectService(scope, project, 'iap.googleapis.com');
  const parts = gcpNetworkParts(scope, { project, region, name: spec.name, cidr: target.subnetCidr ?? DEFAULT_SUBNET_CIDR, nat: true, compute });
  const tag = gcpSharedNetworkTag(spec.name);
  const iapFirewall = new ComputeFirewall(scope, 'IapFirewall', {
    project,
    name: `${spec.name}-iap`,
    network: parts.network.id,
    description: 'SSH and the IDE through IAP only (OS Login), to every workspace on this network',
    direction: 'INGRESS',
    priority: 1000,
    sourceRanges: [IAP_TCP_RANGE],
    targetTags: [tag],
    allow: [{ protocol: 'tcp', ports: ['22', '443'] }],
    logConfig: { metadata: 'INCLUDE_ALL_METADATA' },
    dependsOn: [compute],
  });
  return { network: parts.network, subnetwork: parts.subnetwork, router: parts.router!, nat: parts.nat!, iapFirewall, networkTag: tag };
}
