import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Aspects, TerraformStack } from 'cdktf';
import { Gpu, GpuWorkspace, GpuWorkspaceProps, WorkspaceAccess, WorkspaceDns, WorkspacePolicyChecks, WorkspaceSize, WorkspaceTls } from 'cdktf-ml-workspace';
import { summarizeOutdir } from 'cdktf-ml-workspace/lib/cli/summary';
import { GcpResources, GcpTarget } from 'cdktf-ml-workspace-gcp';
import { AwsTarget } from 'cdktf-ml-workspace-aws';
import { AzureTarget } from 'cdktf-ml-workspace-azure';
import { GCP } from '../util';

const AZURE = { location: 'westeurope', imageId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/images/nixos', keyVaultAllowedCidrs: [] };

/** Synthesizes one stack into a fresh cdktf.out and returns its directory. */
function synth(build: (stack: TerraformStack) => void, policy = true): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlw-summary-'));
  const app = new App({ outdir });
  const stack = new TerraformStack(app, 'team');
  build(stack);
  if (policy) Aspects.of(stack).add(new WorkspacePolicyChecks({ allowLocalState: true }));
  app.synth();
  return outdir;
}

describe("each workspace's machine: the machineType field and the <name>_machine output", () => {
  test.each<[string, Partial<GpuWorkspaceProps>, string]>([
    ['GCP, L4, MEDIUM', { target: GcpTarget.of(GCP), gpu: Gpu.NVIDIA_L4, size: WorkspaceSize.MEDIUM }, 'g2-standard-8 with 1 x nvidia-l4'],
    ['GCP, no GPU', { target: GcpTarget.of(GCP), size: WorkspaceSize.SMALL }, 'n2-standard-4, no GPU'],
    ['AWS, L4, LARGE', { target: AwsTarget.of({ region: 'eu-west-1' }), gpu: Gpu.NVIDIA_L4, size: WorkspaceSize.LARGE, tls: WorkspaceTls.selfSigned() }, 'g6.12xlarge with 4 x nvidia-l4'],
    [
      'AWS, a GPU outside the catalog on the target\'s instance type (its count is the type\'s)',
      { target: AwsTarget.of({ region: 'eu-west-1', instanceType: 'g6e.xlarge' }), gpu: Gpu.of('nvidia-l40s') },
      'g6e.xlarge with nvidia-l40s',
    ],
    ['Azure, T4, MEDIUM', { target: AzureTarget.of(AZURE), gpu: Gpu.NVIDIA_T4, size: WorkspaceSize.MEDIUM }, 'Standard_NC8as_T4_v3 with 1 x nvidia-t4'],
  ])('%s', (_what, props, machine) => {
    let workspace!: GpuWorkspace;
    const outdir = synth((stack) => {
      workspace = new GpuWorkspace(stack, 'alice', { owner: 'alice@example.com', ...props } as GpuWorkspaceProps);
    });
    const stack = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'team', 'cdk.tf.json'), 'utf8'));
    expect(stack.output.alice_machine).toEqual({ description: 'Machine type and GPUs', value: machine });
    expect(workspace.machineType).toBe(machine.split(/,| with /)[0]);
  });
});

describe('the summary CLI', () => {
  test('lists each workspace with its machine and URL, and says the checks found nothing', () => {
    const outdir = synth((stack) => {
      new GpuWorkspace(stack, 'alice', { target: GcpTarget.of(GCP), owner: 'alice@example.com', size: WorkspaceSize.SMALL, dns: WorkspaceDns.none() });
      new GpuWorkspace(stack, 'bob', { target: GcpTarget.of(GCP), owner: 'bob@example.com', gpu: Gpu.NVIDIA_T4, size: WorkspaceSize.SMALL });
    });
    const summary = summarizeOutdir(outdir, outdir);
    expect(summary.split('\n').slice(0, 1)).toEqual([expect.stringMatching(/^stack team: \d+ resources -> stacks\/team\/cdk\.tf\.json$/)]);
    expect(summary).toMatch(/\n {2}workspaces:\n {4}alice: n2-standard-4, no GPU, https:\/\/localhost:\d+\/\n/);
    expect(summary).toMatch(/\n {4}bob: n1-standard-4 with 1 x nvidia-t4, https:\/\/localhost:\d+\/\n/);
    expect(summary).toContain('\n  policy checks (default): no findings\n');
    expect(summary).toContain('\n    alice_machine: n2-standard-4, no GPU\n');
  });

  test('reports each finding with its level and resource (synthesized with CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS)', () => {
    process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = 'true';
    let outdir: string;
    try {
      outdir = synth((stack) => {
        const w = new GpuWorkspace(stack, 'alice', { target: GcpTarget.of(GCP), owner: 'alice@example.com' });
        GcpResources.ofWorkspace(w).instance.addOverride('network_interface.0.access_config', [{}]);
      });
    } finally {
      delete process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
    }
    const summary = summarizeOutdir(outdir, outdir);
    expect(summary).toMatch(/\n {2}policy checks \(default\): [1-9]\d* errors, \d+ warnings\n/);
    expect(summary).toMatch(/\n {4}error team\/alice\/Resource: \[MLW-NET3\] /);
  });

  test('says when the checks did not run at all', () => {
    const outdir = synth((stack) => {
      new GpuWorkspace(stack, 'alice', { target: GcpTarget.of(GCP), owner: 'alice@example.com', access: WorkspaceAccess.private() });
    }, false);
    expect(summarizeOutdir(outdir, outdir)).toContain('\n  policy checks: not applied (add Aspects.of(stack).add(new WorkspacePolicyChecks()))\n');
  });

  test('runs as a command, from the cdktf.out it is given or refuses with its usage', () => {
    const outdir = synth((stack) => {
      new GpuWorkspace(stack, 'alice', { target: GcpTarget.of(GCP), owner: 'alice@example.com' });
    });
    const main = path.resolve(__dirname, '..', '..', 'packages', 'core', 'src', 'cli', 'main.ts');
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', main, ...args], { encoding: 'utf8', env: { ...process.env, CDKTF_OUTDIR: '', TS_NODE_PROJECT: path.resolve(__dirname, '..', '..', 'tsconfig.dev.json') } });
    const ok = run('summary', outdir);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^stack team: \d+ resources -> /);
    const missing = run('summary', path.join(outdir, 'nothing-here'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('nothing-here/manifest.json does not exist; synthesize first (cdktf synth), or pass the output directory');
    // An app edited after the output was written: the output may be a run before an error.
    const app = fs.mkdtempSync(path.join(os.tmpdir(), 'mlw-app-'));
    fs.writeFileSync(path.join(app, 'main.ts'), '// edited\n');
    fs.utimesSync(path.join(outdir, 'manifest.json'), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const stale = spawnSync(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), main, 'summary', outdir], {
      cwd: app,
      encoding: 'utf8',
      env: { ...process.env, TS_NODE_PROJECT: path.resolve(__dirname, '..', '..', 'tsconfig.dev.json') },
    });
    expect(stale.status).toBe(0);
    expect(stale.stderr).toContain('warning: main.ts changed after');
    expect(stale.stderr).toContain('CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS=true');
    const wrong = run('sumary');
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('usage: cdktf-ml-workspace summary [outdir]');
  });
});
