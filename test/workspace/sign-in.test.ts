/**
 * The `<name>_sign_in` output is a command people paste into a shell: it runs on Linux
 * (xdg-open) and macOS (open), and the URL is quoted so zsh does not glob its `?`.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { WorkspaceAccess, WorkspaceDns } from 'cdktf-ml-workspace';
import { gcpWorkspace } from '../util';

/** Runs `command` in bash with stand-ins for `gcloud` and for the opener(s) given; returns what was opened. */
function run(command: string, openers: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-workspace-sign-in-'));
  const opened = path.join(dir, 'opened');
  const tool = (name: string, body: string) => fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  tool('gcloud', 'printf tok123');
  for (const opener of openers) tool(opener, `printf '%s %s\\n' ${opener} "$*" >> ${opened}`);
  execFileSync('bash', ['-c', command], { env: { PATH: `${dir}:/usr/bin:/bin` }, stdio: 'ignore' });
  return fs.readFileSync(opened, 'utf8');
}

describe('the sign-in command', () => {
  const signIn = gcpWorkspace({
    access: WorkspaceAccess.public({ allowedCidrs: ['203.0.113.0/24'] }),
    dns: WorkspaceDns.zone({ zoneName: 'ml-zone', recordName: 'alice.ml.example.com' }),
  }).json.output.alice_sign_in.value;

  test('opens the IDE with its token through xdg-open on Linux', () => {
    expect(run(signIn, ['xdg-open', 'open'])).toBe('xdg-open https://alice.ml.example.com/?tkn=tok123\n');
  });

  test('through open on macOS, where there is no xdg-open', () => {
    expect(run(signIn, ['open'])).toBe('open https://alice.ml.example.com/?tkn=tok123\n');
  });

  test('quotes the URL, so no shell takes its ? for a glob', () => {
    expect(signIn).toBe(
      '"$(command -v xdg-open || echo open)" "https://alice.ml.example.com/?tkn=$(gcloud secrets versions access latest --secret=alice-connection-token --project=ml-prod-123)"',
    );
  });
});
