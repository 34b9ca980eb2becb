/**
 * The machine documents the flake checks evaluate against the pinned nixpkgs
 * (`nix/tests/documents/<cloud>.json`, see nix/flake.nix): one rendered workspace per cloud, with
 * the values Terraform fills in at apply time replaced by values of their shape. A test keeps the
 * files equal to what the constructs render; `npx ts-node scripts/sample-documents.ts` rewrites
 * them.
 */
import * as path from 'path';
import { Gpu, SsoProvider, WorkspaceAccess, WorkspaceAuth, WorkspaceDns, WorkspaceSize } from 'cdktf-ml-workspace';
import { parseJsonencode } from '../hcl';
import { azureWorkspace, gcpWorkspace, machineDoc } from '../util';
import { awsMachineDoc, awsWorkspace } from '../workspace/aws-util';
import { Cloud, concreteDocument } from './machine-eval';
import { NIX_DIR } from './nix-eval';

/** Where the flake checks read them. */
export const SAMPLE_DOCUMENTS_DIR = path.join(NIX_DIR, 'tests', 'documents');

/** Each cloud's sample: GCP private with an L4, AWS public with SSO and Let's Encrypt, Azure private. */
export function sampleDocuments(): Record<Cloud, any> {
  const gcp = machineDoc(gcpWorkspace({ gpu: Gpu.NVIDIA_L4, size: WorkspaceSize.MEDIUM }).one('google_compute_instance'));
  const aws = awsMachineDoc(
    awsWorkspace({
      access: WorkspaceAccess.public({ allowedCidrs: ['203.0.113.0/24'] }),
      dns: WorkspaceDns.zone({ zoneName: 'Z0123456789ABCDEFGHIJ', recordName: 'alice.ml.example.com' }),
      auth: WorkspaceAuth.sso({
        provider: SsoProvider.GITHUB,
        clientId: 'Iv1.0123456789abcdef',
        clientSecretName: 'github-oauth-client-secret',
        allowedEmails: ['alice@example.com'],
      }),
    }).one('aws_instance'),
  );
  const azure = azureWorkspace();
  return {
    gcp: concreteDocument(gcp, 'gcp'),
    aws: concreteDocument(aws, 'aws'),
    azure: concreteDocument(parseJsonencode(azure.json.locals[Object.keys(azure.json.locals)[0]]), 'azure'),
  };
}

/** A sample document as it is written to disk. */
export function sampleDocumentText(doc: unknown): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
