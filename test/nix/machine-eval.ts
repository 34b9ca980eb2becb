/**
 * Evaluates a workspace machine offline, as the bootstrap builds it (nix/tests/eval-machine.nix:
 * the cloud's image profile, the bootstrap and the machine document, over the models of nixpkgs
 * in nix/tests/nixpkgs and a strict module system), from a document the constructs rendered.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { NIX_DIR, nixEvalExpr, nixEvalError } from './nix-eval';

export type Cloud = 'gcp' | 'aws' | 'azure';

const EVAL_MACHINE = path.join(NIX_DIR, 'tests', 'eval-machine.nix');

const EXPR = `{ file, cloud, machineJson, paths, extra }:
  let
    e = import file {
      inherit cloud machineJson;
      extraModules = map (m: { _file = "test"; config = m; }) (builtins.fromJSON extra);
    };
  in
  {
    result = e.result;
    values = map e.value (builtins.fromJSON paths);
  }`;

/** What a secret reference looks like on each cloud, for values known only at apply time. */
const SECRET_SOURCE: Record<Cloud, (name: string) => string> = {
  gcp: (name) => `projects/ml-prod-123/secrets/${name}`,
  aws: (name) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}-AbCdEf`,
  azure: (name) => `https://alice-kv.vault.azure.net/secrets/${name}`,
};

/**
 * The document with the values Terraform fills in at apply time (`${...}` references) replaced by
 * values of the shape they will have: secret references, a DNS name, an address.
 */
export function concreteDocument(doc: any, cloud: Cloud): any {
  const reference = /\$\{[^}]*\}/;
  const visit = (value: any, key: string, parentKey: string): any => {
    if (typeof value === 'string' && reference.test(value)) {
      if (key === 'source') return SECRET_SOURCE[cloud](parentKey);
      if (key === 'url') return value.replace(/\$\{[^}]*\}/g, '203.0.113.10');
      return value.replace(/\$\{[^}]*\}/g, 'a1b2');
    }
    if (Array.isArray(value)) return value.map((v) => visit(v, key, parentKey));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(v, k, key)]));
    }
    return value;
  };
  return visit(doc, '', '');
}

function writeDocument(doc: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-workspace-machine-'));
  const file = path.join(dir, 'machine.json');
  fs.writeFileSync(file, JSON.stringify(doc));
  return file;
}

export interface MachineEvaluation {
  readonly failedAssertions: string[];
  readonly warnings: string[];
  /** The merged value of each asked-for option path, in order. */
  readonly values: any[];
}

function args(cloud: Cloud, doc: unknown, paths: string[][], extra: unknown[]): string[] {
  return [
    '--argstr', 'file', EVAL_MACHINE,
    '--argstr', 'cloud', cloud,
    '--argstr', 'machineJson', writeDocument(doc),
    '--argstr', 'paths', JSON.stringify(paths),
    '--argstr', 'extra', JSON.stringify(extra),
  ];
}

/**
 * Evaluates the machine strictly: every defined option forced, type-checked and merged by
 * priority. Throws with Nix's message on an undeclared, conflicting or ill-typed definition.
 * @param paths option paths whose merged values to return, e.g. `services.nginx.virtualHosts`
 * @param extra further modules' `config`, e.g. settings a test adds
 */
export function evaluateMachine(cloud: Cloud, doc: unknown, paths: string[] = [], extra: unknown[] = []): MachineEvaluation {
  const split = paths.map((p) => p.split('.'));
  const out = nixEvalExpr<{ result: { failedAssertions: string[]; warnings: string[] }; values: any[] }>(
    EXPR,
    args(cloud, doc, split, extra),
  );
  return { ...out.result, values: out.values };
}

/** The error Nix reports for a machine that must not evaluate. */
export function machineEvaluationError(cloud: Cloud, doc: unknown, extra: unknown[] = []): string {
  return nixEvalError(EXPR, args(cloud, doc, [], extra));
}
