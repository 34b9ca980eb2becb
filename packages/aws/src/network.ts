import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { AwsTargetOptions } from './target';
import { NetworkSpec } from 'cdktf-ml-workspace/lib/host/network-spec';
import { ipv4Subnet } from 'cdktf-ml-workspace/lib/clouds/common/network';
import { ensureProvider } from 'cdktf-ml-workspace/lib/clouds/common/providers';
import { assumeRole, policyDocument } from './iam';
import { AwsNetworkResources } from './resources';

/** Interface endpoints a private workspace needs: Session Manager and Secrets Manager. */
const ENDPOINT_SERVICES = ['ssm', 'ssmmessages', 'ec2messages', 'secretsmanager'];
/** The VPC range when the target gives none. */
export const DEFAULT_VPC_CIDR = '10.42.0.0/16';

/**
 * What a network is for: one public workspace (its subnet routes to the internet gateway), one
 * private workspace (its subnet routes through NAT; Session Manager and Secrets Manager through
 * interface endpoints), or many workspaces of either kind (both subnets, both paths).
 *
 * @internal
 */
export type AwsNetworkUse = 'public' | 'private' | 'shared';

/** @internal */
export interface AwsNetworkParts {
  readonly vpc: Vpc;
  /** The workspace subnet: the only one for one workspace, the private one when shared. */
  readonly subnet: Subnet;
  /** The subnet holding the NAT gateway (and, when shared, the public workspaces). */
  readonly natSubnet?: Subnet;
  readonly flowLog: FlowLog;
  readonly internetGateway: InternetGateway;
  readonly natGateway?: NatGateway;
  readonly vpcEndpoints: VpcEndpoint[];
  /** What a machine in `subnet` waits for: its routes and endpoints. */
  readonly ready: ITerraformDependable[];
  /** What a machine in `natSubnet` waits for (shared networks). */
  readonly publicReady: ITerraformDependable[];
}

/**
 * Makes a VPC with flow logs, its default security group closed, an internet gateway, and the
 * subnets and paths `use` needs. Construct ids are the same for a workspace's own network and
 * a shared one.
 *
 * @internal
 */
export function awsNetworkParts(
  scope: Construct,
  options: {
    readonly name: string;
    /** IAM names are global to the account: the flow-log role's name. */
    readonly iamName: string;
    readonly region: string;
    readonly account: string;
    readonly vpcCidr: string;
    readonly availabilityZone: string;
    readonly use: AwsNetworkUse;
    readonly tags: (suffix?: string) => Record<string, string>;
  },
): AwsNetworkParts {
  const { name, tags, vpcCidr, availabilityZone, use } = options;
  const ready: ITerraformDependable[] = [];
  const publicReady: ITerraformDependable[] = [];
  const vpc = new Vpc(scope, 'Vpc', { cidrBlock: vpcCidr, enableDnsSupport: true, enableDnsHostnames: true, tags: tags('vpc') });
  const vpcId = vpc.id;
  // The VPC's default security group admits all traffic between its members; close it.
  new DefaultSecurityGroup(scope, 'DefaultSecurityGroup', { vpcId, tags: tags('default') });

  const logGroup = new CloudwatchLogGroup(scope, 'FlowLogGroup', {
    name: `/ml-workspace/${name}/vpc-flow-logs`,
    retentionInDays: 365,
    tags: tags('flow-logs'),
  });
  const flowLogRole = new IamRole(scope, 'FlowLogRole', {
    name: `${options.iamName}-flow-logs`,
    description: `Delivers VPC flow logs of ML workspace ${use === 'shared' ? 'network ' : ''}${name}`,
    assumeRolePolicy: assumeRole(scope, 'FlowLogAssumeRole', 'vpc-flow-logs.amazonaws.com', options.account),
    tags: tags('flow-logs'),
  });
  new IamRolePolicy(scope, 'FlowLogRolePolicy', {
    name: 'write-flow-logs',
    role: flowLogRole.id,
    policy: policyDocument(scope, 'FlowLogPolicy', [
      {
        effect: 'Allow',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [`${logGroup.arn}:*`],
      },
    ]),
  });
  const flowLog = new FlowLog(scope, 'FlowLog', {
    vpcId,
    trafficType: 'ALL',
    logDestinationType: 'cloud-watch-logs',
    logDestination: logGroup.arn,
    iamRoleArn: flowLogRole.arn,
    maxAggregationInterval: 600,
    tags: tags('flow-log'),
  });

  const internetGateway = new InternetGateway(scope, 'InternetGateway', { vpcId, tags: tags('igw') });
  const subnet = new Subnet(scope, 'Subnet', {
    vpcId,
    cidrBlock: ipv4Subnet(vpcCidr, 24, 0),
    availabilityZone,
    mapPublicIpOnLaunch: false,
    tags: tags('subnet'),
  });
  const publicRoutes = new RouteTable(scope, 'PublicRouteTable', { vpcId, tags: tags('public') });
  const publicRoute = new Route(scope, 'PublicDefaultRoute', {
    routeTableId: publicRoutes.id,
    destinationCidrBlock: '0.0.0.0/0',
    gatewayId: internetGateway.id,
  });
  ready.push(publicRoute);
  if (use === 'public') {
    ready.push(new RouteTableAssociation(scope, 'SubnetRoutes', { subnetId: subnet.id, routeTableId: publicRoutes.id }));
    return { vpc, subnet, flowLog, internetGateway, vpcEndpoints: [], ready, publicReady };
  }

  // No public IP: Nix still has to reach the binary cache, so outbound goes through NAT.
  const natSubnet = new Subnet(scope, 'NatSubnet', {
    vpcId,
    cidrBlock: ipv4Subnet(vpcCidr, 24, 1),
    availabilityZone,
    mapPublicIpOnLaunch: false,
    tags: tags(use === 'shared' ? 'public' : 'nat'),
  });
  const natSubnetRoutes = new RouteTableAssociation(scope, 'NatSubnetRoutes', { subnetId: natSubnet.id, routeTableId: publicRoutes.id });
  publicReady.push(publicRoute, natSubnetRoutes);
  const natIp = new Eip(scope, 'NatIp', { domain: 'vpc', tags: tags('nat'), dependsOn: [internetGateway] });
  const natGateway = new NatGateway(scope, 'NatGateway', {
    allocationId: natIp.allocationId,
    subnetId: natSubnet.id,
    connectivityType: 'public',
    tags: tags('nat'),
    dependsOn: [internetGateway],
  });
  const privateRoutes = new RouteTable(scope, 'PrivateRouteTable', { vpcId, tags: tags('private') });
  ready.push(
    new Route(scope, 'PrivateDefaultRoute', {
      routeTableId: privateRoutes.id,
      destinationCidrBlock: '0.0.0.0/0',
      natGatewayId: natGateway.id,
    }),
    new RouteTableAssociation(scope, 'SubnetRoutes', { subnetId: subnet.id, routeTableId: privateRoutes.id }),
  );

  // Session Manager and Secrets Manager stay inside the VPC. Their private DNS names answer for
  // the whole VPC, so on a shared network public workspaces reach them here too.
  const endpointGroup = new SecurityGroup(scope, 'EndpointSecurityGroup', {
    name: `${name}-endpoints`,
    description: `HTTPS from ML workspace ${use === 'shared' ? 'network ' : ''}${name} to its VPC endpoints`,
    vpcId,
    revokeRulesOnDelete: true,
    tags: tags('endpoints'),
  });
  new VpcSecurityGroupIngressRule(scope, 'EndpointHttpsIngress', {
    securityGroupId: endpointGroup.id,
    description: use === 'shared' ? 'HTTPS from the workspace subnets' : 'HTTPS from the workspace subnet',
    ipProtocol: 'tcp',
    fromPort: 443,
    toPort: 443,
    cidrIpv4: use === 'shared' ? vpc.cidrBlock : subnet.cidrBlock,
    tags: tags('endpoints'),
  });
  const vpcEndpoints: VpcEndpoint[] = [];
  for (const service of ENDPOINT_SERVICES) {
    const endpoint = new VpcEndpoint(scope, `Endpoint-${service}`, {
      vpcId,
      serviceName: `com.amazonaws.${options.region}.${service}`,
      vpcEndpointType: 'Interface',
      privateDnsEnabled: true,
      subnetIds: [subnet.id],
      securityGroupIds: [endpointGroup.id],
      tags: tags(service),
    });
    vpcEndpoints.push(endpoint);
    ready.push(endpoint);
    publicReady.push(endpoint);
  }
  return { vpc, subnet, natSubnet, flowLog, internetGateway, natGateway, vpcEndpoints, ready, publicReady };
}

/**
 * A VPC many workspaces share: a private subnet behind one NAT gateway with the Session Manager
 * and Secrets Manager endpoints, and a public subnet for public workspaces, in one availability
 * zone (home volumes are zonal).
 *
 * @internal
 */
export function buildAwsNetwork(scope: Construct, spec: NetworkSpec, target: AwsTargetOptions): AwsSharedNetwork {
  const { region } = target;
  ensureProvider(scope, 'aws', (stack) => new AwsProvider(stack, 'ml-workspace-aws', { region }));
  const availabilityZone = target.availabilityZone ?? `${region}a`;
  const account = new DataAwsCallerIdentity(scope, 'Account').accountId;
  const parts = awsNetworkParts(scope, {
    name: spec.name,
    // Workspaces' IAM names are `mlw-<name>-...`, which can never read `mlwnet-...`.
    iamName: `mlwnet-${spec.name}-${region}`,
    region,
    account,
    vpcCidr: target.vpcCidr ?? DEFAULT_VPC_CIDR,
    availabilityZone,
    use: 'shared',
    tags: (suffix?: string) => ({ ...spec.labels, Name: suffix ? `${spec.name}-${suffix}` : spec.name }),
  });
  return {
    resources: {
      vpc: parts.vpc,
      privateSubnet: parts.subnet,
      publicSubnet: parts.natSubnet!,
      flowLog: parts.flowLog,
      internetGateway: parts.internetGateway,
      natGateway: parts.natGateway!,
      vpcEndpoints: parts.vpcEndpoints,
      availabilityZone,
    },
    privateReady: parts.ready,
    publicReady: parts.publicReady,
  };
}

/** A shared network as its workspaces use it. @internal */
export interface AwsSharedNetwork {
  readonly resources: AwsNetworkResources;
  /** What a private workspace waits for: its routes and the endpoints. */
  readonly privateReady: ITerraformDependable[];
  /** What a public workspace waits for. */
  readonly publicReady: ITerraformDependable[];
}
