/**
 * Every prop GpuWorkspace renders into a NixOS option has the same bound on both sides: what
 * synthesis accepts, the machine's rebuild accepts, and the other way round. (A value synthesis
 * accepted and the option refused would fail every boot; `idleCpuLoadPerCore: 0` once did.)
 */
import * as path from 'path';
import { Gpu, GpuWorkspaceProps, SsoProvider, WorkspaceAccess, WorkspaceAuth } from 'cdktf-ml-workspace';
import { NIX_OPTION_BOUNDS, NixOptionBound } from 'cdktf-ml-workspace/lib/nixos/option-bounds';
import { NIX_DIR, nixEvalExpr } from '../nix/nix-eval';
import { buildError, gcpWorkspace, machineDoc } from '../util';

jest.setTimeout(60_000);

const MODULES = ['workspace', 'secrets', 'idle-stop'].map((m) => path.join(NIX_DIR, 'modules', `${m}.nix`));

/** For each probe, whether the NixOS option's type accepts the value, and the type's bounds. */
const PROBE_EXPR = `{ evaluator, modules, probes }:
  let
    options = (import evaluator { modules = map (m: /. + m) (builtins.fromJSON modules); }).options;
    typeAt = p: (builtins.foldl' (o: n: o.\${n}) options p).type;
    unwrap = t: if t.name == "nullOr" then t.elemType else t;
  in
  map (probe:
    let t = unwrap (typeAt probe.path); in {
      accepted = (typeAt probe.path).check probe.value;
      name = t.name;
      lo = t.lo or null;
      hi = t.hi or null;
      values = t.values or null;
    }) (builtins.fromJSON probes)`;

interface Probe {
  readonly path: string[];
  readonly value: unknown;
}
interface Verdict {
  readonly accepted: boolean;
  readonly name: string;
  readonly lo: number | null;
  readonly hi: number | null;
  readonly values: string[] | null;
}

function nixVerdicts(probes: Probe[]): Verdict[] {
  return nixEvalExpr<Verdict[]>(PROBE_EXPR, [
    '--argstr', 'evaluator', path.join(NIX_DIR, 'tests', 'eval-nixos.nix'),
    '--argstr', 'modules', JSON.stringify(MODULES),
    '--argstr', 'probes', JSON.stringify(probes),
  ]);
}

/** Values around each edge of a bound, and the shapes outside it. */
function probesFor(bound: NixOptionBound): number[] {
  const step = bound.integer ? 1 : 0.005;
  return [bound.min, bound.max, bound.min - step, bound.max + step, bound.min + step, (bound.min + bound.max) / 2, 1.5, -1, 0, 1e9];
}

/** Whether GpuWorkspace accepts the prop's value (with every other prop at its default). */
function synthAccepts(bound: NixOptionBound, value: number): boolean {
  try {
    buildError({ [bound.prop]: value, gpu: Gpu.NVIDIA_L4 } as Partial<GpuWorkspaceProps>);
    return false;
  } catch {
    // buildError throws when the construct did not: the value was accepted.
    return true;
  }
}

describe.each(NIX_OPTION_BOUNDS.map((b) => [b.prop, b] as const))('%s', (_prop, bound) => {
  const optionPath = bound.option.split('.');

  test(`has the bounds of ${bound.option}`, () => {
    const [verdict] = nixVerdicts([{ path: optionPath, value: bound.min }]);

    expect({ name: verdict.name, lo: verdict.lo, hi: verdict.hi }).toEqual({
      name: bound.integer ? 'intBetween' : 'numberBetween',
      lo: bound.min,
      hi: bound.max,
    });
  });

  test('synthesis and the NixOS option accept exactly the same values', () => {
    const values = probesFor(bound).filter((v) => !(v === 0 && bound.zero !== undefined));
    const nix = nixVerdicts(values.map((value) => ({ path: optionPath, value }))).map((v) => v.accepted);
    const ts = values.map((value) => synthAccepts(bound, value));

    expect(Object.fromEntries(values.map((v, i) => [v, ts[i]]))).toEqual(Object.fromEntries(values.map((v, i) => [v, nix[i]])));
  });

  if (bound.zero !== undefined) {
    test(`0 ${bound.zero}, and is never rendered into the option`, () => {
      expect(synthAccepts(bound, 0)).toBe(true);
      const doc = machineDoc(gcpWorkspace({ [bound.prop]: 0, gpu: Gpu.NVIDIA_L4 } as Partial<GpuWorkspaceProps>).one('google_compute_instance'));
      expect(optionPath.reduce((o: any, n) => o?.[n], doc.config)).toBeUndefined();
    });
  }

  test('NaN, infinities and non-numbers are refused at synthesis with the prop named', () => {
    for (const value of [NaN, Infinity, -Infinity, '5' as unknown as number]) {
      expect(buildError({ [bound.prop]: value } as Partial<GpuWorkspaceProps>)).toMatch(new RegExp(`^GpuWorkspace 'alice': ${bound.prop} `));
    }
  });
});

describe('the bound table covers every number the machine document carries', () => {
  test('each numeric setting of a document with every option set is an option in NIX_OPTION_BOUNDS', () => {
    const doc = machineDoc(
      gcpWorkspace({
        gpu: Gpu.NVIDIA_L4,
        idleStopMinutes: 45,
        idleGpuUtilizationPercent: 10,
        idleCpuLoadPerCore: 0.5,
        maxRuntimeHours: 12,
        access: WorkspaceAccess.public({ allowedCidrs: ['203.0.113.0/24'] }),
        auth: WorkspaceAuth.sso({ provider: SsoProvider.GOOGLE, clientId: 'x.apps.googleusercontent.com', clientSecretName: 'google-oauth' }),
      }).one('google_compute_instance'),
    );
    const numeric: string[] = [];
    const walk = (value: any, at: string[]) => {
      if (typeof value === 'number') numeric.push(at.join('.'));
      else if (value && typeof value === 'object' && !Array.isArray(value)) {
        for (const [k, v] of Object.entries(value)) walk(v, [...at, k]);
      }
    };
    walk(doc.config, []);

    expect(numeric.sort()).toEqual(NIX_OPTION_BOUNDS.map((b) => b.option).sort());
  });

  test('every SSO provider the props offer is a value of the NixOS option', () => {
    const [verdict] = nixVerdicts([{ path: ['mlWorkspace', 'workspace', 'oauth2Proxy', 'provider'], value: 'google' }]);

    expect(verdict.values).toEqual(expect.arrayContaining(Object.values(SsoProvider).map((p) => p.toLowerCase())));
  });
});
