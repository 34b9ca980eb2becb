import * as fs from 'fs';
import * as path from 'path';

/** The examples directory. */
export const EXAMPLES_DIR = path.resolve(__dirname, '..', 'examples');

/** Names of the TypeScript examples (a directory with main.ts and cdktf.json). */
export function typescriptExamples(): string[] {
  return fs
    .readdirSync(EXAMPLES_DIR)
    .filter((d) => fs.existsSync(path.join(EXAMPLES_DIR, d, 'main.ts')) && fs.existsSync(path.join(EXAMPLES_DIR, d, 'cdktf.json')))
    .sort();
}

/**
 * Runs an example's main.ts in this process, exactly as `cdktf synth` would run it, writing to
 * `outdir`. Returns the synthesized stacks by name.
 */
export function synthExample(
  name: string,
  outdir: string,
  isolate: (load: () => void) => void = (load) => load(),
): Record<string, any> {
  const main = path.join(EXAMPLES_DIR, name, 'main.ts');
  const previous = process.env.CDKTF_OUTDIR;
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.mkdirSync(outdir, { recursive: true });
  process.env.CDKTF_OUTDIR = outdir;
  try {
    // A fresh module per run, so each synth builds a new App (under jest, pass
    // jest.isolateModules: jest keeps its own module registry).
    isolate(() => {
      delete require.cache[require.resolve(main)];
      require(main);
    });
  } finally {
    if (previous === undefined) delete process.env.CDKTF_OUTDIR;
    else process.env.CDKTF_OUTDIR = previous;
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  const stacks: Record<string, any> = {};
  for (const [stackName, stack] of Object.entries<any>(manifest.stacks)) {
    stacks[stackName] = JSON.parse(fs.readFileSync(path.join(outdir, stack.synthesizedStackPath), 'utf8'));
  }
  return stacks;
}

export { resourceCounts } from '../packages/core/src/cli/summary';
