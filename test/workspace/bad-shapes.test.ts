/**
 * What plain JavaScript, or another jsii language, can pass where TypeScript would refuse:
 * every such value gets the library's own error (construct, prop, value, fix), never a raw
 * TypeError.
 */
import { TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { CloudTarget, GpuWorkspace, GpuWorkspaceProps, NixpkgsPin, WorkspaceAccess, WorkspaceAuth, WorkspaceTls } from '../../src';
import { buildError, GCP } from '../util';

const build = (props: unknown) => () => new GpuWorkspace(new TerraformStack(Testing.app(), 'test'), 'alice', props as GpuWorkspaceProps);

describe('shapes outside the types', () => {
  it.each<[string, () => unknown, string]>([
    ['no props', build(undefined), "GpuWorkspace 'alice': props undefined must be an object: { target, owner, ... }"],
    [
      'no target',
      build({ owner: 'alice@example.com' }),
      "GpuWorkspace 'alice': target undefined must be a CloudTarget: CloudTarget.gcp({ project, region, zone }), CloudTarget.aws({ region }) or CloudTarget.azure({ location, imageId, keyVaultAllowedCidrs })",
    ],
    [
      'a target that is a plain object',
      build({ target: { project: 'p' }, owner: 'alice@example.com' }),
      'GpuWorkspace \'alice\': target {"project":"p"} must be a CloudTarget',
    ],
    ['CloudTarget.gcp(undefined)', () => CloudTarget.gcp(undefined as any), 'CloudTarget.gcp: options undefined must be an object: { project, region, zone }'],
    ['CloudTarget.aws(undefined)', () => CloudTarget.aws(undefined as any), 'CloudTarget.aws: options undefined must be an object: { region }'],
    ['CloudTarget.azure(42)', () => CloudTarget.azure(42 as any), 'CloudTarget.azure: options 42 must be an object: { location, imageId, keyVaultAllowedCidrs }'],
    ['WorkspaceAuth.sso(undefined)', () => WorkspaceAuth.sso(undefined as any), 'WorkspaceAuth.sso: options undefined must be an object: { provider, clientId, clientSecretName, allowedEmails?, allowedDomains? }'],
    ['WorkspaceAccess.public({})', () => WorkspaceAccess.public({} as any), "WorkspaceAccess.public: options {} must be an object with allowedCidrs, a list of CIDR ranges, e.g. { allowedCidrs: ['203.0.113.0/24'] }"],
    ['NixpkgsPin.of(null)', () => NixpkgsPin.of(null as any), 'NixpkgsPin.of: options null must be an object: { rev, narHash, owner?, repo? }'],
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
    expect(() => build({ target: CloudTarget.gcp(GCP), owner: 'alice@example.com' })()).not.toThrow();
  });
});

describe('a private CA key passed through a Terraform variable', () => {
  const CA_PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
  const withKeyVariable = (options: { sensitive?: boolean; default?: string }) => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const key = new TerraformVariable(stack, 'ca_key', { type: 'string', ...options });
    return () =>
      new GpuWorkspace(stack, 'alice', {
        target: CloudTarget.gcp(GCP),
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
