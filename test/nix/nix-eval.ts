/**
 * Helpers for tests that check the NixOS modules in `nix/` with the real Nix
 * parser and evaluator (`nix-instantiate`, Debian's `nix-bin`). Nothing here
 * needs nixpkgs: files are parsed, and only self-contained expressions are
 * evaluated.
 *
 * When `nix-instantiate` is missing every helper throws with a message saying
 * how to install it: the Nix checks fail rather than skip, so CI cannot lose
 * them silently.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** Repository root. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The flake and its NixOS modules. */
export const NIX_DIR = path.join(REPO_ROOT, 'nix');

const NIX_INSTANTIATE = 'nix-instantiate';

/**
 * Parsing and pure evaluation never read or write a store; the dummy store
 * lets them run for users without a Nix daemon or access to /nix/var.
 */
const STORE_ARGS = ['--store', 'dummy://'];

const MISSING_MESSAGE =
  'nix-instantiate was not found on PATH. The Nix checks in test/nix need it: install ' +
  "Nix's command-line tools (Debian/Ubuntu: `apt-get install -y nix-bin`). CI installs it; " +
  'these tests fail instead of skipping so the checks cannot silently disappear.';

let available: boolean | undefined;

/**
 * Throws a clear error when `nix-instantiate` is not installed.
 */
export function requireNixInstantiate(): void {
  if (available === undefined) {
    try {
      execFileSync(NIX_INSTANTIATE, ['--version'], { stdio: ['ignore', 'pipe', 'pipe'] });
      available = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw e;
      }
      available = false;
    }
  }
  if (!available) {
    throw new Error(MISSING_MESSAGE);
  }
}

/** The outcome of one `nix-instantiate` run. */
export interface NixRun {
  /** Whether it exited with status 0. */
  readonly ok: boolean;
  /** Standard output. */
  readonly stdout: string;
  /** Standard error (Nix's error messages). */
  readonly stderr: string;
}

/**
 * Runs `nix-instantiate --store dummy:// ...args` in the repository root and
 * reports the outcome without throwing on a non-zero exit.
 */
export function runNixInstantiate(args: readonly string[]): NixRun {
  requireNixInstantiate();
  try {
    const stdout = execFileSync(NIX_INSTANTIATE, [...STORE_ARGS, ...args], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 16 * 1024 * 1024,
    });
    return { ok: true, stdout, stderr: '' };
  } catch (e) {
    const err = e as { status?: number | null; stdout?: string; stderr?: string };
    if (err.status === undefined) {
      throw e;
    }
    return { ok: false, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

/**
 * Runs `nix-instantiate` and returns its standard output; throws with Nix's
 * error message on failure.
 */
export function nixInstantiate(args: readonly string[]): string {
  const run = runNixInstantiate(args);
  if (!run.ok) {
    throw new Error(`nix-instantiate ${args.join(' ')} failed:\n${run.stderr}`);
  }
  return run.stdout;
}

/**
 * Evaluates a Nix file (`--eval --strict --json`) and parses the result.
 * @param file path relative to the repository root, or absolute
 * @param extraArgs further arguments, e.g. `['--argstr', 'name', 'value']`
 */
export function nixEvalFile<T>(file: string, extraArgs: readonly string[] = []): T {
  return JSON.parse(nixInstantiate(['--eval', '--strict', '--json', ...extraArgs, file])) as T;
}

/**
 * Evaluates a Nix expression (`--eval --strict --json --expr`) and parses the
 * result. Pass values with `--argstr` and take them as function arguments
 * rather than splicing them into the expression.
 */
export function nixEvalExpr<T>(expr: string, extraArgs: readonly string[] = []): T {
  return JSON.parse(nixInstantiate(['--eval', '--strict', '--json', ...extraArgs, '--expr', expr])) as T;
}

/**
 * Evaluates a Nix expression that is expected to fail and returns Nix's error
 * output; throws if the evaluation succeeds.
 */
export function nixEvalError(expr: string, extraArgs: readonly string[] = []): string {
  const run = runNixInstantiate(['--eval', '--strict', '--json', ...extraArgs, '--expr', expr]);
  if (run.ok) {
    throw new Error(`expected the evaluation to fail, but it returned ${run.stdout}`);
  }
  return run.stderr;
}

/**
 * Every `.nix` file under `dir`, as paths relative to the repository root,
 * sorted.
 */
export function listNixFiles(dir: string = NIX_DIR): string[] {
  const found: string[] = [];
  const visit = (current: string): void => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== '.git') {
          visit(full);
        }
      } else if (entry.isFile() && entry.name.endsWith('.nix')) {
        found.push(path.relative(REPO_ROOT, full).split(path.sep).join('/'));
      }
    }
  };
  visit(dir);
  return found.sort();
}

/** What `nix/tests/option-paths.nix` reports about the NixOS modules. */
export interface OptionDeclarations {
  /**
   * Every declared option as a dotted path, sorted. Attribute-set options
   * with sub-options appear with `<name>` in place of the attribute name,
   * e.g. `mlWorkspace.secrets.secrets.<name>.source`.
   */
  readonly paths: string[];
  /** Defaults that are plain JSON values, keyed by option path. */
  readonly defaults: Record<string, unknown>;
  /** Options declared without a type or description. */
  readonly undocumented: string[];
}

let declarations: OptionDeclarations | undefined;

/**
 * Evaluates `nix/tests/option-paths.nix` once per test process.
 */
export function optionDeclarations(): OptionDeclarations {
  if (declarations === undefined) {
    declarations = nixEvalFile<OptionDeclarations>('nix/tests/option-paths.nix');
  }
  return declarations;
}

/**
 * Every option path the workspace, secrets and idle-stop modules declare (sorted), for
 * checking that each key the renderer emits is a real NixOS option.
 */
export function declaredOptionPaths(): string[] {
  return [...optionDeclarations().paths];
}

/**
 * Whether a concrete dotted option path (e.g.
 * `mlWorkspace.secrets.secrets.connection-token.owner`) is declared, letting
 * `<name>` match any attribute name and `*` any list position.
 */
export function isDeclaredOptionPath(optionPath: string): boolean {
  const segments = optionPath.split('.');
  return declaredOptionPaths().some((declared) => {
    const pattern = declared.split('.');
    return (
      pattern.length === segments.length &&
      pattern.every((p, i) => p === segments[i] || p === '<name>' || p === '*')
    );
  });
}
