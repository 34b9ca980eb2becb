import { TerraformStack, Testing } from 'cdktf';
import { GpuWorkspace, SsoProvider, WorkspaceAuth } from 'cdktf-ml-workspace';
import { buildError, GCP } from '../util';
import { AWS } from './aws-util';
import { GcpTarget } from 'cdktf-ml-workspace-gcp';
import { AwsTarget } from 'cdktf-ml-workspace-aws';

const gcp = () => new GpuWorkspace(new TerraformStack(Testing.app(), 'test'), 'alice', { target: GcpTarget.of(GCP), owner: 'alice@example.com' });

describe('grantAccess is for people and groups, never for a population', () => {
  it.each<[string, string]>([
    ['domain:gmail.com', "'domain:gmail.com' grants everyone with an account in that domain; a workspace is one person's machine: grant a person ('user:...') or a group ('group:ml-team@example.com')"],
    ['domain:example.com', "'domain:example.com' grants everyone with an account in that domain; a workspace is one person's machine: grant a person ('user:...') or a group ('group:ml-team@example.com')"],
    ['principalSet://goog/public:all', "'principalSet://goog/public:all' grants everyone on the internet; a workspace is one person's machine: grant a person ('user:...') or a group ('group:ml-team@example.com')"],
    ['allUsers', "'allUsers' is not an IAM principal; write it like 'user:alice@example.com' or 'group:ml-team@example.com'"],
    ['user:*', "'user:*' is a wildcard, which grants a whole population; name a person or a group"],
    ['principalSet://iam.googleapis.com/locations/global/workforcePools/staff/*', "'principalSet://iam.googleapis.com/locations/global/workforcePools/staff/*' is a wildcard, which grants a whole population; name a person or a group"],
  ])('GCP: %s is refused', (member, problem) => {
    expect(() => gcp().grantAccess(member)).toThrow(`GpuWorkspace 'alice': grantAccess member ${problem}`);
  });

  test('AWS: a wildcard ARN is refused', () => {
    const w = new GpuWorkspace(new TerraformStack(Testing.app(), 'test'), 'alice', { target: AwsTarget.of(AWS), owner: 'alice@example.com' });
    expect(() => w.grantAccess('arn:aws:iam::123456789012:role/*')).toThrow(
      "GpuWorkspace 'alice': grantAccess member 'arn:aws:iam::123456789012:role/*' is a wildcard, which grants a whole population; name a person or a group",
    );
  });

  test('a non-string member is a clear error, not a TypeError', () => {
    expect(() => gcp().grantAccess(undefined as unknown as string)).toThrow(
      "GpuWorkspace 'alice': grantAccess member undefined is not a string; pass the principal, e.g. 'user:alice@example.com'",
    );
  });

  test('granting the same member twice grants once', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const w = new GpuWorkspace(stack, 'alice', { target: GcpTarget.of(GCP), owner: 'alice@example.com' });
    w.grantAccess('user:bob@example.com');
    w.grantAccess('user:bob@example.com');
    const json = JSON.parse(Testing.synth(stack));

    expect(Object.keys(json.resource.google_iap_tunnel_instance_iam_member)).toHaveLength(1);
    expect(Object.keys(json.resource.google_compute_instance_iam_member)).toHaveLength(1);
  });
});

describe('auth.allowedDomains never admits the public', () => {
  it.each(['gmail.com', 'outlook.com', 'mail.yahoo.com', 'proton.me'])('%s is refused', (domain) => {
    expect(
      buildError({ auth: WorkspaceAuth.sso({ provider: SsoProvider.GOOGLE, clientId: 'x.apps.googleusercontent.com', clientSecretName: 'g', allowedDomains: [domain] }) }),
    ).toBe(
      `GpuWorkspace 'alice': auth.allowedDomains '${domain}' is a public email provider: it would admit everyone with an address there; list the people in auth.allowedEmails, or allow your organisation's own domain`,
    );
  });

  test("an organisation's own domain is accepted", () => {
    expect(() =>
      buildError({ auth: WorkspaceAuth.sso({ provider: SsoProvider.GOOGLE, clientId: 'x.apps.googleusercontent.com', clientSecretName: 'g', allowedDomains: ['example.com'] }) }),
    ).toThrow('expected the construct to throw');
  });
});

describe('one workspace name in two stacks of an app', () => {
  const twoStacks = (second: Parameters<typeof GcpTarget.of>[0]) => {
    const app = Testing.app();
    new GpuWorkspace(new TerraformStack(app, 'team-a'), 'alice', { target: GcpTarget.of(GCP), owner: 'alice@example.com' });
    return () => new GpuWorkspace(new TerraformStack(app, 'team-b'), 'alice', { target: GcpTarget.of(second), owner: 'alice@example.com' });
  };

  test('on one GCP project is refused: their service accounts and secrets would collide', () => {
    expect(twoStacks(GCP)).toThrow(
      "GpuWorkspace 'alice': workspaceName 'alice' is also used by 'team-a/alice' in stack 'team-a' on GCP project 'ml-prod-123'; the names of their service accounts, roles and secrets collide at apply; give one of them another workspaceName",
    );
  });

  test('on two GCP projects is fine', () => {
    expect(twoStacks({ ...GCP, project: 'ml-other-456' })).not.toThrow();
  });

  test('on AWS is a warning: synthesis cannot see whether the stacks share an account', () => {
    const app = Testing.app();
    new GpuWorkspace(new TerraformStack(app, 'team-a'), 'alice', { target: AwsTarget.of(AWS), owner: 'alice@example.com' });
    const second = new GpuWorkspace(new TerraformStack(app, 'team-b'), 'alice', { target: AwsTarget.of(AWS), owner: 'alice@example.com' });

    expect(second.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => m.data)).toEqual([
      "GpuWorkspace 'alice': workspaceName 'alice' is also used by 'team-a/alice' in stack 'team-a' on AWS; the names of their service accounts, roles and secrets collide if both stacks deploy to the same account; give one of them another workspaceName",
    ]);
  });
});
