// Configurations that checkov scans besides the examples: each cloud's defaults (a private
// workspace) and each cloud with single sign-on. They synthesize offline like the examples, with
// the policy checks in production mode, into cdktf.out/scan/<name>/ at the repository root.
//
//   npx ts-node -r tsconfig-paths/register --project tsconfig.dev.json scripts/scan-configurations.ts
import * as fs from 'fs';
import * as path from 'path';
import { App, Aspects, AzurermBackend, GcsBackend, S3Backend, TerraformStack } from 'cdktf';
import { GpuWorkspace, SsoProvider, WorkspaceAccess, WorkspaceAuth, WorkspaceDns, WorkspacePolicyChecks } from 'cdktf-ml-workspace';
import { GcpTarget } from 'cdktf-ml-workspace-gcp';
import { AwsTarget } from 'cdktf-ml-workspace-aws';
import { AzureTarget } from 'cdktf-ml-workspace-azure';

/** Where the configurations are written. */
export const SCAN_DIR = path.resolve(__dirname, '..', 'cdktf.out', 'scan');

const GCP = GcpTarget.of({ project: 'ml-research-sandbox', region: 'europe-west4', zone: 'europe-west4-a' });
const AWS = AwsTarget.of({ region: 'eu-west-1' });
const AZURE_IMAGE =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ml-images/providers/Microsoft.Compute/galleries/mlworkspace/images/nixos/versions/1.0.0';
const azure = (ssoKeyVaultId?: string) =>
  AzureTarget.of({ location: 'westeurope', imageId: AZURE_IMAGE, keyVaultAllowedCidrs: ['198.51.100.0/24'], ssoKeyVaultId });

/** A stack as a platform team would write it: a remote, encrypted state backend and the checks. */
function stack(app: App, name: string, backend: (s: TerraformStack) => void): TerraformStack {
  const s = new TerraformStack(app, name);
  backend(s);
  Aspects.of(s).add(new WorkspacePolicyChecks({ production: true }));
  return s;
}
const gcs = (s: TerraformStack) => new GcsBackend(s, { bucket: 'ml-research-tfstate', prefix: 'scan' });
const s3 = (s: TerraformStack) =>
  new S3Backend(s, { bucket: 'ml-research-tfstate', key: 'scan.tfstate', region: 'eu-west-1', encrypt: true }).addOverride('use_lockfile', true);
const azurerm = (s: TerraformStack) =>
  new AzurermBackend(s, { resourceGroupName: 'ml-tfstate', storageAccountName: 'mlresearchtfstate', containerName: 'tfstate', key: 'scan.tfstate', useAzureadAuth: true });

/** The configurations by name; each builds its stacks into an app. */
export const SCAN_CONFIGURATIONS: Record<string, (app: App) => void> = {
  'gcp-private-default': (app) => {
    new GpuWorkspace(stack(app, 'gcp-private-default', gcs), 'alice', { target: GCP, owner: 'alice@example.com' });
  },
  'aws-private-default': (app) => {
    new GpuWorkspace(stack(app, 'aws-private-default', s3), 'alice', { target: AWS, owner: 'alice@example.com' });
  },
  'azure-private-default': (app) => {
    new GpuWorkspace(stack(app, 'azure-private-default', azurerm), 'alice', { target: azure(), owner: 'alice@example.com' });
  },
  'gcp-sso': (app) => {
    new GpuWorkspace(stack(app, 'gcp-sso', gcs), 'alice', {
      target: GCP,
      owner: 'alice@example.com',
      access: WorkspaceAccess.public({ allowedCidrs: ['203.0.113.0/24'] }),
      auth: WorkspaceAuth.sso({
        provider: SsoProvider.GOOGLE,
        clientId: '123456789012-abcdefghijklmnopqrstuvwxyz012345.apps.googleusercontent.com',
        clientSecretName: 'ml-workspace-oauth-client',
        allowedDomains: ['example.com'],
      }),
    });
  },
  'aws-sso': (app) => {
    new GpuWorkspace(stack(app, 'aws-sso', s3), 'alice', {
      target: AWS,
      owner: 'alice@example.com',
      access: WorkspaceAccess.public({ allowedCidrs: ['203.0.113.0/24'] }),
      dns: WorkspaceDns.zone({ zoneName: 'Z0123456789ABCDEFGHIJ', recordName: 'alice.ml.example.com' }),
      auth: WorkspaceAuth.sso({
        provider: SsoProvider.OIDC,
        clientId: 'ml-workspace',
        clientSecretName: 'ml/oauth-client',
        oidcIssuerUrl: 'https://login.example.com/realms/ml',
        allowedEmails: ['alice@example.com'],
      }),
    });
  },
  'azure-sso': (app) => {
    new GpuWorkspace(
      stack(app, 'azure-sso', azurerm),
      'alice',
      {
        target: azure('/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/identity/providers/Microsoft.KeyVault/vaults/sso-vault'),
        owner: 'alice@example.com',
        access: WorkspaceAccess.public({ allowedCidrs: ['203.0.113.0/24'] }),
        auth: WorkspaceAuth.sso({
          provider: SsoProvider.OIDC,
          clientId: '11111111-2222-3333-4444-555555555555',
          clientSecretName: 'ml-workspace-oauth-client',
          oidcIssuerUrl: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0',
          allowedDomains: ['example.com'],
        }),
      },
    );
  },
};

/** Synthesizes one configuration into `outdir`; returns the stack files by stack name. */
export function synthConfiguration(name: string, outdir: string): Record<string, string> {
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.mkdirSync(outdir, { recursive: true });
  const app = new App({ outdir });
  SCAN_CONFIGURATIONS[name](app);
  app.synth();
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  return Object.fromEntries(Object.entries<any>(manifest.stacks).map(([stackName, s]) => [stackName, path.join(outdir, s.synthesizedStackPath)]));
}

if (require.main === module) {
  // Configurations removed from the list must not be scanned from an old run.
  fs.rmSync(SCAN_DIR, { recursive: true, force: true });
  for (const name of Object.keys(SCAN_CONFIGURATIONS)) {
    for (const [stackName, file] of Object.entries(synthConfiguration(name, path.join(SCAN_DIR, name)))) {
      console.log(`scan configuration ${name}: stack ${stackName} -> ${path.relative(process.cwd(), file)}`);
    }
  }
}
