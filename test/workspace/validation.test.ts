import { Lazy, TerraformStack, Testing } from 'cdktf';
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
import { buildError, GCP } from '../util';
import { GcpTarget } from 'cdktf-ml-workspace-gcp';

const PUBLIC = WorkspaceAccess.public({ allowedCidrs: ['203.0.113.0/24'] });
const sso = (extra: Partial<Parameters<typeof WorkspaceAuth.sso>[0]> = {}) =>
  WorkspaceAuth.sso({ provider: SsoProvider.GITHUB, clientId: 'Iv1.abc', clientSecretName: 'gh-oauth', ...extra });

describe('GpuWorkspace validation names the construct, the prop, the value and the fix', () => {
  test.each<[string, () => string, string]>([
    [
      'construct id that is not a valid name',
      () => buildError({}, {}, 'Alice_1'),
      "GpuWorkspace 'Alice_1': workspaceName 'Alice_1' is not a valid workspace name; use 2-24 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen (set workspaceName when the construct id does not qualify)",
    ],
    [
      'workspace name too long',
      () => buildError({ workspaceName: 'a'.repeat(25) }),
      `GpuWorkspace 'alice': workspaceName '${'a'.repeat(25)}' is not a valid workspace name`,
    ],
    [
      'workspace name too short for a service account id',
      () => buildError({ workspaceName: 'a' }),
      "GpuWorkspace 'alice': workspaceName 'a' is not a valid workspace name; use 2-24 lowercase letters",
    ],
    [
      'a range that is not a string (from an untyped language)',
      () => {
        try {
          WorkspaceAccess.public({ allowedCidrs: [42 as unknown as string] });
        } catch (e) {
          return (e as Error).message;
        }
        return 'accepted';
      },
      'WorkspaceAccess.public: allowedCidrs [42] must be a list of strings',
    ],
    [
      'workspace name ending in a hyphen',
      () => buildError({ workspaceName: 'alice-' }),
      "GpuWorkspace 'alice': workspaceName 'alice-' is not a valid workspace name",
    ],
    [
      'owner that is not an email',
      () => buildError({ owner: 'alice' }),
      "GpuWorkspace 'alice': owner 'alice' is not an email address; give the owner's email, e.g. 'alice@example.com'",
    ],
    [
      'public access without ranges',
      () => buildError({ access: WorkspaceAccess.public({ allowedCidrs: [] }) }),
      "GpuWorkspace 'alice': access.allowedCidrs [] is empty; list the ranges allowed to reach HTTPS, e.g. ['203.0.113.0/24'], or use WorkspaceAccess.private()",
    ],
    [
      'a range that is not a CIDR',
      () => buildError({ access: WorkspaceAccess.public({ allowedCidrs: ['203.0.113.0'] }) }),
      "GpuWorkspace 'alice': access.allowedCidrs '203.0.113.0' is not a CIDR range; write it like '203.0.113.0/24' or '2001:db8::/48'",
    ],
    [
      'a range with host bits',
      () => buildError({ access: WorkspaceAccess.public({ allowedCidrs: ['203.0.113.7/24'] }) }),
      "GpuWorkspace 'alice': access.allowedCidrs '203.0.113.7/24' has host bits set; use '203.0.113.0/24'",
    ],
    [
      'an IPv6 range with host bits',
      () => buildError({ access: WorkspaceAccess.public({ allowedCidrs: ['2001:db8::1/48'] }) }),
      "GpuWorkspace 'alice': access.allowedCidrs '2001:db8::1/48' has host bits set; use '2001:db8::/48'",
    ],
    [
      'a size outside the presets (from an untyped language)',
      () => buildError({ size: 'HUGE' as WorkspaceSize }),
      "GpuWorkspace 'alice': size 'HUGE' is not a size preset; use one of WorkspaceSize.SMALL, WorkspaceSize.MEDIUM, WorkspaceSize.LARGE, WorkspaceSize.XLARGE",
    ],
    [
      'idle stop too soon after boot',
      () => buildError({ idleStopMinutes: 2 }),
      "GpuWorkspace 'alice': idleStopMinutes 2 must be a whole number from 5 to 1440",
    ],
    [
      'GPU threshold above 100 %',
      () => buildError({ idleGpuUtilizationPercent: 150 }),
      "GpuWorkspace 'alice': idleGpuUtilizationPercent 150 must be a whole number from 0 to 100",
    ],
    [
      'negative CPU load threshold',
      () => buildError({ idleCpuLoadPerCore: -1 }),
      "GpuWorkspace 'alice': idleCpuLoadPerCore -1 must be a number from 0.01 to 64 (load average per core), e.g. 0.3",
    ],
    [
      // NixOS' cpuLoadPerCore has the same bound; 0 once passed synthesis and failed every rebuild.
      'a CPU load threshold of zero',
      () => buildError({ idleCpuLoadPerCore: 0 }),
      "GpuWorkspace 'alice': idleCpuLoadPerCore 0 must be a number from 0.01 to 64 (load average per core), e.g. 0.3",
    ],
    [
      'a negative maximum runtime',
      () => buildError({ maxRuntimeHours: -1 }),
      "GpuWorkspace 'alice': maxRuntimeHours -1 must be a whole number from 1 to 8760, or 0, which sets no limit",
    ],
    [
      'idle stop after more than a day',
      () => buildError({ idleStopMinutes: 1441 }),
      "GpuWorkspace 'alice': idleStopMinutes 1441 must be a whole number from 5 to 1440, or 0, which switches idle stop off",
    ],
    [
      'home disk too small',
      () => buildError({ homeDiskSizeGiB: 5 }),
      "GpuWorkspace 'alice': homeDiskSizeGiB 5 must be a whole number from 10 to 65536",
    ],
    [
      'home disk size not whole',
      () => buildError({ homeDiskSizeGiB: 100.5 }),
      "GpuWorkspace 'alice': homeDiskSizeGiB 100.5 must be a whole number from 10 to 65536",
    ],
    [
      'boot disk too small for the Nix store',
      () => buildError({ bootDiskSizeGiB: 20 }),
      "GpuWorkspace 'alice': bootDiskSizeGiB 20 must be a whole number from 50 to 65536",
    ],
    [
      'snapshot retention out of range',
      () => buildError({ snapshotRetentionDays: 0 }),
      "GpuWorkspace 'alice': snapshotRetentionDays 0 must be a whole number from 1 to 3650",
    ],
    [
      "Let's Encrypt with private access",
      () => buildError({ tls: WorkspaceTls.letsEncrypt() }),
      "GpuWorkspace 'alice': tls 'WorkspaceTls.letsEncrypt()' cannot work with private access (the CA must reach the machine over the internet); use WorkspaceTls.selfSigned() or WorkspaceTls.privateCa(...)",
    ],
    [
      "Let's Encrypt without a DNS name",
      () => buildError({ access: PUBLIC, dns: WorkspaceDns.none() }),
      "GpuWorkspace 'alice': tls 'WorkspaceTls.letsEncrypt()' needs a DNS name; use WorkspaceDns.cloudEndpoints() or WorkspaceDns.zone(...), or WorkspaceTls.selfSigned()",
    ],
    [
      "Let's Encrypt with a bad contact",
      () => buildError({ access: PUBLIC, tls: WorkspaceTls.letsEncrypt({ email: 'ops' }) }),
      "GpuWorkspace 'alice': tls.email 'ops' is not an email address; e.g. 'ops@example.com'",
    ],
    [
      'self-signed validity out of range',
      () => buildError({ tls: WorkspaceTls.selfSigned({ validityHours: 1 }) }),
      "GpuWorkspace 'alice': tls.validityHours 1 must be a whole number from 24 to 87600",
    ],
    [
      'private CA key given as a literal',
      () =>
        buildError({
          tls: WorkspaceTls.privateCa({
            caCertificatePem: '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----',
            caPrivateKeyPem: '-----BEGIN EC PRIVATE KEY-----\nx\n-----END EC PRIVATE KEY-----',
          }),
        }),
      "GpuWorkspace 'alice': tls.caPrivateKeyPem '<literal PEM>' is a literal and would be written in clear text into the synthesized configuration; pass a sensitive TerraformVariable or a secret data source",
    ],
    [
      'private CA certificate that is not PEM',
      () =>
        buildError({
          tls: WorkspaceTls.privateCa({ caCertificatePem: 'MIIB...', caPrivateKeyPem: Lazy.stringValue({ produce: () => 'key' }) }),
        }),
      "GpuWorkspace 'alice': tls.caCertificatePem 'MIIB...' is not a PEM certificate; it must contain -----BEGIN CERTIFICATE-----",
    ],
    [
      'SSO with an empty client id',
      () => buildError({ auth: sso({ clientId: ' ' }) }),
      "GpuWorkspace 'alice': auth.clientId ' ' is empty; give the OAuth client id registered with the provider",
    ],
    [
      'SSO with a client secret name that is not a secret id',
      () => buildError({ auth: sso({ clientSecretName: 'projects/p/secrets/x' }) }),
      "GpuWorkspace 'alice': auth.clientSecretName 'projects/p/secrets/x' is not a secret id; give the id of the existing Secret Manager secret holding the OAuth client secret (letters, digits, _ and -)",
    ],
    [
      'SSO with a bad allowed email',
      () => buildError({ auth: sso({ allowedEmails: ['bob'] }) }),
      "GpuWorkspace 'alice': auth.allowedEmails 'bob' is not an email address; e.g. 'bob@example.com'",
    ],
    [
      'SSO with a bad allowed domain',
      () => buildError({ auth: sso({ allowedDomains: ['@example.com'] }) }),
      "GpuWorkspace 'alice': auth.allowedDomains '@example.com' is not a domain; e.g. 'example.com'",
    ],
    [
      'SSO that would let every account in',
      () => buildError({ auth: sso({ allowedEmails: [] }) }),
      "GpuWorkspace 'alice': auth.allowedEmails [] and auth.allowedDomains are both empty; list who may sign in (every account would otherwise be allowed)",
    ],
    [
      'OIDC without an issuer',
      () => buildError({ auth: sso({ provider: SsoProvider.OIDC }) }),
      "GpuWorkspace 'alice': auth.oidcIssuerUrl undefined is required for SsoProvider.OIDC and must be an https URL, e.g. 'https://login.example.com/'",
    ],
    [
      'OIDC with a plain-http issuer',
      () => buildError({ auth: sso({ provider: SsoProvider.OIDC, oidcIssuerUrl: 'http://login.example.com/' }) }),
      "GpuWorkspace 'alice': auth.oidcIssuerUrl 'http://login.example.com/' is required for SsoProvider.OIDC and must be an https URL",
    ],
    [
      'SSO provider outside the enum (from an untyped language)',
      () => buildError({ auth: sso({ provider: 'facebook' as SsoProvider }) }),
      "GpuWorkspace 'alice': auth.provider 'facebook' is not supported; use one of google, github, oidc",
    ],
    [
      'DNS record name that is not a FQDN',
      () => buildError({ dns: WorkspaceDns.zone({ zoneName: 'ml-zone', recordName: 'alice' }) }),
      "GpuWorkspace 'alice': dns.recordName 'alice' is not a fully qualified DNS name; e.g. 'alice.ml.example.com'",
    ],
    [
      'DNS zone name with dots',
      () => buildError({ dns: WorkspaceDns.zone({ zoneName: 'ml.example.com', recordName: 'alice.ml.example.com' }) }),
      "GpuWorkspace 'alice': dns.zoneName 'ml.example.com' is not a zone name; give the managed zone name (lowercase letters, digits, hyphens)",
    ],
    [
      'DNS TTL out of range',
      () => buildError({ dns: WorkspaceDns.zone({ zoneName: 'ml', recordName: 'a.example.com', ttlSeconds: 5 }) }),
      "GpuWorkspace 'alice': dns.ttlSeconds 5 must be a whole number from 30 to 86400",
    ],
    [
      'Cloud Endpoints with private access',
      () => buildError({ dns: WorkspaceDns.cloudEndpoints() }),
      "GpuWorkspace 'alice': dns 'WorkspaceDns.cloudEndpoints()' publishes a public name and needs public access; use WorkspaceDns.zone(...) with a private zone or WorkspaceDns.none()",
    ],
    [
      'an Azure domain label on GCP',
      () => buildError({ access: PUBLIC, dns: WorkspaceDns.azureDomainLabel() }),
      "GpuWorkspace 'alice': dns 'WorkspaceDns.azureDomainLabel()' is an Azure feature; on GCP use WorkspaceDns.cloudEndpoints(), WorkspaceDns.zone(...) or WorkspaceDns.none()",
    ],
    [
      'nixpkgs pinned to a branch',
      () => buildError({ nixpkgs: NixpkgsPin.of({ rev: 'nixos-25.11', narHash: 'sha256-Ti+ZBvW6yrWWAg2szExVTwCd4qOJ3KlVr1tFHfyfi8Q=' }) }),
      "GpuWorkspace 'alice': nixpkgs.rev 'nixos-25.11' is not a full 40-character commit id; pin a commit, never a branch or tag",
    ],
    [
      'nixpkgs without a proper hash',
      () => buildError({ nixpkgs: NixpkgsPin.of({ rev: '8fd9daa3db09ced9700431c5b7ad0e8ba199b575', narHash: 'abc' }) }),
      "GpuWorkspace 'alice': nixpkgs.narHash 'abc' is not an SRI sha256 hash",
    ],
    [
      'cost center that is not a label value',
      () => buildError({ costCenter: 'ML Research' }),
      "GpuWorkspace 'alice': costCenter 'ML Research' is not a valid label value; use 1-63 lowercase letters, digits, '_' or '-', e.g. 'ml-research'",
    ],
    [
      'a label key the library owns',
      () => buildError({ labels: { owner: 'bob' } }),
      "GpuWorkspace 'alice': labels 'owner' is set by the library; remove it (use costCenter for 'cost-center', owner for 'owner')",
    ],
    [
      'a label key with capitals',
      () => buildError({ labels: { Team: 'vision' } }),
      "GpuWorkspace 'alice': labels 'Team' is not a valid label key; use 1-63 lowercase letters, digits, '_' or '-', starting with a letter",
    ],
    [
      'a label value with spaces',
      () => buildError({ labels: { team: 'Computer Vision' } }),
      "GpuWorkspace 'alice': labels.team 'Computer Vision' is not a valid label value; use at most 63 lowercase letters, digits, '_' or '-'",
    ],
    [
      'too many labels',
      () => buildError({ labels: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`l${i}`, 'x'])) }),
      "GpuWorkspace 'alice': labels '60 labels' are too many; a resource takes at most 64 on GCP and already gets 6 (ml-workspace, workspace, owner, cost-center, cost-scope, ml-workspace-nixpkgs), so at most 58 user labels fit",
    ],
    [
      'a project number instead of its id',
      () => buildError({}, { project: '123456789012' }),
      "GpuWorkspace 'alice': target.project '123456789012' is not a GCP project id; use the 6-30 character id (lowercase letters, digits, hyphens), not the display name or number",
    ],
    [
      'a zone name as region',
      () => buildError({}, { region: 'europe-west4-a' }),
      "GpuWorkspace 'alice': target.region 'europe-west4-a' is not a GCP region; e.g. 'europe-west4'",
    ],
    [
      'a zone outside the region',
      () => buildError({}, { zone: 'us-central1-a' }),
      "GpuWorkspace 'alice': target.zone 'us-central1-a' is not a zone of region 'europe-west4'; e.g. 'europe-west4-a'",
    ],
    [
      'a network without its subnetwork',
      () => buildError({}, { network: 'shared-vpc' }),
      "GpuWorkspace 'alice': target.subnetwork undefined is required when target.network is given; name the subnetwork in the region to use",
    ],
    [
      'a subnetwork without its network',
      () => buildError({}, { subnetwork: 'ml-subnet' }),
      "GpuWorkspace 'alice': target.network undefined is required when target.subnetwork is given; name its VPC network",
    ],
    [
      'a subnet range that is not a CIDR',
      () => buildError({}, { subnetCidr: '10.0.0.0/33' }),
      "GpuWorkspace 'alice': target.subnetCidr '10.0.0.0/33' is not a CIDR range",
    ],
    [
      'a KMS key that is not a key name',
      () => buildError({}, { kmsKeyName: 'my-key' }),
      "GpuWorkspace 'alice': target.kmsKeyName 'my-key' is not a Cloud KMS key name; use 'projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>'",
    ],
    [
      'a GPU GCP does not offer',
      () => buildError({ gpu: Gpu.NVIDIA_A10G }),
      "GpuWorkspace 'alice': gpu 'Gpu.NVIDIA_A10G' is not offered on GCP; use one of Gpu.NVIDIA_T4, Gpu.NVIDIA_L4, Gpu.NVIDIA_A100_40GB, Gpu.NVIDIA_A100_80GB, Gpu.NVIDIA_H100_80GB (Gpu.NVIDIA_L4 is the closest to A10-class cards)",
    ],
    [
      'H100 in a size GCP sells only as Spot',
      () => buildError({ gpu: Gpu.NVIDIA_H100_80GB, size: WorkspaceSize.MEDIUM }),
      "GpuWorkspace 'alice': gpu 'Gpu.NVIDIA_H100_80GB' in size MEDIUM (a3-highgpu-2g) is offered on GCP only as Spot; set spot: true or use size XLARGE",
    ],
    [
      'a GPU outside the catalog without a machine type',
      () => buildError({ gpu: Gpu.of('nvidia-h200-141gb') }),
      "GpuWorkspace 'alice': gpu 'nvidia-h200-141gb' is not in the catalog; set target.machineType to a machine type that takes it, or use a catalog GPU such as Gpu.NVIDIA_L4",
    ],
  ])('%s', (_name, build, message) => {
    expect(build()).toContain(message);
  });

  test('two workspaces with one name in a stack', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    new GpuWorkspace(stack, 'alice', { target: GcpTarget.of(GCP), owner: 'alice@example.com' });
    expect(
      () => new GpuWorkspace(stack, 'alice2', { target: GcpTarget.of(GCP), owner: 'alice@example.com', workspaceName: 'alice' }),
    ).toThrow("GpuWorkspace 'alice2': workspaceName 'alice' is already used by 'test/alice' in this stack; give each workspace its own workspaceName");
  });

  test('values known only at apply time are not validated at synth time', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const { TerraformVariable } = jest.requireActual('cdktf');
    const project = new TerraformVariable(stack, 'project', { type: 'string' });
    const owner = new TerraformVariable(stack, 'owner', { type: 'string' });
    new GpuWorkspace(stack, 'alice', {
      target: GcpTarget.of({ project: project.stringValue, region: 'europe-west4', zone: 'europe-west4-a' }),
      owner: owner.stringValue,
    });
    const json = JSON.parse(Testing.synth(stack, true));
    const instance = Object.values<any>(json.resource.google_compute_instance)[0];
    expect(instance.project).toBe('${var.project}');
    expect(instance.labels.owner).toBe('${var.owner}');
    // Without a known project, the APIs are enabled per workspace rather than shared.
    expect(Object.keys(json.resource.google_project_service)).toEqual([
      'alice_Api-computegoogleapiscom_075605B6',
      'alice_Api-iapgoogleapiscom_73EF13C7',
      'alice_Api-secretmanagergoogleapiscom_2B71D6FA',
    ]);
  });
});
