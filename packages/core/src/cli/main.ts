#!/usr/bin/env node
// `npx cdktf-ml-workspace summary [outdir]`: what `cdktf synth` made, per stack: resource counts,
// each workspace's machine and URL, the policy checks' findings, and the outputs.
import * as fs from 'fs';
import * as path from 'path';
import { summarizeOutdir } from './summary';

/**
 * A warning when the app's main program is newer than the output: cdktf stops at a policy error
 * before writing anything, so the output may be an earlier run's.
 */
function staleness(outdir: string): string | undefined {
  const manifest = path.join(outdir, 'manifest.json');
  if (!fs.existsSync(manifest)) return undefined;
  const written = fs.statSync(manifest).mtimeMs;
  const newer = ['main.ts', 'main.py', 'main.go'].filter((f) => fs.existsSync(f) && fs.statSync(f).mtimeMs > written);
  if (newer.length === 0) return undefined;
  return `warning: ${newer.join(', ')} changed after ${manifest} was written: this is an earlier synthesis. cdktf writes nothing when a policy check fails (set CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS=true to write the stack and see the errors here); synthesize again`;
}

const USAGE = 'usage: cdktf-ml-workspace summary [outdir]   (default: $CDKTF_OUTDIR or cdktf.out)';
const [command, outdir, ...rest] = process.argv.slice(2);
if (command === '--help' || command === '-h') {
  console.log(USAGE);
} else if (command !== 'summary' || rest.length > 0) {
  console.error(USAGE);
  process.exitCode = 2;
} else {
  try {
    const dir = outdir ?? (process.env.CDKTF_OUTDIR || 'cdktf.out');
    const stale = staleness(dir);
    if (stale) console.error(stale);
    console.log(summarizeOutdir(dir));
  } catch (e) {
    console.error((e as Error).message);
    process.exitCode = 1;
  }
}
