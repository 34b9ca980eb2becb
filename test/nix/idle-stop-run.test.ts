/**
 * Runs the idle check the machine runs (`systemd.services.ml-workspace-idle-stop.script`, taken
 * from the strict evaluation of a rendered GPU workspace) in bash, against stand-ins for ss,
 * nvidia-smi and systemctl, and reads what it decided.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Gpu, WorkspaceSize } from 'cdktf-ml-workspace';
import { gcpWorkspace, machineDoc } from '../util';
import { evaluateMachine } from './machine-eval';

jest.setTimeout(120_000);

interface Run {
  readonly stopped: boolean;
  readonly log: string;
  readonly state: Record<string, string>;
}

let script: string;

beforeAll(() => {
  // A GPU workspace; the load threshold at its maximum so that this machine's own load never
  // counts, and a stop command that only leaves a marker.
  const doc = machineDoc(
    gcpWorkspace({ gpu: Gpu.NVIDIA_L4, size: WorkspaceSize.MEDIUM, idleStopMinutes: 60, idleCpuLoadPerCore: 64 }).one('google_compute_instance'),
  );
  [script] = evaluateMachine('gcp', doc, ['systemd.services.ml-workspace-idle-stop.script'], [
    { mlWorkspace: { idleStop: { stopCommand: 'echo stopped >"$MARKER"' } } },
  ]).values;
});

/** Runs the check once with nvidia-smi answering `gpu` (a utilisation, or `fail`) and the given state files. */
function check(gpu: string, state: Record<string, number>): Run {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-workspace-idle-'));
  const bin = path.join(dir, 'bin');
  const runtime = path.join(dir, 'run');
  fs.mkdirSync(bin);
  fs.mkdirSync(runtime);
  const tool = (name: string, body: string) => fs.writeFileSync(path.join(bin, name), `#!/usr/bin/env bash\n${body}\n`, { mode: 0o755 });
  tool('ss', 'exit 0');
  tool('systemctl', 'echo active');
  tool('nvidia-smi', gpu === 'fail' ? 'echo "Failed to initialize NVML: Driver/library version mismatch" >&2; exit 18' : `echo ${gpu}`);
  const now = Math.floor(Date.now() / 1000);
  for (const [file, secondsAgo] of Object.entries(state)) {
    fs.writeFileSync(path.join(runtime, file), `${now - secondsAgo}\n`);
  }
  const scriptFile = path.join(dir, 'check.sh');
  fs.writeFileSync(scriptFile, script);
  const marker = path.join(dir, 'stopped');
  const result = execFileSync('bash', [scriptFile], {
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, RUNTIME_DIRECTORY: runtime, MARKER: marker },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const files = Object.fromEntries(fs.readdirSync(runtime).map((f) => [f, fs.readFileSync(path.join(runtime, f), 'utf8').trim()]));
  return { stopped: fs.existsSync(marker), log: result, state: files };
}

/** The check's one activity line (priority info, a JSON object), as the usage views read it once shipped. */
function activity(run: Run): Record<string, string> {
  const lines = run.log.split('\n').filter((l) => l.startsWith('<6>'));
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0].slice(3));
}

describe('the idle check of a GPU workspace (mlWorkspace.idleStop), run', () => {
  test('a busy GPU keeps the machine up', () => {
    const run = check('87', { 'last-busy': 7200 });

    expect(run.stopped).toBe(false);
    expect(run.log).toMatch(/^<7>busy \(GPU utilisation 87% >= 5%\)/m);
    expect(activity(run)).toEqual({ time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/), workspace: 'alice', owner: 'alice_example_com', state: 'busy' });
  });

  test('an idle GPU lets it stop after idleMinutes', () => {
    const run = check('0', { 'last-busy': 3700 });

    expect(run.stopped).toBe(true);
    expect(run.log).toMatch(/<5>stopping the machine: idle for 61 minutes, at least mlWorkspace\.idleStop\.idleMinutes \(60\)/);
    // The check that stops the machine still says it was idle, before it stops it.
    expect(run.log.indexOf('<6>{')).toBeLessThan(run.log.indexOf('<5>stopping'));
    expect(activity(run).state).toBe('idle');
  });

  test('nvidia-smi failing for the first time keeps the machine up, without counting as use', () => {
    const run = check('fail', { 'last-busy': 7200 });

    expect(run.stopped).toBe(false);
    expect(run.log).toMatch(/^<7>kept up \(GPU state unknown\)/m);
    expect(activity(run).state).toBe('kept-up');
    expect(Number(run.state['gpu-unknown-since'])).toBeGreaterThan(Date.now() / 1000 - 60);
    // The idle window keeps running: the machine stops idleMinutes after the failure began,
    // not idleMinutes after that.
    expect(Number(run.state['last-busy'])).toBeLessThan(Date.now() / 1000 - 7000);
  });

  // Before: GPU state unknown was busy for ever, so a broken driver (or a GPU-less machine with
  // the GPU stack) kept the machine running and billed until maxRuntimeHours, if set at all.
  test('nvidia-smi failing for longer than idleMinutes no longer keeps the machine up', () => {
    const run = check('fail', { 'last-busy': 3700, 'gpu-unknown-since': 3660 });

    expect(run.stopped).toBe(true);
    expect(run.log).toMatch(/GPU utilisation: nvidia-smi failing for 61 min/);
  });

  test('a working nvidia-smi again forgets the failure', () => {
    const run = check('50', { 'gpu-unknown-since': 600 });

    expect(run.stopped).toBe(false);
    expect(run.state['gpu-unknown-since']).toBeUndefined();
  });
});
