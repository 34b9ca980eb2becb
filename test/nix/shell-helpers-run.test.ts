/**
 * Runs the shell functions the modules share (nix/lib/shell-helpers.nix) in bash, with a curl
 * that records how it was called and a sleep that does not wait: the retry policy, and that
 * metadata tokens reach curl on stdin, never on its command line.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { nixEvalFile } from './nix-eval';

const helpers = nixEvalFile<Record<string, string>>('nix/lib/shell-helpers.nix');

let scratch: string;
let bin: string;

beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-workspace-helpers-'));
  bin = path.join(scratch, 'bin');
  fs.mkdirSync(bin);
  // Each call's arguments one per line, then its stdin, then a separator.
  fs.writeFileSync(
    path.join(bin, 'curl'),
    [
      '#!/usr/bin/env bash',
      `{ printf '%s\\n' "$@"; echo '--stdin--'; if [ ! -t 0 ]; then cat; fi; echo '--end--'; } >>${scratch}/calls`,
      'case "$*" in',
      '  *api/token*) echo imds-session-token ;;',
      '  *oauth2/token*) echo \'{"access_token":"managed-identity-token"}\' ;;',
      '  *) echo answer ;;',
      'esac',
    ].join('\n'),
    { mode: 0o755 },
  );
  fs.writeFileSync(path.join(bin, 'sleep'), '#!/bin/sh\necho "sleep $1" >>' + path.join(scratch, 'sleeps') + '\n', { mode: 0o755 });
});

afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function run(script: string): { out: string; status: number; calls: string[][]; sleeps: string[] } {
  for (const f of ['calls', 'sleeps']) fs.rmSync(path.join(scratch, f), { force: true });
  const file = path.join(scratch, 'run.sh');
  fs.writeFileSync(file, `set -u\n${script}`);
  let out = '';
  let status = 0;
  try {
    out = execFileSync('bash', [file], { env: { PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e: any) {
    out = String(e.stdout);
    status = e.status;
  }
  const read = (f: string) => (fs.existsSync(path.join(scratch, f)) ? fs.readFileSync(path.join(scratch, f), 'utf8') : '');
  const calls = read('calls')
    .split('--end--\n')
    .filter(Boolean)
    .map((c) => c.split('\n').filter(Boolean));
  return { out, status, calls, sleeps: read('sleeps').split('\n').filter(Boolean) };
}

describe('retry', () => {
  test('retries a failing command with backoff 2, 4, ... capped at 60 s, then returns its status', () => {
    const r = run(`${helpers.retry}\nmax_attempts=8\nfail() { return 7; }\nretry fail; echo "status $?"`);
    expect(r.out.trim()).toBe('status 7');
    expect(r.sleeps).toEqual(['sleep 2', 'sleep 4', 'sleep 8', 'sleep 16', 'sleep 32', 'sleep 60', 'sleep 60']);
  });

  test('stops at once on RETRY_GIVE_UP_ON ("nothing there"), and only then', () => {
    const absent = run(`${helpers.retry}\nRETRY_GIVE_UP_ON=2\nnone() { return 2; }\nretry none; echo "status $?"`);
    expect(absent.out.trim()).toBe('status 2');
    expect(absent.sleeps).toEqual([]);
    const other = run(`${helpers.retry}\nmax_attempts=2\nnone() { return 2; }\nretry none; echo "status $?"`);
    expect(other.out.trim()).toBe('status 2');
    expect(other.sleeps).toEqual(['sleep 2']);
  });

  test('succeeds as soon as the command does', () => {
    const r = run(`${helpers.retry}\nn=0\nflaky() { n=$((n + 1)); [ "$n" -ge 3 ]; }\nretry flaky; echo "status $? after $n"`);
    expect(r.out.trim()).toBe('status 0 after 3');
    expect(r.sleeps).toEqual(['sleep 2', 'sleep 4']);
  });
});

describe('instance metadata', () => {
  test('aws_imds takes an IMDSv2 session token and hands it to curl on stdin', () => {
    const r = run(`${helpers.awsImds}\naws_imds meta-data/placement/region -fsS --max-time 5`);
    expect(r.out.trim()).toBe('answer');
    const [put, get] = r.calls;
    expect(put).toEqual(expect.arrayContaining(['-X', 'PUT', 'X-aws-ec2-metadata-token-ttl-seconds: 300', 'http://169.254.169.254/latest/api/token']));
    expect(get.slice(0, get.indexOf('--stdin--'))).toEqual(['-H', '@-', '-fsS', '--max-time', '5', 'http://169.254.169.254/latest/meta-data/placement/region']);
    expect(get.slice(get.indexOf('--stdin--') + 1)).toEqual(['X-aws-ec2-metadata-token: imds-session-token']);
  });

  test('azure_imds_token has curl URL-encode the resource, and prints only the token', () => {
    const r = run(`${helpers.azureImdsToken}\nazure_imds_token https://vault.azure.net`);
    expect(r.out.trim()).toBe('managed-identity-token');
    const [call] = r.calls;
    expect(call).toEqual(expect.arrayContaining(['Metadata: true', '--get', '--data-urlencode', 'resource=https://vault.azure.net', 'http://169.254.169.254/metadata/identity/oauth2/token']));
  });

  test('gce_metadata sends the Metadata-Flavor header to the metadata server', () => {
    const r = run(`${helpers.gceMetadata}\ngce_metadata instance/attributes/ml-workspace-config -sS`);
    expect(r.calls[0].slice(0, r.calls[0].indexOf('--stdin--'))).toEqual([
      '-H',
      'Metadata-Flavor: Google',
      '-sS',
      'http://metadata.google.internal/computeMetadata/v1/instance/attributes/ml-workspace-config',
    ]);
  });
});

test("no module reads another module's options through `or { }`: each imports what it reads", () => {
  const dir = path.join(__dirname, '..', '..', 'nix', 'modules');
  const offenders = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.nix'))
    .flatMap((f) =>
      fs
        .readFileSync(path.join(dir, f), 'utf8')
        .split('\n')
        .filter((line) => /config\.mlWorkspace\.[\w.]+\s+or\b|\(\w+\.enable or false\)/.test(line))
        .map((line) => `${f}: ${line.trim()}`),
    );
  expect(offenders).toEqual([]);
});
