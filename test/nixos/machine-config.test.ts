import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TerraformVariable } from 'cdktf';
import { GpuWorkspace, GpuWorkspaceProps, Gpu, SsoProvider, WorkspaceAccess, WorkspaceAuth, WorkspaceDns, WorkspaceTls } from 'cdktf-ml-workspace';
import { isDeclaredOptionPath, nixEvalExpr } from '../nix/nix-eval';
import { GCP, gcpWorkspace, machineDoc, synthStack } from '../util';
import { GcpTarget } from 'cdktf-ml-workspace-gcp';

const PUBLIC = WorkspaceAccess.public({ allowedCidrs: ['203.0.113.0/24'] });
const ZONE = WorkspaceDns.zone({ zoneName: 'ml', recordName: 'alice.ml.example.com' });

/** Dotted paths of every leaf value (lists count as leaves). */
function leafPaths(value: any, prefix: string): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, `${prefix}.${k}`));
}

const variants: Array<[string, Partial<GpuWorkspaceProps>]> = [
  ['defaults (private, self-signed, token)', {}],
  ['public, GPU, Let\'s Encrypt on a zone name', { access: PUBLIC, dns: ZONE, gpu: Gpu.NVIDIA_T4 }],
  [
    'SSO through OIDC with domains',
    {
      auth: WorkspaceAuth.sso({
        provider: SsoProvider.OIDC,
        clientId: 'ws',
        clientSecretName: 'oidc',
        oidcIssuerUrl: 'https://login.example.com/',
        allowedDomains: ['example.com'],
      }),
    },
  ],
];

describe.each(variants)('machine document: %s', (_name, props) => {
  const doc = machineDoc(gcpWorkspace(props).one('google_compute_instance'));

  test('every mlWorkspace key it sets is an option the NixOS modules declare', () => {
    const keys = leafPaths(doc.config.mlWorkspace, 'mlWorkspace');
    expect(keys.length).toBeGreaterThan(8);
    expect(keys.filter((k) => !isDeclaredOptionPath(k))).toEqual([]);
  });

  test('outside mlWorkspace it sets only the host name', () => {
    expect(Object.keys(doc.config).sort()).toEqual(['mlWorkspace', 'networking']);
    expect(doc.config.networking).toEqual({ hostName: 'alice' });
  });

  test('the image-side loader accepts it and passes the configuration through unchanged', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlw-doc-'));
    const file = path.join(dir, 'machine.json');
    fs.writeFileSync(file, JSON.stringify(doc));
    const loaded = nixEvalExpr<any>(
      '{ file }: (import ./nix/lib/machine-configuration.nix { machineJson = file; modulesPath = "/modules"; }).config',
      ['--argstr', 'file', file],
    );
    fs.rmSync(dir, { recursive: true, force: true });
    expect(loaded).toEqual(doc.config);
  });

  test('its nixpkgs pin passes the image-side pin check and names the exact archive', () => {
    // fetchTarball replaced by the identity: nothing is downloaded, the arguments are returned.
    const fetched = nixEvalExpr<any>(
      '{ document }: scopedImport { builtins = builtins // { fetchTarball = args: args; }; } ./nix/lib/pinned-nixpkgs.nix (builtins.fromJSON document)',
      ['--argstr', 'document', JSON.stringify(doc)],
    );
    expect(fetched).toEqual({
      name: 'nixpkgs-8fd9daa3db09',
      url: 'https://github.com/NixOS/nixpkgs/archive/8fd9daa3db09ced9700431c5b7ad0e8ba199b575.tar.gz',
      sha256: 'sha256-Ti+ZBvW6yrWWAg2szExVTwCd4qOJ3KlVr1tFHfyfi8Q=',
    });
  });
});

test('a document with values known only at apply time is rendered with jsonencode', () => {
  const s = synthStack((stack) => {
    const owner = new TerraformVariable(stack, 'owner', { type: 'string' });
    return new GpuWorkspace(stack, 'alice', {
      target: GcpTarget.of(GCP),
      owner: 'alice@example.com',
      access: PUBLIC,
      tls: WorkspaceTls.letsEncrypt({ email: owner.stringValue }),
      dns: ZONE,
    });
  });
  const value = s.one('google_compute_instance').metadata['ml-workspace-config'];
  expect(value.startsWith('${jsonencode({"schemaVersion" = 1, ')).toBe(true);
  expect(value).toContain('"acme" = {"enable" = true, "email" = var.owner}');
});
