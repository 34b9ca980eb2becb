import { Gpu, SsoProvider, WorkspaceAccess, WorkspaceAuth, WorkspaceDns, WorkspaceSize, WorkspaceTls } from 'cdktf-ml-workspace';
import { awsBuildError, awsWorkspace } from './aws-util';

const PUBLIC = WorkspaceAccess.public({ allowedCidrs: ['203.0.113.0/24'] });
const SELF_SIGNED = WorkspaceTls.selfSigned();

describe('GpuWorkspace on AWS refuses bad input at synth time, naming the prop, the value and the fix', () => {
  test.each<[string, () => string, string]>([
    ['a malformed region', () => awsBuildError({}, { region: 'eu-west' }), "GpuWorkspace 'alice': target.region 'eu-west' is not an AWS region; e.g. 'eu-west-1'"],
    [
      'a zone of another region',
      () => awsBuildError({}, { availabilityZone: 'us-east-1a' }),
      "GpuWorkspace 'alice': target.availabilityZone 'us-east-1a' is not an availability zone of region 'eu-west-1'; e.g. 'eu-west-1a'",
    ],
    [
      'a VPC without a subnet',
      () => awsBuildError({}, { vpcId: 'vpc-0123456789abcdef0' }),
      "GpuWorkspace 'alice': target.subnetId undefined is required when target.vpcId is given; name the subnet in the availability zone to use",
    ],
    [
      'a subnet without its VPC',
      () => awsBuildError({}, { subnetId: 'subnet-0123456789abcdef0' }),
      "GpuWorkspace 'alice': target.vpcId undefined is required when target.subnetId is given; name the subnet's VPC",
    ],
    [
      'a VPC name instead of its id',
      () => awsBuildError({}, { vpcId: 'ml-vpc', subnetId: 'subnet-0123456789abcdef0' }),
      "GpuWorkspace 'alice': target.vpcId 'ml-vpc' is not a VPC id; e.g. 'vpc-0123456789abcdef0'",
    ],
    [
      'a subnet ARN instead of its id',
      () => awsBuildError({}, { vpcId: 'vpc-0123456789abcdef0', subnetId: 'arn:aws:ec2:eu-west-1:123456789012:subnet/subnet-1' }),
      "GpuWorkspace 'alice': target.subnetId 'arn:aws:ec2:eu-west-1:123456789012:subnet/subnet-1' is not a subnet id; e.g. 'subnet-0123456789abcdef0'",
    ],
    [
      'a VPC range with an existing VPC',
      () => awsBuildError({}, { vpcId: 'vpc-0123456789abcdef0', subnetId: 'subnet-0123456789abcdef0', vpcCidr: '10.0.0.0/16' }),
      "GpuWorkspace 'alice': target.vpcCidr '10.0.0.0/16' applies only to the VPC the construct creates; remove it when giving target.vpcId",
    ],
    [
      'a VPC range with host bits',
      () => awsBuildError({}, { vpcCidr: '10.42.1.0/16' }),
      "GpuWorkspace 'alice': target.vpcCidr '10.42.1.0/16' has host bits set; use '10.42.0.0/16'",
    ],
    [
      'a VPC range too small for two subnets',
      () => awsBuildError({}, { vpcCidr: '10.42.0.0/24' }),
      "GpuWorkspace 'alice': target.vpcCidr '10.42.0.0/24' must be an IPv4 range from /16 to /22 (the workspace and NAT subnets are its first two /24s); e.g. '10.42.0.0/16'",
    ],
    [
      'an AMI name instead of its id',
      () => awsBuildError({}, { amiId: 'ml-workspace-nixos-25.11' }),
      "GpuWorkspace 'alice': target.amiId 'ml-workspace-nixos-25.11' is not an AMI id; e.g. 'ami-0123456789abcdef0' (build one with nix build ./nix#amazon-image, README: AWS image)",
    ],
    [
      'a KMS alias instead of a key ARN',
      () => awsBuildError({}, { kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:alias/ml' }),
      "GpuWorkspace 'alice': target.kmsKeyArn 'arn:aws:kms:eu-west-1:123456789012:alias/ml' is not a KMS key ARN; use 'arn:aws:kms:<region>:<account>:key/<key id>' (not an alias)",
    ],
    [
      'a malformed instance type',
      () => awsBuildError({}, { instanceType: 'G6 XLarge' }),
      "GpuWorkspace 'alice': target.instanceType 'G6 XLarge' is not an EC2 instance type; e.g. 'g6.xlarge'",
    ],
    [
      'a GPU outside the catalog without an instance type',
      () => awsBuildError({ gpu: Gpu.of('nvidia-l40s') }),
      "GpuWorkspace 'alice': gpu 'nvidia-l40s' is not in the catalog; set target.instanceType to an instance type that carries it, or use a catalog GPU such as Gpu.NVIDIA_L4",
    ],
    [
      'a GPU AWS does not offer',
      () => awsBuildError({ gpu: Gpu.NVIDIA_A10 }),
      "GpuWorkspace 'alice': gpu 'Gpu.NVIDIA_A10' is not offered on AWS; use one of Gpu.NVIDIA_T4, Gpu.NVIDIA_L4, Gpu.NVIDIA_A10G, Gpu.NVIDIA_A100_40GB, Gpu.NVIDIA_A100_80GB, Gpu.NVIDIA_H100_80GB (Gpu.NVIDIA_A10G is the closest)",
    ],
    [
      'an 8-GPU family in a small size',
      () => awsBuildError({ gpu: Gpu.NVIDIA_H100_80GB, size: WorkspaceSize.MEDIUM }),
      "GpuWorkspace 'alice': size 'MEDIUM' has no Gpu.NVIDIA_H100_80GB instance on AWS (p5 comes only in WorkspaceSize.XLARGE); use that size or set target.instanceType",
    ],
    [
      "Let's Encrypt (the public default) without a Route 53 zone",
      () => awsBuildError({ access: PUBLIC }),
      "GpuWorkspace 'alice': tls 'WorkspaceTls.letsEncrypt()' needs a DNS name, and Let's Encrypt does not issue certificates for amazonaws.com names; give dns: WorkspaceDns.zone({ zoneName: '<Route 53 hosted zone id>', recordName: '<name>' }), or use WorkspaceTls.selfSigned() or WorkspaceTls.privateCa(...)",
    ],
    [
      'a zone given by domain instead of hosted zone id',
      () => awsBuildError({ access: PUBLIC, dns: WorkspaceDns.zone({ zoneName: 'ml.example.com', recordName: 'alice.ml.example.com' }) }),
      "GpuWorkspace 'alice': dns.zoneName 'ml.example.com' is not a Route 53 hosted zone id; give the id, e.g. 'Z0123456789ABCDEFGHIJ', not the domain name",
    ],
    [
      'a resource group on a Route 53 zone',
      () => awsBuildError({ dns: WorkspaceDns.zone({ zoneName: 'Z0123456789ABCDEFGHIJ', recordName: 'alice.ml.example.com', resourceGroupName: 'dns' }) }),
      "GpuWorkspace 'alice': dns.resourceGroupName 'dns' applies to Azure DNS zones only; remove it",
    ],
    [
      'Cloud Endpoints on AWS',
      () => awsBuildError({ access: PUBLIC, dns: WorkspaceDns.cloudEndpoints() }),
      "GpuWorkspace 'alice': dns 'WorkspaceDns.cloudEndpoints()' is a Google Cloud service; on AWS use WorkspaceDns.zone(...) or WorkspaceDns.none()",
    ],
    [
      'an Azure domain label on AWS',
      () => awsBuildError({ access: PUBLIC, tls: SELF_SIGNED, dns: WorkspaceDns.azureDomainLabel() }),
      "GpuWorkspace 'alice': dns 'WorkspaceDns.azureDomainLabel()' is an Azure feature; on AWS use WorkspaceDns.zone(...) or WorkspaceDns.none()",
    ],
    [
      'an SSO client secret given by ARN',
      () =>
        awsBuildError({
          auth: WorkspaceAuth.sso({
            provider: SsoProvider.GOOGLE,
            clientId: 'id',
            clientSecretName: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:oauth',
          }),
        }),
      "GpuWorkspace 'alice': auth.clientSecretName 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:oauth' is not a secret name; give the name of the existing Secrets Manager secret holding the OAuth client secret (letters, digits and /_+=.@-), not its ARN",
    ],
    [
      'more tags than AWS allows',
      () => awsBuildError({ labels: Object.fromEntries(Array.from({ length: 45 }, (_, i) => [`l${i}`, 'x'])) }),
      "GpuWorkspace 'alice': labels '45 labels' are too many; a resource takes at most 50 on AWS and already gets 7 (ml-workspace, workspace, owner, cost-center, cost-scope, Name, ml-workspace-home), so at most 43 user labels fit",
    ],
    [
      'user data over 16 KB',
      () =>
        awsBuildError({
          auth: WorkspaceAuth.sso({
            provider: SsoProvider.GOOGLE,
            clientId: 'id',
            clientSecretName: 'oauth',
            allowedEmails: Array.from({ length: 600 }, (_, i) => `user-number-${i}@example.com`),
          }),
        }),
      expect.stringMatching(
        /^GpuWorkspace 'alice': userData '\d+ bytes' exceeds EC2's 16384-byte user-data limit; shorten the SSO allow-lists \(auth\.allowedEmails, auth\.allowedDomains\), e\.g\. by allowing a domain instead of many addresses$/,
      ) as unknown as string,
    ],
  ])('%s', (_what, build, message) => {
    expect(build()).toEqual(message);
  });

  test('the limits are the real ones: 43 user tags (50 on the home volume) and a long allow-list within 16 KB pass', () => {
    const s = awsWorkspace({ labels: Object.fromEntries(Array.from({ length: 43 }, (_, i) => [`l${i}`, 'x'])) });
    expect(Object.keys(s.one('aws_ebs_volume').tags)).toHaveLength(50);
    expect(() =>
      awsWorkspace({
        auth: WorkspaceAuth.sso({
          provider: SsoProvider.GOOGLE,
          clientId: 'id',
          clientSecretName: 'oauth',
          allowedEmails: Array.from({ length: 300 }, (_, i) => `user-number-${i}@example.com`),
        }),
      }),
    ).not.toThrow();
  });
});
