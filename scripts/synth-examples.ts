// Synthesizes every TypeScript example offline into examples/<name>/cdktf.out and prints, per
// stack, resource counts by type and the outputs a user cares about. No terraform binary, no
// provider download and no cloud credentials are needed.
//
//   npm run synth:examples [-- <example> ...]
import * as path from 'path';
import { summarizeOutdir } from '../packages/core/src/cli/summary';
import { EXAMPLES_DIR, synthExample, typescriptExamples } from './synth-lib';

const wanted = process.argv.slice(2);
const examples = typescriptExamples().filter((e) => wanted.length === 0 || wanted.includes(e));
if (examples.length === 0) {
  console.error(`no example matches ${wanted.join(', ')}; have ${typescriptExamples().join(', ')}`);
  process.exit(1);
}
for (const example of examples) {
  const outdir = path.join(EXAMPLES_DIR, example, 'cdktf.out');
  synthExample(example, outdir);
  console.log(`== examples/${example}`);
  console.log(summarizeOutdir(outdir));
}
