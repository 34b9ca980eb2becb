// Rewrites nix/tests/documents/<cloud>.json, the machine documents the flake checks evaluate
// against the pinned nixpkgs, from what the constructs render now.
//
//   npx ts-node -r tsconfig-paths/register --project tsconfig.dev.json scripts/sample-documents.ts
import * as fs from 'fs';
import * as path from 'path';
import { SAMPLE_DOCUMENTS_DIR, sampleDocumentText, sampleDocuments } from '../test/nix/sample-documents';

for (const [cloud, doc] of Object.entries(sampleDocuments())) {
  const file = path.join(SAMPLE_DOCUMENTS_DIR, `${cloud}.json`);
  fs.writeFileSync(file, sampleDocumentText(doc));
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
