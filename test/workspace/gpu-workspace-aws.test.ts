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
import { synthStack } from '../util';
import { AWS, awsMachineDoc, awsWorkspace, policyDoc } from './aws-util';
import { AwsResources, AwsTarget } from 'cdktf-ml-workspace-aws';
import { GcpResources } from 'cdktf-ml-workspace-gcp';

const LABELS = { 'cost-center': 'unassigned', 'cost-scope': 'workspace', 'ml-workspace': 'true', 'owner': 'alice_example_com', 'workspace': 'alice' };
const tagged = (name: string) => ({ ...LABELS, Name: name });
const PUBLIC = WorkspaceAccess.public({ allowedCidrs: ['203.0.113.0/24', '198.51.100.0/24'] });
const ZONE = WorkspaceDns.zone({ zoneName: 'Z0123456789ABCDEFGHIJ', recordName: 'alice.ml.example.com' });
const KMS = 'arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-0000-1111-2222-333344445555';

const INSTANCE = 'aws_instance.alice_D7A8A555';
const HOME = 'aws_ebs_volume.alice_HomeVolume_17947990';
const PARTITION = '${data.aws_partition.alice_Partition_12644E22.partition}';
const TOKEN_SECRET = 'aws_secretsmanager_secret.alice_ConnectionTokenSecret_FB03C3B9';
const CERT_SECRET = 'aws_secretsmanager_secret.alice_TlsCertSecret_CC60F017';
const KEY_SECRET = 'aws_secretsmanager_secret.alice_TlsKeySecret_265B570C';

describe('GpuWorkspace on AWS with defaults (private, no GPU)', () => {
  // GIVEN only a region and an owner
  const s = awsWorkspace();
  const instance = s.one('aws_instance');

  test('the instance: SMALL CPU type, IMDSv2 only, encrypted root, termination protection, stop on shutdown', () => {
    expect(instance).toEqual({
      ami: '${data.aws_ami.alice_Image_A542EEF2.id}',
      instance_type: 'm6i.xlarge',
      subnet_id: '${aws_subnet.alice_Subnet_C340D5B7.id}',
      vpc_security_group_ids: ['${aws_security_group.alice_SecurityGroup_7E8BCC46.id}'],
      iam_instance_profile: '${aws_iam_instance_profile.alice_InstanceProfile_FC6AB6B5.name}',
      associate_public_ip_address: false,
      monitoring: true,
      ebs_optimized: true,
      disable_api_termination: true,
      instance_initiated_shutdown_behavior: 'stop',
      metadata_options: {
        http_endpoint: 'enabled',
        http_tokens: 'required',
        http_put_response_hop_limit: 1,
        instance_metadata_tags: 'disabled',
      },
      root_block_device: {
        volume_type: 'gp3',
        volume_size: 100,
        encrypted: true,
        delete_on_termination: true,
        tags: tagged('alice-root'),
      },
      user_data: expect.stringMatching(/^\$\{jsonencode\(/),
      user_data_replace_on_change: false,
      tags: { ...tagged('alice'), 'ml-workspace-nixpkgs': NixpkgsPin.DEFAULT.rev },
      lifecycle: { ignore_changes: ['ami'] },
      depends_on: [
        'aws_route.alice_PublicDefaultRoute_BD662C98',
        'aws_route.alice_PrivateDefaultRoute_E0B2B388',
        'aws_route_table_association.alice_SubnetRoutes_6F9EE761',
        'aws_vpc_endpoint.alice_Endpoint-ssm_BBADE9D0',
        'aws_vpc_endpoint.alice_Endpoint-ssmmessages_2EDE45CA',
        'aws_vpc_endpoint.alice_Endpoint-ec2messages_34E45872',
        'aws_vpc_endpoint.alice_Endpoint-secretsmanager_8CE73AF6',
        'aws_secretsmanager_secret_version.alice_ConnectionTokenSecretVersion_0ED1FD8A',
        'aws_secretsmanager_secret_version.alice_TlsCertSecretVersion_5254928E',
        'aws_secretsmanager_secret_version.alice_TlsKeySecretVersion_5BCD3521',
        'aws_iam_role_policy.alice_ReadSecrets_F3843D5B',
      ],
    });
    expect(s.one('aws_ec2_instance_state')).toEqual({ instance_id: `\${${INSTANCE}.id}`, state: 'running' });
  });

  test('the image is the newest ml-workspace-nixos AMI of the account, x86_64 HVM', () => {
    expect(s.json.data.aws_ami).toEqual({
      alice_Image_A542EEF2: {
        owners: ['self'],
        most_recent: true,
        filter: [
          { name: 'name', values: ['ml-workspace-nixos-*'] },
          { name: 'architecture', values: ['x86_64'] },
          { name: 'virtualization-type', values: ['hvm'] },
          { name: 'state', values: ['available'] },
        ],
      },
    });
  });

  test('a VPC with flow logs, a closed default security group, a private subnet behind NAT', () => {
    expect(s.one('aws_vpc')).toEqual({ cidr_block: '10.42.0.0/16', enable_dns_support: true, enable_dns_hostnames: true, tags: tagged('alice-vpc') });
    expect(s.one('aws_default_security_group')).toEqual({ vpc_id: '${aws_vpc.alice_Vpc_377A238C.id}', tags: tagged('alice-default') });
    const subnets = Object.values(s.of('aws_subnet')).map((x: any) => [x.cidr_block, x.availability_zone, x.map_public_ip_on_launch, x.tags.Name]);
    expect(subnets).toEqual([
      ['10.42.1.0/24', 'eu-west-1a', false, 'alice-nat'],
      ['10.42.0.0/24', 'eu-west-1a', false, 'alice-subnet'],
    ]);
    expect(s.one('aws_nat_gateway')).toMatchObject({
      allocation_id: '${aws_eip.alice_NatIp_63BF8C0A.allocation_id}',
      subnet_id: '${aws_subnet.alice_NatSubnet_700878AE.id}',
      connectivity_type: 'public',
    });
    const routes = Object.values(s.of('aws_route')).map((r: any) => [r.destination_cidr_block, r.gateway_id ?? r.nat_gateway_id]);
    expect(routes).toEqual([
      ['0.0.0.0/0', '${aws_nat_gateway.alice_NatGateway_BA1B9D87.id}'],
      ['0.0.0.0/0', '${aws_internet_gateway.alice_InternetGateway_4E43E7CC.id}'],
    ]);
    const associations = Object.values(s.of('aws_route_table_association')).map((a: any) => [a.subnet_id, a.route_table_id]);
    expect(associations).toEqual([
      ['${aws_subnet.alice_NatSubnet_700878AE.id}', '${aws_route_table.alice_PublicRouteTable_F92EAB15.id}'],
      ['${aws_subnet.alice_Subnet_C340D5B7.id}', '${aws_route_table.alice_PrivateRouteTable_D9EF04C7.id}'],
    ]);
    expect(s.one('aws_flow_log')).toEqual({
      vpc_id: '${aws_vpc.alice_Vpc_377A238C.id}',
      traffic_type: 'ALL',
      log_destination_type: 'cloud-watch-logs',
      log_destination: '${aws_cloudwatch_log_group.alice_FlowLogGroup_15086A3D.arn}',
      iam_role_arn: '${aws_iam_role.alice_FlowLogRole_E9FCEBC8.arn}',
      max_aggregation_interval: 600,
      tags: tagged('alice-flow-log'),
    });
    expect(s.one('aws_cloudwatch_log_group')).toEqual({ name: '/ml-workspace/alice/vpc-flow-logs', retention_in_days: 365, tags: tagged('alice-flow-logs') });
  });

  test('Session Manager and Secrets Manager endpoints inside the VPC, HTTPS from the subnet only', () => {
    const endpoints = Object.values(s.of('aws_vpc_endpoint'));
    expect(endpoints.map((e: any) => e.service_name).sort()).toEqual([
      'com.amazonaws.eu-west-1.ec2messages',
      'com.amazonaws.eu-west-1.secretsmanager',
      'com.amazonaws.eu-west-1.ssm',
      'com.amazonaws.eu-west-1.ssmmessages',
    ]);
    for (const e of endpoints as any[]) {
      expect(e).toMatchObject({
        vpc_endpoint_type: 'Interface',
        private_dns_enabled: true,
        subnet_ids: ['${aws_subnet.alice_Subnet_C340D5B7.id}'],
        security_group_ids: ['${aws_security_group.alice_EndpointSecurityGroup_E0291313.id}'],
      });
    }
    const ingress = Object.values(s.of('aws_vpc_security_group_ingress_rule'));
    expect(ingress).toEqual([
      {
        security_group_id: '${aws_security_group.alice_EndpointSecurityGroup_E0291313.id}',
        description: 'HTTPS from the workspace subnet',
        ip_protocol: 'tcp',
        from_port: 443,
        to_port: 443,
        cidr_ipv4: '${aws_subnet.alice_Subnet_C340D5B7.cidr_block}',
        tags: tagged('alice-endpoints'),
      },
    ]);
  });

  test('the workspace security group admits nothing and lets out only HTTPS', () => {
    expect(Object.values(s.of('aws_vpc_security_group_ingress_rule')).filter((r: any) => r.security_group_id.includes('alice_SecurityGroup_'))).toEqual([]);
    expect(s.one('aws_vpc_security_group_egress_rule')).toMatchObject({
      security_group_id: '${aws_security_group.alice_SecurityGroup_7E8BCC46.id}',
      ip_protocol: 'tcp',
      from_port: 443,
      to_port: 443,
      cidr_ipv4: '0.0.0.0/0',
    });
    expect(s.of('aws_eip_association')).toEqual({});
    expect(Object.values(s.of('aws_eip')).map((e: any) => e.tags.Name)).toEqual(['alice-nat']);
  });

  test('the instance role has Session Manager and reads its own secrets, nothing else', () => {
    const roles = Object.values(s.of('aws_iam_role')).map((r: any) => r.name);
    expect(roles).toEqual(['mlw-alice-eu-west-1-flow-logs', 'mlw-alice-eu-west-1', 'mlw-alice-eu-west-1-dlm']);
    const role = s.of('aws_iam_role').alice_Role_E21662D9;
    expect(policyDoc(s, role.assume_role_policy).statement).toEqual([
      { effect: 'Allow', actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['ec2.amazonaws.com'] }] },
    ]);
    const attachments = Object.values(s.of('aws_iam_role_policy_attachment')).map((a: any) => [a.role, a.policy_arn]);
    expect(attachments).toEqual([
      ['${aws_iam_role.alice_Role_E21662D9.name}', `arn:${PARTITION}:iam::aws:policy/AmazonSSMManagedInstanceCore`],
      ['${aws_iam_role.alice_SnapshotRole_2D44960A.name}', `arn:${PARTITION}:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole`],
    ]);
    const read = s.of('aws_iam_role_policy').alice_ReadSecrets_F3843D5B;
    expect(read.role).toBe('${aws_iam_role.alice_Role_E21662D9.id}');
    expect(policyDoc(s, read.policy).statement).toEqual([
      {
        sid: 'ReadOwnSecrets',
        effect: 'Allow',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [`\${${TOKEN_SECRET}.arn}`, `\${${CERT_SECRET}.arn}`, `\${${KEY_SECRET}.arn}`],
      },
    ]);
    expect(s.one('aws_iam_instance_profile')).toEqual({
      name: 'mlw-alice-eu-west-1',
      role: '${aws_iam_role.alice_Role_E21662D9.name}',
      tags: tagged('alice-role'),
    });
  });

  test('token and self-signed certificate in Secrets Manager, under name prefixes', () => {
    const secrets = Object.values(s.of('aws_secretsmanager_secret')).map((x: any) => [x.name_prefix, x.recovery_window_in_days, x.kms_key_id]);
    expect(secrets).toEqual([
      ['ml-workspace/alice/connection-token-', 7, undefined],
      ['ml-workspace/alice/tls-cert-', 7, undefined],
      ['ml-workspace/alice/tls-key-', 7, undefined],
    ]);
    const versions = Object.values(s.of('aws_secretsmanager_secret_version')).map((v: any) => [v.secret_id, v.secret_string]);
    expect(versions).toEqual([
      [`\${${TOKEN_SECRET}.id}`, '${random_password.alice_ConnectionToken_6556B128.result}'],
      [`\${${CERT_SECRET}.id}`, '${tls_self_signed_cert.alice_TlsCert_1709FBA5.cert_pem}'],
      [`\${${KEY_SECRET}.id}`, '${tls_private_key.alice_TlsKey_E898865A.private_key_pem}'],
    ]);
    expect(s.one('tls_self_signed_cert').dns_names).toEqual(['localhost']);
  });

  test('an encrypted gp3 home volume kept on destroy, attached as /dev/sdf, snapshotted daily by DLM', () => {
    expect(s.one('aws_ebs_volume')).toEqual({
      availability_zone: 'eu-west-1a',
      size: 200,
      type: 'gp3',
      encrypted: true,
      tags: { ...tagged('alice-home'), 'ml-workspace-home': 'alice' },
      lifecycle: { prevent_destroy: true },
    });
    expect(s.one('aws_volume_attachment')).toEqual({
      device_name: '/dev/sdf',
      volume_id: `\${${HOME}.id}`,
      instance_id: `\${${INSTANCE}.id}`,
      stop_instance_before_detaching: true,
    });
    expect(s.one('aws_dlm_lifecycle_policy')).toEqual({
      description: "Daily snapshots of alice's home volume",
      execution_role_arn: '${aws_iam_role.alice_SnapshotRole_2D44960A.arn}',
      state: 'ENABLED',
      policy_details: {
        resource_types: ['VOLUME'],
        target_tags: { 'ml-workspace-home': 'alice' },
        schedule: [
          {
            name: 'daily',
            create_rule: { interval: 24, interval_unit: 'HOURS', times: ['03:00'] },
            retain_rule: { count: 14 },
            copy_tags: true,
            tags_to_add: { 'snapshot-of': 'alice-home' },
          },
        ],
      },
      tags: tagged('alice-snapshots'),
    });
    // Service roles trust their service only on behalf of this account (confused-deputy guard).
    const account = { test: 'StringEquals', variable: 'aws:SourceAccount', values: ['${data.aws_caller_identity.alice_Account_2E7A9FCA.account_id}'] };
    const dlmRole = s.of('aws_iam_role').alice_SnapshotRole_2D44960A;
    expect(policyDoc(s, dlmRole.assume_role_policy).statement).toEqual([
      { effect: 'Allow', actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['dlm.amazonaws.com'] }], condition: [account] },
    ]);
    const flowLogRole = s.of('aws_iam_role').alice_FlowLogRole_E9FCEBC8;
    expect(policyDoc(s, flowLogRole.assume_role_policy).statement).toEqual([
      { effect: 'Allow', actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['vpc-flow-logs.amazonaws.com'] }], condition: [account] },
    ]);
  });

  test('the user data is the machine document: home by volume id, secrets by ARN, idle stop on AWS', () => {
    expect(awsMachineDoc(instance)).toEqual({
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
            domain: 'localhost',
            gpu: { enable: false },
            home: { device: `/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_\${replace(${HOME}.id, "-", "")}` },
            ide: { connectionTokenFile: '/run/ml-workspace/secrets/connection-token' },
            tls: {
              acme: { enable: false },
              certificateFile: '/run/ml-workspace/secrets/tls-cert',
              keyFile: '/run/ml-workspace/secrets/tls-key',
            },
            // The tunnel's own local port (stable per workspace name), where people open the IDE.
            url: 'https://localhost:27479/',
          },
          idleStop: { enable: true, cloud: 'aws', idleMinutes: 60, gpuUtilizationPercent: 5, cpuLoadPerCore: 0.3, activity: { workspace: 'alice', owner: 'alice_example_com' } },
          secrets: {
            enable: true,
            provider: 'aws',
            secrets: {
              'connection-token': { source: `\${${TOKEN_SECRET}.arn}`, owner: 'workspace', group: 'workspace' },
              'tls-cert': { source: `\${${CERT_SECRET}.arn}`, owner: 'nginx', group: 'nginx' },
              'tls-key': { source: `\${${KEY_SECRET}.arn}`, owner: 'nginx', group: 'nginx' },
            },
          },
        },
      },
    });
  });

  test('outputs: localhost URL through a Session Manager port forward', () => {
    expect(s.json.output).toEqual({
      alice_url: { value: 'https://localhost:27479/', description: 'IDE URL of workspace alice' },
      alice_ip_address: { value: `\${${INSTANCE}.private_ip}`, description: 'Workspace IP address' },
      alice_instance_name: { value: `\${${INSTANCE}.id}`, description: 'Workspace VM name' },
      alice_machine: { value: 'm6i.xlarge, no GPU', description: 'Machine type and GPUs' },
      alice_sign_in: {
        value:
          `aws ssm start-session --region eu-west-1 --target \${${INSTANCE}.id} --document-name AWS-StartPortForwardingSession --parameters portNumber=443,localPortNumber=27479` +
          ` & "$(command -v xdg-open || echo open)" "https://localhost:27479/?tkn=$(aws secretsmanager get-secret-value --region eu-west-1 --secret-id \${${TOKEN_SECRET}.arn} --query SecretString --output text)"`,
        description: 'How to get into the IDE',
      },
    });
    expect(AwsResources.ofWorkspace(s.workspace).instance).toBe(s.workspace.node.defaultChild);
    expect(() => GcpResources.ofWorkspace(s.workspace)).toThrow(
      "GcpResources.ofWorkspace: GpuWorkspace 'test/alice' is on AWS, not GCP; use the AWS package's accessor (cdktf-ml-workspace-aws)",
    );
  });

  test('the provider is created in the target region when the stack has none', () => {
    expect(s.json.provider.aws).toEqual([{ region: 'eu-west-1' }]);
  });
});

describe('GpuWorkspace on AWS, public with Let\'s Encrypt on a Route 53 name', () => {
  const s = awsWorkspace({ access: PUBLIC, dns: ZONE });
  const instance = s.one('aws_instance');

  test('HTTPS from each allowed range, port 80 for ACME, no SSH, no NAT or endpoints', () => {
    const ingress = Object.values(s.of('aws_vpc_security_group_ingress_rule')).map((r: any) => [r.from_port, r.cidr_ipv4 ?? r.cidr_ipv6, r.description]);
    expect(ingress).toEqual([
      [80, '0.0.0.0/0', "Let's Encrypt HTTP-01 challenge and redirect to HTTPS; nginx serves nothing else on 80"],
      [443, '198.51.100.0/24', 'HTTPS to the IDE from an allowed range'],
      [443, '203.0.113.0/24', 'HTTPS to the IDE from an allowed range'],
    ]);
    // Rules are named after their range, so removing one range leaves the others in place.
    expect(Object.keys(s.of('aws_vpc_security_group_ingress_rule'))).toEqual([
      'alice_AcmeIngress_2E31BE6D',
      'alice_HttpsIngress-198511000_24_6044BAD8',
      'alice_HttpsIngress-20301130_24_73BFA47E',
    ]);
    expect(s.of('aws_nat_gateway')).toEqual({});
    expect(s.of('aws_vpc_endpoint')).toEqual({});
    expect(Object.values(s.of('aws_subnet'))).toHaveLength(1);
    expect(s.one('aws_route_table_association')).toEqual({
      subnet_id: '${aws_subnet.alice_Subnet_C340D5B7.id}',
      route_table_id: '${aws_route_table.alice_PublicRouteTable_F92EAB15.id}',
    });
  });

  test('an Elastic IP associated with the instance and an A record in the hosted zone', () => {
    expect(s.one('aws_eip')).toEqual({
      domain: 'vpc',
      tags: tagged('alice-ip'),
      depends_on: ['aws_internet_gateway.alice_InternetGateway_4E43E7CC'],
    });
    expect(s.one('aws_eip_association')).toEqual({
      allocation_id: '${aws_eip.alice_ElasticIp_1972CD29.allocation_id}',
      instance_id: `\${${INSTANCE}.id}`,
    });
    expect(s.one('aws_route53_record')).toEqual({
      zone_id: 'Z0123456789ABCDEFGHIJ',
      name: 'alice.ml.example.com',
      type: 'A',
      ttl: 300,
      records: ['${aws_eip.alice_ElasticIp_1972CD29.public_ip}'],
    });
    expect(instance.associate_public_ip_address).toBe(false);
  });

  test('ACME in the machine document, no certificate secrets', () => {
    const workspace = awsMachineDoc(instance).config.mlWorkspace.workspace;
    expect(workspace.domain).toBe('alice.ml.example.com');
    expect(workspace.tls).toEqual({ acme: { enable: true, email: 'alice@example.com' } });
    expect(Object.values(s.of('aws_secretsmanager_secret')).map((x: any) => x.name_prefix)).toEqual(['ml-workspace/alice/connection-token-']);
  });

  test('outputs: the record name and the Elastic IP', () => {
    expect(s.json.output.alice_url.value).toBe('https://alice.ml.example.com/');
    expect(s.json.output.alice_ip_address.value).toBe('${aws_eip.alice_ElasticIp_1972CD29.public_ip}');
    expect(s.json.output.alice_sign_in.value).toBe(
      `"$(command -v xdg-open || echo open)" "https://alice.ml.example.com/?tkn=$(aws secretsmanager get-secret-value --region eu-west-1 --secret-id \${${TOKEN_SECRET}.arn} --query SecretString --output text)"`,
    );
  });
});

describe('GpuWorkspace on AWS, options', () => {
  test('public without a zone: a self-signed certificate for the Elastic IP\'s public DNS name', () => {
    const s = awsWorkspace({ access: PUBLIC, tls: WorkspaceTls.selfSigned() });
    expect(s.one('tls_self_signed_cert').dns_names).toEqual(['${aws_eip.alice_ElasticIp_1972CD29.public_dns}', 'localhost']);
    expect(awsMachineDoc(s.one('aws_instance')).config.mlWorkspace.workspace.domain).toBe('${aws_eip.alice_ElasticIp_1972CD29.public_dns}');
    expect(s.of('aws_route53_record')).toEqual({});
    // No ACME, so nothing on port 80.
    expect(Object.values(s.of('aws_vpc_security_group_ingress_rule')).map((r: any) => r.from_port)).toEqual([443, 443]);
  });

  test('a range listed twice gets one rule (AWS refuses duplicates)', () => {
    const s = awsWorkspace({ access: WorkspaceAccess.public({ allowedCidrs: ['0.0.0.0/0', '0.0.0.0/0'], allowBroadRanges: true }), tls: WorkspaceTls.selfSigned() });
    expect(Object.values(s.of('aws_vpc_security_group_ingress_rule')).map((r: any) => r.cidr_ipv4)).toEqual(['0.0.0.0/0']);
  });

  test.each([
    [Gpu.NVIDIA_T4, WorkspaceSize.SMALL, 'g4dn.xlarge'],
    [Gpu.NVIDIA_T4, WorkspaceSize.XLARGE, 'g4dn.metal'],
    [Gpu.NVIDIA_A10G, WorkspaceSize.MEDIUM, 'g5.2xlarge'],
    [Gpu.NVIDIA_A10G, WorkspaceSize.LARGE, 'g5.12xlarge'],
    [Gpu.NVIDIA_L4, WorkspaceSize.SMALL, 'g6.xlarge'],
    [Gpu.NVIDIA_L4, WorkspaceSize.XLARGE, 'g6.48xlarge'],
    [Gpu.NVIDIA_A100_40GB, WorkspaceSize.XLARGE, 'p4d.24xlarge'],
    [Gpu.NVIDIA_A100_80GB, WorkspaceSize.XLARGE, 'p4de.24xlarge'],
    [Gpu.NVIDIA_H100_80GB, WorkspaceSize.XLARGE, 'p5.48xlarge'],
  ])('%s in size %s runs on %s with the GPU stack on', (gpu, size, instanceType) => {
    const instance = awsWorkspace({ gpu, size }).one('aws_instance');
    expect(instance.instance_type).toBe(instanceType);
    expect(awsMachineDoc(instance).config.mlWorkspace.workspace.gpu).toEqual({ enable: true });
  });

  test('CPU sizes map to m6i', () => {
    const types = Object.values(WorkspaceSize).map((size) => awsWorkspace({ size }).one('aws_instance').instance_type);
    expect(types).toEqual(['m6i.xlarge', 'm6i.2xlarge', 'm6i.4xlarge', 'm6i.8xlarge']);
  });

  test('target.instanceType overrides the preset and carries a GPU outside the catalog', () => {
    const instance = awsWorkspace({ gpu: Gpu.of('nvidia-l40s') }, { instanceType: 'g6e.xlarge' }).one('aws_instance');
    expect(instance.instance_type).toBe('g6e.xlarge');
    expect(awsMachineDoc(instance).config.mlWorkspace.workspace.gpu).toEqual({ enable: true });
  });

  test('Spot: a persistent request that stops on interruption, without termination protection (EC2 refuses it for Spot)', () => {
    const spot = awsWorkspace({ spot: true });
    expect(spot.one('aws_instance').instance_market_options).toEqual({
      market_type: 'spot',
      spot_options: { instance_interruption_behavior: 'stop', spot_instance_type: 'persistent' },
    });
    expect(spot.one('aws_instance').disable_api_termination).toBe(false);
    expect(spot.one('aws_instance').instance_initiated_shutdown_behavior).toBe('stop');
    expect(spot.one('aws_ebs_volume').lifecycle).toEqual({ prevent_destroy: true });
    expect(awsWorkspace().one('aws_instance').instance_market_options).toBeUndefined();
  });

  test('running: false stops the instance and keeps everything else', () => {
    const s = awsWorkspace({ running: false });
    expect(s.one('aws_ec2_instance_state').state).toBe('stopped');
    expect(s.one('aws_ebs_volume').lifecycle).toEqual({ prevent_destroy: true });
  });

  test('a KMS key encrypts root, home and secrets; the role may decrypt only through Secrets Manager; DLM may use it', () => {
    const s = awsWorkspace({}, { kmsKeyArn: KMS });
    const instance = s.one('aws_instance');
    expect(instance.root_block_device.kms_key_id).toBe(KMS);
    expect(s.one('aws_ebs_volume').kms_key_id).toBe(KMS);
    expect(Object.values(s.of('aws_secretsmanager_secret')).every((x: any) => x.kms_key_id === KMS)).toBe(true);
    const read = policyDoc(s, s.of('aws_iam_role_policy').alice_ReadSecrets_F3843D5B.policy);
    expect(read.statement[1]).toEqual({
      sid: 'DecryptOwnSecrets',
      effect: 'Allow',
      actions: ['kms:Decrypt'],
      resources: [KMS],
      condition: [{ test: 'StringEquals', variable: 'kms:ViaService', values: ['secretsmanager.eu-west-1.amazonaws.com'] }],
    });
    const dlmKms = policyDoc(s, Object.values<any>(s.of('aws_iam_role_policy')).find((p) => p.name === 'use-volume-key').policy);
    expect(dlmKms.statement).toEqual([
      {
        effect: 'Allow',
        actions: ['kms:CreateGrant', 'kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
        resources: [KMS],
      },
    ]);
  });

  test('an existing VPC and subnet: no network resources, the volume in the subnet\'s zone', () => {
    const s = awsWorkspace({}, { vpcId: 'vpc-0123456789abcdef0', subnetId: 'subnet-0123456789abcdef0' });
    for (const type of ['aws_vpc', 'aws_subnet', 'aws_nat_gateway', 'aws_vpc_endpoint', 'aws_flow_log', 'aws_internet_gateway', 'aws_route']) {
      expect(s.of(type)).toEqual({});
    }
    expect(s.one('aws_security_group').vpc_id).toBe('vpc-0123456789abcdef0');
    expect(s.one('aws_instance').subnet_id).toBe('subnet-0123456789abcdef0');
    expect(s.json.data.aws_subnet).toEqual({ alice_ExistingSubnet_B270E2E7: { id: 'subnet-0123456789abcdef0' } });
    expect(s.one('aws_ebs_volume').availability_zone).toBe('${data.aws_subnet.alice_ExistingSubnet_B270E2E7.availability_zone}');
    // With the zone given, no lookup.
    const t = awsWorkspace({}, { vpcId: 'vpc-0123456789abcdef0', subnetId: 'subnet-0123456789abcdef0', availabilityZone: 'eu-west-1b' });
    expect(t.json.data.aws_subnet).toBeUndefined();
    expect(t.one('aws_ebs_volume').availability_zone).toBe('eu-west-1b');
  });

  test('vpcCidr and availabilityZone place the created network', () => {
    const s = awsWorkspace({}, { vpcCidr: '172.16.0.0/20', availabilityZone: 'eu-west-1c' });
    expect(s.one('aws_vpc').cidr_block).toBe('172.16.0.0/20');
    expect(Object.values(s.of('aws_subnet')).map((x: any) => [x.cidr_block, x.availability_zone])).toEqual([
      ['172.16.1.0/24', 'eu-west-1c'],
      ['172.16.0.0/24', 'eu-west-1c'],
    ]);
  });

  test('a VPC range known only at apply time is carved the same way by Terraform, whatever its prefix', () => {
    const s = synthStack((stack) => {
      const cidr = new TerraformVariable(stack, 'cidr', { type: 'string' });
      return new GpuWorkspace(stack, 'alice', { target: AwsTarget.of({ ...AWS, vpcCidr: cidr.stringValue }), owner: 'alice@example.com' });
    });
    expect(Object.values<any>(s.of('aws_subnet')).map((x) => x.cidr_block)).toEqual([
      '${cidrsubnet(var.cidr, (24 - tonumber(element(split("/", var.cidr), 1))), 1)}',
      '${cidrsubnet(var.cidr, (24 - tonumber(element(split("/", var.cidr), 1))), 0)}',
    ]);
  });

  test('a given AMI is used as is and a change to it replaces the instance', () => {
    const s = awsWorkspace({}, { amiId: 'ami-0123456789abcdef0' });
    expect(s.one('aws_instance').ami).toBe('ami-0123456789abcdef0');
    expect(s.one('aws_instance').lifecycle).toBeUndefined();
    expect(s.json.data.aws_ami).toBeUndefined();
  });

  test('SSO: the client secret is looked up by name and readable, the cookie secret is generated', () => {
    const s = awsWorkspace({
      auth: WorkspaceAuth.sso({ provider: SsoProvider.GITHUB, clientId: 'abc123', clientSecretName: 'ml/oauth-client', allowedDomains: ['example.com'] }),
    });
    expect(s.json.data.aws_secretsmanager_secret).toEqual({ alice_ClientSecret_BA7FA085: { name: 'ml/oauth-client' } });
    const read = policyDoc(s, s.of('aws_iam_role_policy').alice_ReadSecrets_F3843D5B.policy);
    expect(read.statement[0].resources).toEqual([
      '${aws_secretsmanager_secret.alice_CookieSecretSecret_9BACB025.arn}',
      '${data.aws_secretsmanager_secret.alice_ClientSecret_BA7FA085.arn}',
      `\${${CERT_SECRET}.arn}`,
      `\${${KEY_SECRET}.arn}`,
    ]);
    const doc = awsMachineDoc(s.one('aws_instance')).config.mlWorkspace;
    expect(doc.workspace.oauth2Proxy).toEqual({
      enable: true,
      provider: 'github',
      clientId: 'abc123',
      clientSecretFile: '/run/ml-workspace/secrets/oauth2-client-secret',
      cookieSecretFile: '/run/ml-workspace/secrets/oauth2-cookie-secret',
      allowedEmails: [],
      allowedEmailDomains: ['example.com'],
    });
    expect(doc.secrets.secrets['oauth2-client-secret']).toEqual({
      source: '${data.aws_secretsmanager_secret.alice_ClientSecret_BA7FA085.arn}',
      owner: 'oauth2-proxy',
      group: 'oauth2-proxy',
    });
    expect(s.json.output.alice_sign_in.value).toContain(`& "$(command -v xdg-open || echo open)" "https://localhost:27479/"  # then sign in with github`);
  });

  test('idle stop off, or with a runtime limit; the instance role never gets ec2 permissions either way', () => {
    const off = awsWorkspace({ idleStopMinutes: 0 });
    expect(awsMachineDoc(off.one('aws_instance')).config.mlWorkspace.idleStop).toEqual({ enable: false });
    const on = awsWorkspace({ idleStopMinutes: 30, idleGpuUtilizationPercent: 10, idleCpuLoadPerCore: 0.5, maxRuntimeHours: 12 });
    expect(awsMachineDoc(on.one('aws_instance')).config.mlWorkspace.idleStop).toEqual({
      enable: true,
      cloud: 'aws',
      idleMinutes: 30,
      gpuUtilizationPercent: 10,
      cpuLoadPerCore: 0.5,
      maxRuntimeHours: 12,
      activity: { workspace: 'alice', owner: 'alice_example_com' },
    });
    for (const s of [off, on]) {
      const actions = Object.values<any>(s.json.data.aws_iam_policy_document).flatMap((d) => d.statement.flatMap((st: any) => st.actions));
      expect(actions.filter((a: string) => a.startsWith('ec2:'))).toEqual([]);
    }
  });

  test('tags with the cost-allocation keys on every billable resource', () => {
    const s = awsWorkspace({ costCenter: 'vision', labels: { team: 'ml' } });
    const billable = ['aws_instance', 'aws_ebs_volume', 'aws_eip', 'aws_nat_gateway', 'aws_vpc_endpoint', 'aws_secretsmanager_secret', 'aws_cloudwatch_log_group', 'aws_dlm_lifecycle_policy'];
    for (const type of billable) {
      const all = Object.values<any>(s.of(type));
      expect(all.length).toBeGreaterThan(0);
      for (const r of all) {
        expect(r.tags).toMatchObject({ 'ml-workspace': 'true', 'workspace': 'alice', 'owner': 'alice_example_com', 'cost-center': 'vision', 'team': 'ml' });
      }
    }
    expect(s.one('aws_instance').root_block_device.tags).toMatchObject({ 'cost-center': 'vision' });
  });

  test('two workspaces in one stack get their own names everywhere', () => {
    const s = synthStack((stack) => {
      new GpuWorkspace(stack, 'bob', { target: AwsTarget.of(AWS), owner: 'bob@example.com' });
      return new GpuWorkspace(stack, 'alice', { target: AwsTarget.of(AWS), owner: 'alice@example.com' });
    });
    const names = Object.values(s.of('aws_iam_role')).map((r: any) => r.name);
    expect(new Set(names).size).toBe(names.length);
    expect(s.json.provider.aws).toHaveLength(1);
  });
});

describe('GpuWorkspace.grantAccess on AWS', () => {
  const s = synthStack((stack: TerraformStack) => {
    const w = new GpuWorkspace(stack, 'alice', { target: AwsTarget.of(AWS), owner: 'alice@example.com' });
    w.grantAccess('arn:aws:iam::123456789012:role/ml/alice');
    w.grantAccess('arn:aws:iam::123456789012:user/bob');
    w.grantAccess('arn:aws:iam::123456789012:group/ml-team');
    return w;
  });

  test('a policy per principal, attached by role, user or group name', () => {
    const policies = Object.values<any>(s.of('aws_iam_policy'));
    expect(policies.map((p) => p.description)).toEqual(Array(3).fill('Use ML workspace alice through Session Manager'));
    expect(policies.map((p) => p.name)).toEqual(policies.map((p) => expect.stringMatching(/^\$\{aws_iam_role\.alice_Role_E21662D9\.name\}-access-[0-9a-f]{8}$/) && p.name));
    expect(new Set(policies.map((p) => p.name)).size).toBe(3);
    expect(Object.values<any>(s.of('aws_iam_role_policy_attachment')).map((a) => a.role)).toContain('alice');
    expect(Object.values<any>(s.of('aws_iam_user_policy_attachment')).map((a) => a.user)).toEqual(['bob']);
    expect(Object.values<any>(s.of('aws_iam_group_policy_attachment')).map((a) => a.group)).toEqual(['ml-team']);
  });

  test('sessions to this instance only, ending one\'s own sessions, reading the token', () => {
    const policy = Object.values<any>(s.of('aws_iam_policy'))[0];
    expect(policyDoc(s, policy.policy).statement).toEqual([
      {
        sid: 'StartSessionsToThisWorkspace',
        effect: 'Allow',
        actions: ['ssm:StartSession'],
        resources: [
          `\${${INSTANCE}.arn}`,
          `arn:${PARTITION}:ssm:eu-west-1::document/AWS-StartPortForwardingSession`,
          `arn:${PARTITION}:ssm:eu-west-1::document/SSM-SessionManagerRunShell`,
        ],
      },
      {
        sid: 'EndOwnSessions',
        effect: 'Allow',
        actions: ['ssm:TerminateSession', 'ssm:ResumeSession'],
        resources: [`arn:${PARTITION}:ssm:*:*:session/$\${aws:userid}-*`],
      },
      { sid: 'ReadConnectionToken', effect: 'Allow', actions: ['secretsmanager:GetSecretValue'], resources: [`\${${TOKEN_SECRET}.arn}`] },
    ]);
  });

  test('a member that is not an IAM ARN is refused', () => {
    const stack = new TerraformStack(Testing.app(), 'x');
    const w = new GpuWorkspace(stack, 'alice', { target: AwsTarget.of(AWS), owner: 'alice@example.com' });
    expect(() => w.grantAccess('user:alice@example.com')).toThrow(
      "GpuWorkspace 'alice': grantAccess member 'user:alice@example.com' is not an IAM role, user or group ARN; write it like 'arn:aws:iam::123456789012:role/alice'",
    );
  });
});
