#!/usr/bin/env node
// `npx cdktf-ml-workspace summary [outdir]`: what `cdktf synth` made, per stack: resource counts,
// each workspace's machine and URL, the policy checks' findings, and the outputs.
import { summarizeOutdir } from './summary';

const USAGE = 'usage: cdktf-ml-workspace summary [outdir]   (default: $CDKTF_OUTDIR or cdktf.out)';
const [command, outdir, ...rest] = process.argv.slice(2);
if (command === '--help' || command === '-h') {
  console.log(USAGE);
} else if (command !== 'summary' || rest.length > 0) {
  console.error(USAGE);
  process.exitCode = 2;
} else {
  try {
    console.log(summarizeOutdir(outdir ?? process.env.CDKTF_OUTDIR ?? 'cdktf.out'));
  } catch (e) {
    console.error((e as Error).message);
    process.exitCode = 1;
  }
}
