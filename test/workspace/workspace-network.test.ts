import { App, TerraformStack, Testing } from 'cdktf';
import { CloudTarget, GpuWorkspace, GpuWorkspaceProps, WorkspaceAccess, WorkspaceFleet, WorkspaceNetwork, WorkspaceNetworkProps, WorkspaceTls } from 'cdktf-ml-workspace';
import { DEPLOYER_RANGES, errorOf, GCP } from '../util';
import { GcpResources, GcpTarget } from 'cdktf-ml-workspace-gcp';
import { AwsResources, AwsTarget } from 'cdktf-ml-workspace-aws';
import { AzureTarget } from 'cdktf-ml-workspace-azure';

const IMAGE = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/images/providers/Microsoft.Compute/images/ml-workspace-nixos';
const AZURE = { location: 'westeurope', imageId: IMAGE, keyVaultAllowedCidrs: DEPLOYER_RANGES };
const TARGETS = {
  gcp: () => GcpTarget.of(GCP),
  aws: () => AwsTarget.of({ region: 'eu-west-1' }),
  azure: () => AzureTarget.of(AZURE),
};
const PUBLIC = WorkspaceAccess.public({ allowedCidrs: ['203.0.113.0/24'] });

interface Built {
  readonly json: any;
  readonly stack: TerraformStack;
  readonly network: WorkspaceNetwork;
  readonly workspaces: GpuWorkspace[];
  of(type: string): Record<string, any>;
  /** The resource of a type whose Terraform name starts with the construct path's prefix. */
  named(type: string, prefix: string): any;
}

/** A network `team` and one workspace per entry, all on the network. */
function build(
  target: CloudTarget,
  members: Array<Partial<GpuWorkspaceProps> & { id: string }>,
  networkProps: Partial<WorkspaceNetworkProps> = {},
): Built {
  const app: App = Testing.app();
  const stack = new TerraformStack(app, 'test');
  const network = new WorkspaceNetwork(stack, 'team', { target, ...networkProps });
  const workspaces = members.map(({ id, ...props }) => new GpuWorkspace(stack, id, { target, network, owner: `${id}@example.com`, ...props }));
  const json = JSON.parse(Testing.synth(stack, true));
  const of = (type: string) => json.resource?.[type] ?? {};
  return {
    json,
    stack,
    network,
    workspaces,
    of,
    named(type: string, prefix: string) {
      const found = Object.entries(of(type)).filter(([name]) => name.startsWith(`${prefix}_`));
      if (found.length !== 1) throw new Error(`expected one ${type} named ${prefix}_*, found ${found.map(([n]) => n).join(', ') || 'none'}`);
      return found[0][1];
    },
  };
}

/** The Terraform reference of a resource attribute, as the JSON writes it. */
function ref(json: any, type: string, prefix: string, attribute: string): string {
  const names = Object.keys(json.resource[type]).filter((n) => n.startsWith(`${prefix}_`));
  if (names.length !== 1) throw new Error(`expected one ${type} named ${prefix}_*, found ${names.join(', ')}`);
  return `\${${type}.${names[0]}.${attribute}}`;
}

describe('GCP: one network for many workspaces', () => {
  const built = build(TARGETS.gcp(), [{ id: 'alice' }, { id: 'bob' }, { id: 'carol', access: PUBLIC }]);

  test('one network, subnetwork and NAT, and no workspace makes its own', () => {
    expect(Object.keys(built.of('google_compute_network'))).toEqual([expect.stringMatching(/^team_Network_/)]);
    expect(Object.keys(built.of('google_compute_subnetwork'))).toEqual([expect.stringMatching(/^team_Subnetwork_/)]);
    expect(Object.keys(built.of('google_compute_router_nat'))).toEqual([expect.stringMatching(/^team_Nat_/)]);
    const subnet = built.named('google_compute_subnetwork', 'team_Subnetwork');
    expect(subnet).toMatchObject({ name: 'team-subnet', ip_cidr_range: '10.42.0.0/24', private_ip_google_access: true, region: 'europe-west4' });
    expect(subnet.log_config).toEqual({ aggregation_interval: 'INTERVAL_10_MIN', flow_sampling: 0.5, metadata: 'INCLUDE_ALL_METADATA' });
  });

  test('one IAP rule admits SSH and the IDE to every workspace by the network tag; private workspaces add none', () => {
    const rules = built.of('google_compute_firewall');
    const iap = Object.entries(rules).filter(([, r]: [string, any]) => r.source_ranges.includes('35.235.240.0/20'));
    expect(iap.map(([n]) => n)).toEqual([expect.stringMatching(/^team_IapFirewall_/)]);
    expect(iap[0][1]).toMatchObject({
      name: 'team-iap',
      target_tags: ['mlwnet-team'],
      allow: [{ protocol: 'tcp', ports: ['22', '443'] }],
      network: ref(built.json, 'google_compute_network', 'team_Network', 'id'),
    });
    // The public workspace keeps its own HTTPS and ACME rules, on the shared network.
    const own = Object.entries(rules).filter(([n]) => !n.startsWith('team_')).map(([, r]: [string, any]) => r.name).sort();
    expect(own).toEqual(['carol-acme', 'carol-https']);
  });

  test('every VM carries the network tag and sits on the shared subnetwork', () => {
    for (const name of ['alice', 'bob', 'carol']) {
      const vm = built.named('google_compute_instance', name);
      expect(vm.tags).toEqual([`mlw-${name}`, 'mlwnet-team']);
      expect(vm.network_interface[0].network).toBe(ref(built.json, 'google_compute_network', 'team_Network', 'id'));
      expect(vm.network_interface[0].subnetwork).toBe(ref(built.json, 'google_compute_subnetwork', 'team_Subnetwork', 'id'));
    }
  });

  test('the resources expose what they made', () => {
    expect(GcpResources.ofNetwork(built.network).networkTag).toBe('mlwnet-team');
    expect(() => AwsResources.ofNetwork(built.network)).toThrow(/AwsResources.ofNetwork: WorkspaceNetwork 'test\/team' is on GCP, not AWS/);
    expect(GcpResources.ofWorkspace(built.workspaces[0]).network).toBeUndefined();
    expect(GcpResources.ofWorkspace(built.workspaces[0]).nat).toBeUndefined();
  });
});

describe('AWS: one VPC, one NAT gateway and one set of endpoints', () => {
  const tls = WorkspaceTls.selfSigned();
  const built = build(TARGETS.aws(), [{ id: 'alice' }, { id: 'bob' }, { id: 'carol', access: PUBLIC, tls }]);

  test('a shared network pays once for NAT and the four endpoints', () => {
    expect(Object.keys(built.of('aws_vpc'))).toEqual([expect.stringMatching(/^team_Vpc_/)]);
    expect(Object.keys(built.of('aws_nat_gateway'))).toHaveLength(1);
    expect(Object.values(built.of('aws_vpc_endpoint')).map((e: any) => e.service_name).sort()).toEqual([
      'com.amazonaws.eu-west-1.ec2messages',
      'com.amazonaws.eu-west-1.secretsmanager',
      'com.amazonaws.eu-west-1.ssm',
      'com.amazonaws.eu-west-1.ssmmessages',
    ]);
    expect(Object.keys(built.of('aws_flow_log'))).toHaveLength(1);
  });

  test('private workspaces go in the private subnet, public ones in the public subnet', () => {
    const privateSubnet = ref(built.json, 'aws_subnet', 'team_Subnet', 'id');
    const publicSubnet = ref(built.json, 'aws_subnet', 'team_NatSubnet', 'id');
    expect(built.named('aws_instance', 'alice').subnet_id).toBe(privateSubnet);
    expect(built.named('aws_instance', 'bob').subnet_id).toBe(privateSubnet);
    expect(built.named('aws_instance', 'carol').subnet_id).toBe(publicSubnet);
    expect(built.named('aws_subnet', 'team_NatSubnet').tags.Name).toBe('team-public');
  });

  test('the endpoints admit HTTPS from the whole VPC: their private DNS answers for the public subnet too', () => {
    const ingress = built.named('aws_vpc_security_group_ingress_rule', 'team_EndpointHttpsIngress');
    expect(ingress).toMatchObject({ from_port: 443, to_port: 443, ip_protocol: 'tcp', cidr_ipv4: ref(built.json, 'aws_vpc', 'team_Vpc', 'cidr_block') });
  });

  test('instances wait for their routes and the endpoints; home volumes are in the network\'s zone', () => {
    const alice = built.named('aws_instance', 'alice');
    expect(alice.depends_on).toEqual(expect.arrayContaining([
      expect.stringMatching(/^aws_route\.team_PrivateDefaultRoute_/),
      expect.stringMatching(/^aws_route_table_association\.team_SubnetRoutes_/),
      expect.stringMatching(/^aws_vpc_endpoint\.team_Endpoint-ssm_/),
    ]));
    const carol = built.named('aws_instance', 'carol');
    expect(carol.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_route_table_association\.team_NatSubnetRoutes_/)]));
    for (const name of ['alice', 'bob', 'carol']) expect(built.named('aws_ebs_volume', `${name}_HomeVolume`).availability_zone).toBe('eu-west-1a');
  });

  test('the network\'s zone is the target\'s', () => {
    const zoned = build(AwsTarget.of({ region: 'eu-west-1', availabilityZone: 'eu-west-1b' }), [{ id: 'alice' }]);
    expect(zoned.named('aws_subnet', 'team_Subnet').availability_zone).toBe('eu-west-1b');
    expect(zoned.named('aws_ebs_volume', 'alice_HomeVolume').availability_zone).toBe('eu-west-1b');
  });

  test('five private workspaces on their own networks pay for five NAT gateways and twenty endpoints; shared, for one and four', () => {
    const stack = new TerraformStack(Testing.app(), 'alone');
    for (const id of ['a1', 'a2', 'a3', 'a4', 'a5']) new GpuWorkspace(stack, id, { target: TARGETS.aws(), owner: `${id}@example.com` });
    const alone = JSON.parse(Testing.synth(stack, true)).resource;
    expect(Object.keys(alone.aws_nat_gateway)).toHaveLength(5);
    expect(Object.keys(alone.aws_vpc_endpoint)).toHaveLength(20);
    const shared = build(TARGETS.aws(), ['a1', 'a2', 'a3', 'a4', 'a5'].map((id) => ({ id })));
    expect(Object.keys(shared.of('aws_nat_gateway'))).toHaveLength(1);
    expect(Object.keys(shared.of('aws_vpc_endpoint'))).toHaveLength(4);
  });
});

describe('Azure: one Bastion for every private workspace', () => {
  const built = build(TARGETS.azure(), [{ id: 'alice' }, { id: 'bob' }]);

  test('one virtual network, NAT gateway and Bastion', () => {
    expect(Object.keys(built.of('azurerm_bastion_host'))).toEqual([expect.stringMatching(/^team_Bastion_/)]);
    expect(Object.keys(built.of('azurerm_nat_gateway'))).toHaveLength(1);
    expect(Object.keys(built.of('azurerm_virtual_network'))).toHaveLength(1);
    expect(built.named('azurerm_bastion_host', 'team_Bastion')).toMatchObject({ name: 'team-bastion', sku: 'Standard', tunneling_enabled: true, shareable_link_enabled: false });
  });

  test('the subnet NSG admits only Bastion and limits egress; workspaces attach their NSG to their NIC only', () => {
    const nsgName = ref(built.json, 'azurerm_network_security_group', 'team_SecurityGroup', 'name');
    const rules = Object.values(built.of('azurerm_network_security_rule')).filter((r: any) => r.network_security_group_name === nsgName);
    expect(rules.map((r: any) => [r.name, r.direction, r.access, r.priority]).sort()).toEqual([
      ['allow-bastion', 'Inbound', 'Allow', 300],
      ['allow-https-outbound', 'Outbound', 'Allow', 100],
      ['allow-ntp-outbound', 'Outbound', 'Allow', 110],
      ['deny-all-inbound', 'Inbound', 'Deny', 4096],
      ['deny-internet-outbound', 'Outbound', 'Deny', 4096],
    ]);
    expect(Object.keys(built.of('azurerm_subnet_network_security_group_association'))).toEqual([expect.stringMatching(/^team_SubnetSecurityGroup_/)]);
    // Each workspace admits SSH and the IDE from the shared Bastion's subnet.
    for (const name of ['alice', 'bob']) {
      const own = ref(built.json, 'azurerm_network_security_group', `${name}_SecurityGroup`, 'name');
      const bastion = Object.values(built.of('azurerm_network_security_rule')).find((r: any) => r.network_security_group_name === own && r.name === 'allow-bastion') as any;
      expect(bastion).toMatchObject({ source_address_prefix: '10.42.1.0/26', destination_port_ranges: ['22', '443'] });
      expect(built.named('azurerm_network_interface', `${name}_NetworkInterface`).ip_configuration[0].subnet_id).toBe(ref(built.json, 'azurerm_subnet', 'team_Subnet', 'id'));
    }
  });

  test('the VM waits for the shared NAT and subnet NSG, and its Key Vault admits the shared subnet', () => {
    const vm = built.named('azurerm_linux_virtual_machine', 'alice');
    expect(vm.depends_on).toEqual(expect.arrayContaining([
      expect.stringMatching(/^azurerm_subnet_nat_gateway_association\.team_SubnetNatGateway_/),
      expect.stringMatching(/^azurerm_subnet_network_security_group_association\.team_SubnetSecurityGroup_/),
    ]));
    expect(built.named('azurerm_key_vault', 'alice_KeyVault').network_acls.virtual_network_subnet_ids).toEqual([ref(built.json, 'azurerm_subnet', 'team_Subnet', 'id')]);
  });

  test('sign-in tunnels through the shared Bastion, and a grant reads it', () => {
    expect(built.workspaces[0].signInCommand).toMatch(/^az network bastion tunnel --name team-bastion --resource-group team-rg --target-resource-id /);
    const stack = new TerraformStack(Testing.app(), 'grant');
    const target = TARGETS.azure();
    const network = new WorkspaceNetwork(stack, 'team', { target });
    const alice = new GpuWorkspace(stack, 'alice', { target, network, owner: 'alice@example.com' });
    alice.grantAccess('11111111-2222-3333-4444-555555555555');
    const assignments = JSON.parse(Testing.synth(stack, true)).resource.azurerm_role_assignment;
    const bastionReader = Object.entries(assignments).find(([n]) => n.includes('BastionReader'))![1] as any;
    expect(bastionReader).toMatchObject({ role_definition_name: 'Reader', principal_id: '11111111-2222-3333-4444-555555555555' });
    expect(bastionReader.scope).toMatch(/^\$\{azurerm_bastion_host\.team_Bastion_[0-9A-F]+\.id\}$/);
  });

  test('a public workspace keeps its own network: the shared one admits only Bastion', () => {
    expect(errorOf(() => build(TARGETS.azure(), [{ id: 'carol', access: PUBLIC }]))).toBe(
      "GpuWorkspace 'carol': network 'test/team' cannot take a public workspace on Azure: its subnet's NSG admits only Azure Bastion, and a public workspace is reached on its own IP and needs neither the network's NAT nor its Bastion; leave out network for it",
    );
  });
});

describe('joining a network made elsewhere is refused with the fix', () => {
  test.each([
    ['GCP region', () => build(TARGETS.gcp(), []), GcpTarget.of({ ...GCP, region: 'us-central1', zone: 'us-central1-a' }), "GpuWorkspace 'late': target.region 'us-central1' differs from the network's (\"europe-west4\", 'test/team'); a workspace joins a network in its own project and region: use the network's target"],
    ['GCP project', () => build(TARGETS.gcp(), []), GcpTarget.of({ ...GCP, project: 'other-project' }), "GpuWorkspace 'late': target.project 'other-project' differs from the network's (\"ml-prod-123\", 'test/team'); a workspace joins a network in its own project and region: use the network's target"],
    ['GCP own network too', () => build(TARGETS.gcp(), []), GcpTarget.of({ ...GCP, network: 'hub', subnetwork: 'hub-ml' }), "GpuWorkspace 'late': target.network 'hub' cannot be given together with network ('test/team'); remove one of them"],
    ['AWS zone', () => build(TARGETS.aws(), []), AwsTarget.of({ region: 'eu-west-1', availabilityZone: 'eu-west-1c' }), "GpuWorkspace 'late': target.availabilityZone 'eu-west-1c' differs from the network's (\"eu-west-1a\", 'test/team'); a workspace joins a network in its own region and zone (home volumes are zonal): use the network's target"],
    ['AWS region', () => build(TARGETS.aws(), []), AwsTarget.of({ region: 'us-east-1' }), "GpuWorkspace 'late': target.region 'us-east-1' differs from the network's (\"eu-west-1\", 'test/team'); a workspace joins a network in its own region and zone (home volumes are zonal): use the network's target"],
    ['Azure location', () => build(TARGETS.azure(), []), AzureTarget.of({ ...AZURE, location: 'northeurope' }), "GpuWorkspace 'late': target.location 'northeurope' differs from the network's (\"westeurope\", 'test/team'); a workspace joins a network in its own location: use the network's target"],
    ['another cloud', () => build(TARGETS.aws(), []), GcpTarget.of(GCP), "GpuWorkspace 'late': network 'test/team' is a AWS network and the target is GCP; use a network made for the same cloud"],
  ])('%s', (_what, make, target, message) => {
    const { stack, network } = make();
    expect(errorOf(() => new GpuWorkspace(stack, 'late', { target, network, owner: 'late@example.com' }))).toBe(message);
  });

  test('a network prop that is not a WorkspaceNetwork', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    expect(errorOf(() => new GpuWorkspace(stack, 'alice', { target: TARGETS.gcp(), owner: 'alice@example.com', network: { networkName: 'team' } as any }))).toBe(
      "GpuWorkspace 'alice': network {\"networkName\":\"team\"} must be made with new WorkspaceNetwork(this, 'team', { target })",
    );
  });
});

describe('WorkspaceNetwork validates its own props', () => {
  const make = (props: any, id = 'team') => errorOf(() => new WorkspaceNetwork(new TerraformStack(Testing.app(), 'test'), id, props));

  test.each([
    ['no props', undefined, "WorkspaceNetwork 'team': options undefined must be an object: { target, networkName?, costCenter?, labels? }"],
    ['no target', {}, "WorkspaceNetwork 'team': target is required: { target, networkName?, costCenter?, labels? }"],
    ['a plain target', { target: { cloud: 'GCP' } }, "WorkspaceNetwork 'team': target {\"cloud\":\"GCP\"} must be made with GcpTarget.of({ project, region, zone }) from 'cdktf-ml-workspace-gcp', AwsTarget.of({ region }) from 'cdktf-ml-workspace-aws' or AzureTarget.of({ location, imageId, keyVaultAllowedCidrs }) from 'cdktf-ml-workspace-azure'"],
    ['an empty name', { target: TARGETS.gcp(), networkName: '' }, "WorkspaceNetwork 'team': networkName '' is not a valid network name; use 2-24 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen (set networkName when the construct id does not qualify)"],
    ['a long name', { target: TARGETS.gcp(), networkName: 'n'.repeat(25) }, `WorkspaceNetwork 'team': networkName '${'n'.repeat(25)}' is not a valid network name; use 2-24 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen (set networkName when the construct id does not qualify)`],
    ['a newline in the name', { target: TARGETS.gcp(), networkName: 'team\nx' }, "WorkspaceNetwork 'team': networkName 'team\nx' is not a valid network name; use 2-24 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen (set networkName when the construct id does not qualify)"],
    ['a reserved label', { target: TARGETS.gcp(), labels: { owner: 'bob' } }, "WorkspaceNetwork 'team': labels 'owner' is set by the library; remove it (use costCenter for 'cost-center', owner for 'owner')"],
    ['a quote in a label value', { target: TARGETS.gcp(), labels: { team: 'a"b' } }, "WorkspaceNetwork 'team': labels.team 'a\"b' is not a valid label value; use at most 63 lowercase letters, digits, '_' or '-'"],
    ['a bad cost center', { target: TARGETS.gcp(), costCenter: 'ML Research' }, "WorkspaceNetwork 'team': costCenter 'ML Research' is not a valid label value; use 1-63 lowercase letters, digits, '_' or '-', e.g. 'ml-research'"],
    ['a GCP range with host bits', { target: GcpTarget.of({ ...GCP, subnetCidr: '10.42.0.1/24' }) }, "WorkspaceNetwork 'team': target.subnetCidr '10.42.0.1/24' has host bits set; use '10.42.0.0/24'"],
    ['an AWS range too small', { target: AwsTarget.of({ region: 'eu-west-1', vpcCidr: '10.42.0.0/24' }) }, "WorkspaceNetwork 'team': target.vpcCidr '10.42.0.0/24' must be an IPv4 range from /16 to /22 (the workspace and NAT subnets are its first two /24s); e.g. '10.42.0.0/16'"],
    ['an Azure range without room for Bastion', { target: AzureTarget.of({ ...AZURE, vnetCidr: '10.42.0.0/24' }) }, "WorkspaceNetwork 'team': target.vnetCidr '10.42.0.0/24' is too small for the workspace subnet (a /24) and AzureBastionSubnet (a /26 in the next /24); use a /23 or larger"],
  ])('%s', (_what, props, message) => {
    expect(make(props)).toBe(message);
  });

  test.each([
    ['GCP', () => GcpTarget.of({ ...GCP, network: 'hub', subnetwork: 'hub-ml' }), 'target.network', "'hub'"],
    ['AWS', () => AwsTarget.of({ region: 'eu-west-1', vpcId: 'vpc-0123456789abcdef0', subnetId: 'subnet-0123456789abcdef0' }), 'target.vpcId', "'vpc-0123456789abcdef0'"],
    ['Azure', () => AzureTarget.of({ ...AZURE, subnetId: '/subscriptions/0/resourceGroups/n/providers/Microsoft.Network/virtualNetworks/hub/subnets/ml' }), 'target.subnetId', "'/subscriptions/0/resourceGroups/n/providers/Microsoft.Network/virtualNetworks/hub/subnets/ml'"],
  ])('%s: a target naming an existing network is refused (give it to the workspaces directly)', (_cloud, target, prop, value) => {
    expect(make({ target: target() })).toBe(
      `WorkspaceNetwork 'team': ${prop} ${value} names an existing network, and a WorkspaceNetwork creates one; give that target to the workspaces (or the fleet) directly and leave out the WorkspaceNetwork`,
    );
  });

  test('labels: the library\'s own, with owner "shared", on every billable network resource', () => {
    const built = build(TARGETS.aws(), [], { costCenter: 'ml-research', labels: { team: 'vision' } });
    expect(built.named('aws_nat_gateway', 'team_NatGateway').tags).toEqual({
      'Name': 'team-nat',
      'cost-center': 'ml-research',
      'cost-scope': 'shared',
      'ml-workspace': 'true',
      'owner': 'shared',
      'team': 'vision',
      'workspace': 'team',
    });
  });
});

describe('a network and a workspace of one name would name their resources alike', () => {
  test('in one stack: refused, whichever comes first', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    new WorkspaceNetwork(stack, 'team', { target: TARGETS.azure(), networkName: 'vision' });
    expect(errorOf(() => new GpuWorkspace(stack, 'vision', { target: TARGETS.azure(), owner: 'vision@example.com' }))).toBe(
      "GpuWorkspace 'vision': workspaceName 'vision' is already used by 'test/team' in this stack; give each workspace its own workspaceName",
    );
    const other = new TerraformStack(Testing.app(), 'test');
    new GpuWorkspace(other, 'team', { target: TARGETS.gcp(), owner: 'team@example.com' });
    expect(errorOf(() => new WorkspaceNetwork(other, 'net', { target: TARGETS.gcp(), networkName: 'team' }))).toBe(
      "WorkspaceNetwork 'net': networkName 'team' is already used by 'test/team' in this stack; give each network its own networkName",
    );
  });

  test('a fleet whose member has the fleet\'s name', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    expect(errorOf(() => new WorkspaceFleet(stack, 'vision', { target: TARGETS.gcp(), members: [{ name: 'vision', owner: 'v@example.com' }] }))).toBe(
      "WorkspaceFleet 'vision' member 'vision': workspaceName 'vision' is already used by 'test/vision/Network' in this stack; give each workspace its own workspaceName",
    );
  });

  test('in two stacks of one GCP project: refused; on AWS, a warning', () => {
    const app = Testing.app();
    new WorkspaceNetwork(new TerraformStack(app, 'one'), 'team', { target: TARGETS.gcp() });
    expect(errorOf(() => new WorkspaceNetwork(new TerraformStack(app, 'two'), 'team', { target: TARGETS.gcp() }))).toBe(
      "WorkspaceNetwork 'team': networkName 'team' is also used by 'one/team' in stack 'one' on GCP project 'ml-prod-123'; the names of their service accounts, roles and secrets collide at apply; give one of them another networkName",
    );
    const aws = Testing.app();
    new WorkspaceNetwork(new TerraformStack(aws, 'one'), 'team', { target: TARGETS.aws() });
    const second = new WorkspaceNetwork(new TerraformStack(aws, 'two'), 'team', { target: TARGETS.aws() });
    expect(second.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => m.data)).toEqual([
      "WorkspaceNetwork 'team': networkName 'team' is also used by 'one/team' in stack 'one' on AWS; the names of their service accounts, roles and secrets collide if both stacks deploy to the same account; give one of them another networkName",
    ]);
  });
});

describe('what a shared network does not open', () => {
  test('GCP: only the network\'s IAP rule targets the network tag, whatever the workspaces are named', () => {
    // `net-team` would have made the tag `mlw-net-team`: the network's is `mlwnet-team`.
    const built = build(TARGETS.gcp(), [{ id: 'alice' }, { id: 'net-team', access: PUBLIC }]);
    const rules = Object.values<any>(built.of('google_compute_firewall'));
    expect(rules.filter((r) => r.target_tags.includes('mlwnet-team')).map((r) => r.name)).toEqual(['team-iap']);
    expect(rules.filter((r) => r.name.startsWith('net-team-')).map((r) => [r.name, r.target_tags]).sort()).toEqual([
      ['net-team-acme', ['mlw-net-team']],
      ['net-team-https', ['mlw-net-team']],
    ]);
    expect(built.named('google_compute_instance', 'alice').tags).toEqual(['mlw-alice', 'mlwnet-team']);
  });

  test('AWS: the network\'s IAM names cannot be a workspace\'s', () => {
    const built = build(TARGETS.aws(), [], {});
    expect(built.named('aws_iam_role', 'team_FlowLogRole').name).toBe('mlwnet-team-eu-west-1-flow-logs');
  });

  test('Azure: the subnet NSG admits SSH and the IDE from the Bastion subnet only', () => {
    const built = build(TARGETS.azure(), [{ id: 'alice' }]);
    const nsgName = ref(built.json, 'azurerm_network_security_group', 'team_SecurityGroup', 'name');
    const inbound = Object.values<any>(built.of('azurerm_network_security_rule')).filter((r) => r.network_security_group_name === nsgName && r.direction === 'Inbound');
    expect(inbound.map((r) => [r.name, r.access, r.source_address_prefix, r.destination_port_ranges ?? r.destination_port_range, r.protocol])).toEqual([
      ['allow-bastion', 'Allow', '10.42.1.0/26', ['22', '443'], 'Tcp'],
      ['deny-all-inbound', 'Deny', '*', '*', '*'],
    ]);
  });

  test('Azure: a person granted two workspaces on one network reads its Bastion through one assignment', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const target = TARGETS.azure();
    const network = new WorkspaceNetwork(stack, 'team', { target });
    for (const id of ['alice', 'bob']) new GpuWorkspace(stack, id, { target, network, owner: `${id}@example.com` }).grantAccess('11111111-2222-3333-4444-555555555555');
    const assignments = Object.entries<any>(JSON.parse(Testing.synth(stack, true)).resource.azurerm_role_assignment);
    const bastion = assignments.filter(([, a]) => /azurerm_bastion_host/.test(a.scope));
    expect(bastion.map(([n]) => n)).toEqual([expect.stringMatching(/^team_Access-11111111-2222-3333-4444-555555555555-BastionReader_/)]);
  });

  test('a network in another stack is refused: Terraform takes no remote-state output in depends_on', () => {
    const app = Testing.app();
    const network = new WorkspaceNetwork(new TerraformStack(app, 'network'), 'team', { target: TARGETS.aws() });
    expect(errorOf(() => new GpuWorkspace(new TerraformStack(app, 'people'), 'alice', { target: TARGETS.aws(), network, owner: 'alice@example.com' }))).toBe(
      "GpuWorkspace 'alice': network 'network/team' is in stack 'network' and the workspace in 'people'; make the network in the workspace's stack (one network per stack and region)",
    );
  });
});
