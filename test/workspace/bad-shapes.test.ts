/**
 * What plain JavaScript, or another jsii language, can pass where TypeScript would refuse:
 * every such value gets the library's own error (construct, prop, value, fix), never a raw
 * TypeError.
 */
import { TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { Gpu, GpuWorkspace, GpuWorkspaceProps, NixpkgsPin, PolicySuppressions, WorkspaceAccess, WorkspaceAuth, WorkspaceDns, WorkspaceTls } from 'cdktf-ml-workspace';
import { buildError, GCP } from '../util';
import { GcpTarget } from 'cdktf-ml-workspace-gcp';
import { AwsTarget } from 'cdktf-ml-workspace-aws';
import { AzureTarget } from 'cdktf-ml-workspace-azure';

const build = (props: unknown) => () => new GpuWorkspace(new TerraformStack(Testing.app(), 'test'), 'alice', props as GpuWorkspaceProps);

describe('shapes outside the types', () => {
  it.each<[string, () => unknown, string]>([
    ['no props', build(undefined), "GpuWorkspace 'alice': props undefined must be an object: { target, owner, ... }"],
    [
      'no target',
      build({ owner: 'alice@example.com' }),
      "GpuWorkspace 'alice': target undefined must be a CloudTarget: GcpTarget.of({ project, region, zone }) from 'cdktf-ml-workspace-gcp', AwsTarget.of({ region }) from 'cdktf-ml-workspace-aws' or AzureTarget.of({ location, imageId, keyVaultAllowedCidrs }) from 'cdktf-ml-workspace-azure'",
    ],
    [
      'a target that is a plain object',
      build({ target: { project: 'p' }, owner: 'alice@example.com' }),
      'GpuWorkspace \'alice\': target {"project":"p"} must be a CloudTarget',
    ],
    ['GcpTarget.of(undefined)', () => GcpTarget.of(undefined as any), 'GcpTarget.of: options undefined must be an object: { project, region, zone }'],
    ['AwsTarget.of(undefined)', () => AwsTarget.of(undefined as any), 'AwsTarget.of: options undefined must be an object: { region }'],
    ['AzureTarget.of(42)', () => AzureTarget.of(42 as any), 'AzureTarget.of: options 42 must be an object: { location, imageId, keyVaultAllowedCidrs }'],
    ['WorkspaceAuth.sso(undefined)', () => WorkspaceAuth.sso(undefined as any), 'WorkspaceAuth.sso: options undefined must be an object: { provider, clientId, clientSecretName, allowedEmails?, allowedDomains? }'],
    ['WorkspaceAccess.public({})', () => WorkspaceAccess.public({} as any), "WorkspaceAccess.public: options {} must be an object with allowedCidrs, a list of CIDR ranges, e.g. { allowedCidrs: ['203.0.113.0/24'] }"],
    ['NixpkgsPin.of(null)', () => NixpkgsPin.of(null as any), 'NixpkgsPin.of: options null must be an object: { rev, narHash, owner?, repo? }'],
    ['NixpkgsPin.of rev 42', () => NixpkgsPin.of({ rev: 42, narHash: 'sha256-x' } as any), 'NixpkgsPin.of: rev 42 must be a string'],
    // A prop of the wrong type is named with what it must be, before anything reads it.
    ['costCenter false', build({ target: GcpTarget.of(GCP), owner: 'alice@example.com', costCenter: false }), "GpuWorkspace 'alice': costCenter false must be a string"],
    ['spot "yes"', build({ target: GcpTarget.of(GCP), owner: 'alice@example.com', spot: 'yes' }), "GpuWorkspace 'alice': spot 'yes' must be true or false"],
    ['homeDiskSizeGiB "500"', build({ target: GcpTarget.of(GCP), owner: 'alice@example.com', homeDiskSizeGiB: '500' }), "GpuWorkspace 'alice': homeDiskSizeGiB '500' must be a number"],
    ['labels null', build({ target: GcpTarget.of(GCP), owner: 'alice@example.com', labels: null }), "GpuWorkspace 'alice': labels null must be an object of string values"],
    ['a label value 7', build({ target: GcpTarget.of(GCP), owner: 'alice@example.com', labels: { team: 7 } }), 'GpuWorkspace \'alice\': labels {"team":7} must be an object of string values'],
    [
      'access as a plain object',
      build({ target: GcpTarget.of(GCP), owner: 'alice@example.com', access: { mode: 'PUBLIC', allowedCidrs: ['0.0.0.0/0'] } }),
      'GpuWorkspace \'alice\': access {"mode":"PUBLIC","allowedCidrs":["0.0.0.0/0"]} must be made with WorkspaceAccess.private() or WorkspaceAccess.public({ allowedCidrs })',
    ],
    ['gpu as a string', build({ target: GcpTarget.of(GCP), owner: 'alice@example.com', gpu: 'nvidia-l4' }), "GpuWorkspace 'alice': gpu 'nvidia-l4' must be made with Gpu.NVIDIA_L4 or Gpu.of('nvidia-l4')"],
    ['AzureTarget.of location false', () => AzureTarget.of({ location: false } as any), 'AzureTarget.of: location false must be a string'],
    ['AzureTarget.of adminSshPublicKey null', () => AzureTarget.of({ location: 'westeurope', adminSshPublicKey: null } as any), 'AzureTarget.of: adminSshPublicKey null must be a string'],
    ['AwsTarget.of allowUnlistedRegion "true"', () => AwsTarget.of({ region: 'eu-west-1', allowUnlistedRegion: 'true' } as any), "AwsTarget.of: allowUnlistedRegion 'true' must be true or false"],
    ['GcpTarget.of project 42', () => GcpTarget.of({ ...GCP, project: 42 } as any), 'GcpTarget.of: project 42 must be a string'],
    ['WorkspaceAuth.sso oidcIssuerUrl true', () => WorkspaceAuth.sso({ provider: 'oidc', clientId: 'x', clientSecretName: 'y', oidcIssuerUrl: true } as any), 'WorkspaceAuth.sso: oidcIssuerUrl true must be a string'],
    ['WorkspaceAuth.sso allowedEmails true', () => WorkspaceAuth.sso({ provider: 'oidc', clientId: 'x', clientSecretName: 'y', allowedEmails: true } as any), 'WorkspaceAuth.sso: allowedEmails true must be a list of strings'],
    ['WorkspaceAuth.connectionToken rotationDays "30"', () => WorkspaceAuth.connectionToken({ rotationDays: '30' } as any), "WorkspaceAuth.connectionToken: rotationDays '30' must be a number"],
    ['WorkspaceAccess.public with a function', () => WorkspaceAccess.public({ allowedCidrs: [() => '10.0.0.0/8'] } as any), 'WorkspaceAccess.public: allowedCidrs [a function] must be a list of strings'],
    ['WorkspaceAccess.public allowBroadRanges "yes"', () => WorkspaceAccess.public({ allowedCidrs: ['0.0.0.0/0'], allowBroadRanges: 'yes' } as any), "WorkspaceAccess.public: allowBroadRanges 'yes' must be true or false"],
    ['WorkspaceDns.zone(null)', () => WorkspaceDns.zone(null as any), 'WorkspaceDns.zone: options null must be an object: { zoneName, recordName, resourceGroupName?, ttlSeconds? }'],
    ['WorkspaceDns.zone recordName null', () => WorkspaceDns.zone({ zoneName: 'z', recordName: null } as any), 'WorkspaceDns.zone: recordName null must be a string'],
    ['WorkspaceTls.letsEncrypt(null)', () => WorkspaceTls.letsEncrypt(null as any), 'WorkspaceTls.letsEncrypt: options null must be an object: { email? }'],
    ['WorkspaceTls.selfSigned validityHours "24"', () => WorkspaceTls.selfSigned({ validityHours: '24' } as any), "WorkspaceTls.selfSigned: validityHours '24' must be a number"],
    ['labels as a Map', build({ target: GcpTarget.of(GCP), owner: 'alice@example.com', labels: new Map([['team', 'x']]) }), "GpuWorkspace 'alice': labels a Map must be an object of string values"],
    ['homeDiskSizeGiB 10n', build({ target: GcpTarget.of(GCP), owner: 'alice@example.com', homeDiskSizeGiB: 10n }), "GpuWorkspace 'alice': homeDiskSizeGiB 10n must be a number"],
    ['Gpu.of(42)', () => Gpu.of(42 as any), "Gpu.of: name 42 is not a GPU model name; give the cloud's accelerator type in lowercase letters, digits and '-', e.g. 'nvidia-h200-141gb'"],
    ['Gpu.of with a quote and newline', () => Gpu.of("a'\n--y"), "Gpu.of: name 'a'\n--y' is not a GPU model name"],
    ['WorkspaceAuth.connectionToken([])', () => WorkspaceAuth.connectionToken([] as any), 'WorkspaceAuth.connectionToken: options [] must be an object: { rotationDays? }'],
    ['WorkspaceAuth.sso([])', () => WorkspaceAuth.sso([] as any), 'WorkspaceAuth.sso: options [] must be an object'],
    ['WorkspaceTls.privateCa({})', () => WorkspaceTls.privateCa({} as any), 'WorkspaceTls.privateCa: caCertificatePem is required: { caCertificatePem, caPrivateKeyPem, validityHours? }'],
    ['WorkspaceDns.zone without recordName', () => WorkspaceDns.zone({ zoneName: 'z' } as any), 'WorkspaceDns.zone: recordName is required'],
    ['PolicySuppressions.add(x, "MLW-NET1")', () => PolicySuppressions.add(new TerraformStack(Testing.app(), 't'), 'MLW-NET1' as any), "PolicySuppressions 't': suppressions apply to a resource"],
    [
      'PolicySuppressions.add with a null entry',
      () => PolicySuppressions.add(new Construct(new TerraformStack(Testing.app(), 't'), 'c'), [null as any]),
      "PolicySuppressions 't/c': suppression null must be an object with a string id and reason",
    ],
    [
      'PolicySuppressions.add with a string',
      () => PolicySuppressions.add(new Construct(new TerraformStack(Testing.app(), 't'), 'c'), 'MLW-NET1' as any),
      "PolicySuppressions 't/c': suppressions 'MLW-NET1' must be a list: [{ id: 'MLW-NET1', reason: '...' }]",
    ],
    ['PolicySuppressions.add on a string', () => PolicySuppressions.add('stack' as any, []), "PolicySuppressions: construct 'stack' is not a construct"],
    ['WorkspaceTls.privateCa caCertificatePem 1', () => WorkspaceTls.privateCa({ caCertificatePem: 1, caPrivateKeyPem: 'k' } as any), 'WorkspaceTls.privateCa: caCertificatePem 1 must be a string'],
  ])('%s', (_name, f, message) => {
    expect(f).toThrow(message);
    try {
      f();
    } catch (e) {
      expect(e).not.toBeInstanceOf(TypeError);
    }
  });

  it.each([NaN, Infinity, -Infinity])('%s prints as itself', (value) => {
    expect(buildError({ homeDiskSizeGiB: value })).toBe(`GpuWorkspace 'alice': homeDiskSizeGiB ${value} must be a whole number from 10 to 65536`);
  });

  test('a nixpkgs pin from a GitHub owner name the bootstrap would refuse', () => {
    const nixpkgs = NixpkgsPin.of({ owner: 'evil org', rev: 'a'.repeat(40), narHash: `sha256-${'A'.repeat(43)}=` });
    expect(buildError({ nixpkgs })).toBe(
      "GpuWorkspace 'alice': nixpkgs.owner 'evil org' is not a GitHub owner or repository name (letters, digits, '.', '_', '-'); the machine's bootstrap refuses anything else",
    );
  });

  test('the GCP target used here is valid', () => {
    expect(() => build({ target: GcpTarget.of(GCP), owner: 'alice@example.com' })()).not.toThrow();
  });
});

describe('a private CA key passed through a Terraform variable', () => {
  const CA_PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
  const withKeyVariable = (options: { sensitive?: boolean; default?: string }) => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const key = new TerraformVariable(stack, 'ca_key', { type: 'string', ...options });
    return () =>
      new GpuWorkspace(stack, 'alice', {
        target: GcpTarget.of(GCP),
        owner: 'alice@example.com',
        tls: WorkspaceTls.privateCa({ caCertificatePem: CA_PEM, caPrivateKeyPem: key.stringValue }),
      });
  };

  test('with a default is refused: the default would be in cdk.tf.json', () => {
    expect(withKeyVariable({ sensitive: true, default: '-----BEGIN EC PRIVATE KEY-----' })).toThrow(
      "GpuWorkspace 'alice': tls.caPrivateKeyPem 'var.ca_key' is a Terraform variable with a default, which writes the key in clear text into cdk.tf.json; remove the default and pass the key at apply time (TF_VAR_...)",
    );
  });

  test('that is not sensitive is refused: plans would show it', () => {
    expect(withKeyVariable({})).toThrow(
      "GpuWorkspace 'alice': tls.caPrivateKeyPem 'var.ca_key' is a Terraform variable that is not sensitive, so plans and logs show the key; declare it with sensitive: true",
    );
  });

  test('that is sensitive and has no default is accepted', () => {
    expect(withKeyVariable({ sensitive: true })).not.toThrow();
  });
});
