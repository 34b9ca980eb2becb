import { TerraformStack, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { GpuWorkspace, GpuWorkspaceProps, WorkspaceAccess, WorkspaceDns, WorkspaceTls } from 'cdktf-ml-workspace';
import { azureBuildError, buildError, GCP } from '../util';
import { awsBuildError, awsWorkspace } from './aws-util';
import { GcpTarget } from 'cdktf-ml-workspace-gcp';
import { AwsTarget } from 'cdktf-ml-workspace-aws';

describe('limits a cloud would refuse at apply, and keys the library keeps', () => {
  test.each([
    ['homeDiskSizeGiB', 16385],
    ['bootDiskSizeGiB', 20000],
  ])('AWS: %s %i is more than a gp3 volume holds', (prop, size) => {
    expect(awsBuildError({ [prop]: size })).toBe(`GpuWorkspace 'alice': ${prop} ${size} is more than a gp3 volume holds on AWS (16384 GiB); use at most 16384`);
  });

  test('AWS: 16384 GiB is accepted', () => {
    expect(() => awsBuildError({ homeDiskSizeGiB: 16384 })).toThrow('expected the construct to throw');
  });

  test.each(['ml-workspace-home', 'ml-workspace_x'])("a label key starting with the library's prefix (%s) is refused", (key) => {
    expect(buildError({ labels: { [key]: 'bob' } })).toBe(
      `GpuWorkspace 'alice': labels '${key}' starts with 'ml-workspace', which the library keeps for its own keys; choose another key`,
    );
  });
});

describe('placement typos are refused with the closest region; a newer region takes an opt-in', () => {
  it.each<[string, () => string, string]>([
    [
      'GCP europe-west99',
      () => buildError({}, { region: 'europe-west99', zone: 'europe-west99-a' }),
      "GpuWorkspace 'alice': target.region 'europe-west99' is not a region this release knows; did you mean 'europe-west9'? (A region newer than this release: set target.allowUnlistedRegion: true.)",
    ],
    [
      'AWS eu-wset-1',
      () => awsBuildError({}, { region: 'eu-wset-1' }),
      "GpuWorkspace 'alice': target.region 'eu-wset-1' is not a region this release knows; did you mean 'eu-west-1'? (A region newer than this release: set target.allowUnlistedRegion: true.)",
    ],
    [
      'Azure westeruope',
      () => azureBuildError({}, { location: 'westeruope' }),
      "GpuWorkspace 'alice': target.location 'westeruope' is not a location this release knows; did you mean 'westeurope'? (A location newer than this release: set target.allowUnlistedLocation: true.)",
    ],
  ])('%s', (_name, build, message) => {
    expect(build()).toBe(message);
  });

  test('with the opt-in, an unlisted region is used as given', () => {
    expect(() => buildError({}, { region: 'europe-west99', zone: 'europe-west99-a', allowUnlistedRegion: true })).toThrow('expected the construct to throw');
    expect(() => awsBuildError({}, { region: 'eu-west-9', allowUnlistedRegion: true })).toThrow('expected the construct to throw');
    expect(() => azureBuildError({}, { location: 'westeurope3', allowUnlistedLocation: true })).toThrow('expected the construct to throw');
  });
});

describe("provider-wide tags and labels count against the same per-resource limit", () => {
  const labels = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`l${i}`, 'x']));
  const synthErrors = (build: (stack: TerraformStack) => void): string[] => {
    const stack = new TerraformStack(Testing.app(), 'test');
    build(stack);
    try {
      Testing.synth(stack, true);
    } catch (e) {
      return String((e as Error).message).split('\n').filter((l) => l.includes("GpuWorkspace 'alice'"));
    }
    return [];
  };
  const aws = (stack: TerraformStack, n: number) =>
    new GpuWorkspace(stack, 'alice', { target: AwsTarget.of({ region: 'eu-west-1' }), owner: 'alice@example.com', labels: labels(n) });

  test('AWS default_tags that push the home volume past 50 tags fail synthesis, naming both sides', () => {
    const defaultTags = { env: 'prod', team: 'ml', 'cost-center': 'x', l0: 'x' };
    const errors = synthErrors((stack) => {
      new AwsProvider(stack, 'aws', { region: 'eu-west-1', defaultTags: [{ tags: defaultTags }] });
      aws(stack, 42);
    });
    // 42 user + 5 library + Name + snapshot tag = 49; env and team are new (cost-center and l0 are already keys).
    expect(errors).toEqual([
      expect.stringContaining(
        "GpuWorkspace 'alice': labels '49 keys' with the provider's default_tags (2 more: env, team) are too many; a resource takes at most 50 on AWS; remove 1 user labels or default_tags entries",
      ),
    ]);
  });

  test('AWS default_tags that fit, an aliased provider and unknown tags are accepted', () => {
    expect(
      synthErrors((stack) => {
        new AwsProvider(stack, 'aws', { region: 'eu-west-1', defaultTags: [{ tags: { env: 'prod' } }] });
        new AwsProvider(stack, 'other', { region: 'us-east-1', alias: 'other', defaultTags: [{ tags: labels(60) }] });
        aws(stack, 42);
      }),
    ).toEqual([]);
  });

  test('google default_labels count beside the attribution label, which the provider adds unless told not to', () => {
    const gcp = (n: number) => (stack: TerraformStack) =>
      new GpuWorkspace(stack, 'alice', { target: GcpTarget.of(GCP), owner: 'alice@example.com', labels: labels(n) });
    const errors = synthErrors((stack) => {
      new GoogleProvider(stack, 'google', { project: GCP.project, defaultLabels: { env: 'prod' } });
      gcp(57)(stack);
    });
    expect(errors).toEqual([
      expect.stringContaining(
        "GpuWorkspace 'alice': labels '63 keys' with the provider's default_labels (2 more: env, goog-terraform-provisioned) are too many; a resource takes at most 64 on GCP; remove 1 user labels or default_labels entries (or set the provider's addTerraformAttributionLabel to false)",
      ),
    ]);
    // 58 user labels (and the VM's nixpkgs label) fit only without the attribution label.
    expect(synthErrors(gcp(58))).toEqual([expect.stringContaining("labels '64 keys' with the provider's default_labels (1 more: goog-terraform-provisioned)")]);
    expect(
      synthErrors((stack) => {
        new GoogleProvider(stack, 'google', { project: GCP.project, addTerraformAttributionLabel: false });
        gcp(58)(stack);
      }),
    ).toEqual([]);
  });
});

describe('AWS: public access fits the security group rule quota', () => {
  const ranges = (n: number) => Array.from({ length: n }, (_, i) => `203.0.${i}.0/24`);
  const zone = WorkspaceDns.zone({ zoneName: 'Z0123456789ABCDEFGHIJ', recordName: 'alice.ml.example.com' });
  const publicWith = (n: number, extra: Partial<GpuWorkspaceProps> = {}) => ({ access: WorkspaceAccess.public({ allowedCidrs: ranges(n) }), dns: zone, ...extra });

  test("60 ranges and Let's Encrypt's port 80 are 61 inbound rules: refused, naming the quota and the fix", () => {
    expect(awsBuildError(publicWith(60))).toBe(
      `GpuWorkspace 'alice': access.allowedCidrs '60 ranges' are too many for the workspace's security group: they take 61 inbound rules with Let's Encrypt's port 80, more than the quota of 60; merge neighbouring ranges, or raise the quota "Inbound or outbound rules per security group" and set target.securityGroupRulesQuota`,
    );
  });

  test('59 ranges fit (60 rules); 60 fit without port 80; duplicates count once', () => {
    const s = awsWorkspace(publicWith(59));
    expect(Object.keys(s.of('aws_vpc_security_group_ingress_rule'))).toHaveLength(60);
    expect(() => awsWorkspace(publicWith(60, { tls: WorkspaceTls.selfSigned() }))).not.toThrow();
    expect(() => awsWorkspace({ ...publicWith(0), access: WorkspaceAccess.public({ allowedCidrs: [...ranges(59), ...ranges(59)] }) })).not.toThrow();
  });

  test('a raised quota is used; values outside 60-1000 are refused', () => {
    expect(() => awsWorkspace(publicWith(200), { securityGroupRulesQuota: 250 })).not.toThrow();
    for (const q of [59, 1001, 60.5, NaN]) {
      expect(awsBuildError({}, { securityGroupRulesQuota: q })).toBe(
        `GpuWorkspace 'alice': target.securityGroupRulesQuota ${q} must be a whole number from 60 (the default quota) to 1000`,
      );
    }
    expect(() => AwsTarget.of({ region: 'eu-west-1', securityGroupRulesQuota: '100' as unknown as number })).toThrow(
      "AwsTarget.of: securityGroupRulesQuota '100' must be a number",
    );
  });
});
