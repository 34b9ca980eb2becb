import * as fs from 'fs';
import * as path from 'path';

/** Resource counts by Terraform type, sorted by type. */
export function resourceCounts(stack: any): Array<[string, number]> {
  return Object.entries<Record<string, unknown>>(stack.resource ?? {})
    .map(([type, byName]): [string, number] => [type, Object.keys(byName).length])
    .sort(([a], [b]) => a.localeCompare(b));
}

/** An annotation cdktf recorded for a stack (policy findings are `[MLW-...]` ones). */
export interface StackAnnotation {
  readonly level: string;
  readonly message: string;
  readonly constructPath?: string;
}

/**
 * A short human summary of a synthesized stack: resource counts by type, each workspace's
 * machine and URL, what the policy checks found (or that they did not run), and the outputs.
 */
export function summarize(stackName: string, stack: any, file: string, annotations: StackAnnotation[] = []): string {
  const counts = resourceCounts(stack);
  const total = counts.reduce((n, [, c]) => n + c, 0);
  const lines = [`stack ${stackName}: ${total} resources -> ${file}`];
  for (const [type, count] of counts) lines.push(`  ${String(count).padStart(3)}  ${type}`);

  const outputs: Record<string, any> = stack.output ?? {};
  const workspaces = Object.keys(outputs)
    .filter((o) => o.endsWith('_machine') && outputs[`${o.slice(0, -'_machine'.length)}_url`])
    .map((o) => o.slice(0, -'_machine'.length))
    .sort();
  if (workspaces.length) {
    lines.push('  workspaces:');
    for (const w of workspaces) lines.push(`    ${w}: ${outputs[`${w}_machine`].value}, ${outputs[`${w}_url`].value}`);
  }

  const checks = stack['//']?.['ml-workspace']?.policyChecks;
  const findings = annotations.filter((a) => a.message.startsWith('[MLW-'));
  if (checks === undefined) {
    lines.push('  policy checks: not applied (add Aspects.of(stack).add(new WorkspacePolicyChecks()))');
  } else if (findings.length === 0) {
    lines.push(`  policy checks (${checks}): no findings`);
  } else {
    const errors = findings.filter((a) => a.level === '@cdktf/error').length;
    lines.push(`  policy checks (${checks}): ${errors} errors, ${findings.length - errors} warnings`);
    for (const a of findings) lines.push(`    ${a.level === '@cdktf/error' ? 'error' : 'warning'} ${a.constructPath ?? stackName}: ${a.message}`);
  }

  const entries = Object.entries<any>(outputs);
  if (entries.length) {
    lines.push('  outputs (values known after apply are shown as Terraform expressions):');
    for (const [outputName, output] of entries.sort(([a], [b]) => a.localeCompare(b))) lines.push(`    ${outputName}: ${output.value}`);
  }
  return lines.join('\n');
}

/** The summary of every stack of a cdktf output directory (`cdktf.out`). */
export function summarizeOutdir(outdir: string, relativeTo: string = process.cwd()): string {
  const manifestFile = path.join(outdir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    throw new Error(`${manifestFile} does not exist; synthesize first (cdktf synth), or pass the output directory`);
  }
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  return Object.entries<any>(manifest.stacks)
    .map(([name, s]) => {
      const file = path.join(outdir, s.synthesizedStackPath);
      const stack = JSON.parse(fs.readFileSync(file, 'utf8'));
      return summarize(name, stack, path.relative(relativeTo, file), s.annotations ?? []);
    })
    .join('\n');
}
