/**
 * Runs the machine's secret fetch (`systemd.services.ml-workspace-secrets.script`, from the strict
 * evaluation of the GCP sample document) in bash against a stand-in for the metadata server and
 * Secret Manager, in a scratch directory instead of /run: what it writes, what it leaves alone,
 * and the one `.changed` file the consumers' path units watch.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { evaluateMachine } from './machine-eval';
import { sampleDocuments } from './sample-documents';

jest.setTimeout(120_000);

const SECRETS_DIR = '/run/ml-workspace/secrets';

let script: string;
let scratch: string;
let store: string;
let bin: string;

beforeAll(() => {
  [script] = evaluateMachine('gcp', sampleDocuments().gcp, ['systemd.services.ml-workspace-secrets.script']).values;
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-workspace-secrets-'));
  store = path.join(scratch, 'secret-manager');
  bin = path.join(scratch, 'bin');
  fs.mkdirSync(store);
  fs.mkdirSync(bin);
  // The metadata server's token, and Secret Manager's latest version of each secret in `store`.
  fs.writeFileSync(
    path.join(bin, 'curl'),
    [
      '#!/usr/bin/env bash',
      'url="${@: -1}"',
      'case "$url" in',
      '  */token) echo \'{"access_token":"ya29.test"}\' ;;',
      `  https://secretmanager.googleapis.com/*) name=\${url%/versions/latest:access}; name=\${name##*/}; printf '{"payload":{"data":"%s"}}' "$(base64 -w0 < ${store}/"$name")" ;;`,
      '  *) exit 22 ;;',
      'esac',
    ].join('\n'),
    { mode: 0o755 },
  );
  // Ownership is the machine's business; here every file stays the test's.
  fs.writeFileSync(path.join(bin, 'chown'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
});

function fetchSecrets(): { dir: string; log: string } {
  const dir = path.join(scratch, 'run', 'secrets');
  const local = script.split(`'${SECRETS_DIR}'`).join(`'${dir}'`);
  expect(local).not.toContain(SECRETS_DIR);
  const file = path.join(scratch, 'fetch.sh');
  fs.writeFileSync(file, local);
  const log = execFileSync('bash', [file], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8' });
  return { dir, log };
}

const read = (dir: string, name: string) => fs.readFileSync(path.join(dir, name), 'utf8');

describe('the secret fetch (mlWorkspace.secrets), run', () => {
  test('writes every secret at boot and lists them all in .changed', () => {
    fs.writeFileSync(path.join(store, 'alice-connection-token'), 'token-1');
    fs.writeFileSync(path.join(store, 'alice-tls-cert'), 'cert-1');
    fs.writeFileSync(path.join(store, 'alice-tls-key'), 'key-1');

    const { dir } = fetchSecrets();

    expect(read(dir, 'connection-token')).toBe('token-1');
    expect(read(dir, 'tls-cert')).toBe('cert-1');
    expect((fs.statSync(path.join(dir, 'tls-key')).mode & 0o777).toString(8)).toBe('400');
    expect(read(dir, '.changed').split('\n').filter(Boolean).sort()).toEqual(
      ['connection-token', 'tls-cert', 'tls-key'].map((n) => path.join(dir, n)),
    );
  });

  test('a refresh with nothing new replaces no file and leaves .changed as it was', () => {
    const before = fetchSecrets();
    const inode = fs.statSync(path.join(before.dir, 'tls-cert')).ino;
    const changedAt = fs.statSync(path.join(before.dir, '.changed')).mtimeMs;

    const { dir, log } = fetchSecrets();

    expect(fs.statSync(path.join(dir, 'tls-cert')).ino).toBe(inode);
    expect(fs.statSync(path.join(dir, '.changed')).mtimeMs).toBe(changedAt);
    expect(log).toContain(`${dir}/tls-cert is up to date`);
  });

  test('a renewed certificate is replaced, and .changed names exactly the files that changed', () => {
    fs.writeFileSync(path.join(store, 'alice-tls-cert'), 'cert-2');
    fs.writeFileSync(path.join(store, 'alice-tls-key'), 'key-2');

    const { dir } = fetchSecrets();

    expect(read(dir, 'tls-cert')).toBe('cert-2');
    expect(read(dir, 'connection-token')).toBe('token-1');
    expect(read(dir, '.changed')).toBe(`${path.join(dir, 'tls-cert')}\n${path.join(dir, 'tls-key')}\n`);
  });

  test('a file no secret names is removed; .changed is kept', () => {
    const { dir: first } = fetchSecrets();
    fs.writeFileSync(path.join(first, 'left-over'), 'x');

    const { dir } = fetchSecrets();

    expect(fs.existsSync(path.join(dir, 'left-over'))).toBe(false);
    expect(fs.existsSync(path.join(dir, '.changed'))).toBe(true);
  });
});
