import { Aspects, TerraformStack, Testing } from 'cdktf';
import * as fc from 'fast-check';
import {
  CloudTarget,
  Gpu,
  GpuWorkspace,
  GpuWorkspaceProps,
  WorkspaceAccess,
  WorkspaceDns,
  WorkspacePolicyChecks,
  WorkspaceSize,
  WorkspaceTls,
} from 'cdktf-ml-workspace';
import { GCP } from '../util';
import { GcpTarget } from 'cdktf-ml-workspace-gcp';
import { AwsTarget } from 'cdktf-ml-workspace-aws';
import { AzureTarget } from 'cdktf-ml-workspace-azure';

const RFC1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;
/** The library's validation error: names the construct, then the prop. */
const VALIDATION_ERROR = /^GpuWorkspace '[^']*': [A-Za-z][\w.-]* /;

const anyText = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constant(''), fc.constant(' '));
/** Mostly valid values, sometimes anything: both outcomes must occur often. */
const mostly = <T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: invalid, weight: 1 });
const nameLike = mostly(fc.stringMatching(/^[a-z][a-z0-9-]{1,22}[a-z0-9]$/), anyText);
const labelLike = mostly(fc.stringMatching(/^[a-z][a-z0-9_-]{0,20}$/), anyText);
const intIn = (min: number, max: number) =>
  mostly(fc.integer({ min, max }), fc.oneof(fc.integer({ min: -10, max: 200_000 }), fc.double(), fc.constant(Number.NaN)));
const cidr = mostly(
  fc.constantFrom('203.0.113.0/24', '10.0.0.0/8', '198.51.100.0/24', '192.0.2.0/28'),
  fc.oneof(
    fc.constantFrom('0.0.0.0/0', '::/0', '2001:db8::/48', '0.0.0.0/1', '010.0.0.0/8', '10.0.0.0/08', ' 10.0.0.0/8'),
    fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 40 })).map(([ip, bits]) => `${ip}/${bits}`),
    anyText,
  ),
);

const gcpDns = fc.oneof(
  fc.constant(undefined),
  fc.constant(WorkspaceDns.none()),
  fc.constant(WorkspaceDns.cloudEndpoints()),
  fc.tuple(nameLike, mostly(fc.domain(), anyText)).map(([zoneName, recordName]) => WorkspaceDns.zone({ zoneName, recordName })),
);
const awsDns = fc.oneof(
  fc.constant(undefined),
  fc.constant(WorkspaceDns.none()),
  fc
    .tuple(mostly(fc.stringMatching(/^Z[A-Z0-9]{12,20}$/), anyText), mostly(fc.domain(), anyText))
    .map(([zoneName, recordName]) => WorkspaceDns.zone({ zoneName, recordName })),
);

const propsWith = (dns: fc.Arbitrary<WorkspaceDns | undefined>): fc.Arbitrary<Partial<GpuWorkspaceProps>> => fc.record(
  {
    workspaceName: nameLike,
    owner: mostly(fc.emailAddress(), anyText),
    size: mostly(fc.constantFrom(...Object.values(WorkspaceSize)), anyText.map((s) => s as WorkspaceSize)),
    gpu: mostly(fc.constantFrom(Gpu.NVIDIA_T4, Gpu.NVIDIA_L4, Gpu.NVIDIA_A100_40GB, Gpu.NVIDIA_A100_80GB), fc.oneof(fc.constantFrom(...Gpu.CATALOG), fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,30}$/).map((s) => Gpu.of(s)))),
    access: fc.oneof(
      fc.constant(WorkspaceAccess.private()),
      fc.array(cidr, { minLength: 1, maxLength: 3 }).map((allowedCidrs) => WorkspaceAccess.public({ allowedCidrs })),
    ),
    tls: fc.oneof(
      fc.constant(undefined),
      mostly(fc.emailAddress(), anyText).map((email) => WorkspaceTls.letsEncrypt({ email })),
      intIn(24, 87600).map((validityHours) => WorkspaceTls.selfSigned({ validityHours })),
    ),
    dns,
    spot: fc.boolean(),
    running: fc.boolean(),
    homeDiskSizeGiB: intIn(10, 65536),
    bootDiskSizeGiB: intIn(50, 65536),
    snapshotRetentionDays: intIn(1, 3650),
    idleStopMinutes: fc.oneof(fc.constant(0), intIn(5, 1440)),
    idleGpuUtilizationPercent: intIn(0, 100),
    idleCpuLoadPerCore: mostly(fc.double({ min: 0, max: 64, noNaN: true }), fc.oneof(fc.double(), fc.constant(Number.NaN))),
    maxRuntimeHours: intIn(1, 8760),
    costCenter: labelLike,
    labels: fc.dictionary(labelLike, labelLike, { maxKeys: 3 }),
  },
  { requiredKeys: [] },
);

function build(p: Partial<GpuWorkspaceProps>, target: CloudTarget = GcpTarget.of(GCP)): { json?: any; error?: Error } {
  const stack = new TerraformStack(Testing.app(), 'fuzz');
  try {
    new GpuWorkspace(stack, 'ws', { target, owner: 'owner@example.com', ...p });
  } catch (e) {
    return { error: e as Error };
  }
  // Where the fuzzed stack keeps its state is not under test (MLW-STATE1 has its own tests).
  Aspects.of(stack).add(new WorkspacePolicyChecks({ allowLocalState: true }));
  const json = JSON.parse(Testing.synth(stack));
  const findings = stack.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === '@cdktf/error' || m.type === '@cdktf/warn'))
    .map((m) => m.data);
  expect(findings).toEqual([]);
  return { json };
}

/**
 * Runs `runs` random prop sets against a target: each must either fail with the library's
 * validation error or synthesize a policy-clean stack that `check` accepts. Both outcomes must
 * occur often, or the generators are not exercising the construct.
 */
function fuzz(arbitrary: fc.Arbitrary<Partial<GpuWorkspaceProps>>, target: CloudTarget, runs: number, check: (json: any) => void): void {
  let built = 0;
  let refused = 0;
  fc.assert(
    fc.property(arbitrary, (p) => {
      const { json, error } = build(p, target);
      if (error) {
        refused++;
        expect(error).not.toBeInstanceOf(TypeError);
        expect(error.message).toMatch(VALIDATION_ERROR);
        return;
      }
      built++;
      check(json);
    }),
    { numRuns: runs, seed: Number(process.env.FUZZ_SEED ?? 20261124) },
  );
  expect(built).toBeGreaterThan(10);
  expect(refused).toBeGreaterThan(10);
}

test('random props either synthesize a policy-clean stack with valid names and labels, or fail with a validation error', () => {
  fuzz(propsWith(gcpDns), GcpTarget.of(GCP), 300, (json) => {
      for (const [type, byName] of Object.entries<Record<string, any>>(json.resource)) {
        for (const r of Object.values(byName)) {
          if (type.startsWith('google_compute_') && typeof r.name === 'string' && !r.name.startsWith('${')) {
            expect(r.name).toMatch(RFC1035);
            expect(r.name.length).toBeLessThanOrEqual(63);
          }
          for (const [k, v] of Object.entries<string>(r.labels ?? {})) {
            expect(k).toMatch(LABEL_KEY);
            expect(v).toMatch(LABEL_VALUE);
          }
        }
      }
  });
});

/** AWS name limits: IAM role and instance profile names 1-64 of [\w+=,.@-]; tag values at most 256. */
const IAM_NAME = /^[\w+=,.@-]{1,64}$/;

/** Tags on AWS and Azure: keys at most 128 characters (Azure 512), values at most 256. */
function expectTagsWithinLimits(json: any): void {
  for (const byName of Object.values<Record<string, any>>(json.resource)) {
    for (const r of Object.values(byName)) {
      for (const [k, v] of Object.entries<string>(r.tags ?? {})) {
        expect(k.length).toBeLessThanOrEqual(128);
        expect(v.length).toBeLessThanOrEqual(256);
      }
    }
  }
}

test('on AWS: random props synthesize a policy-clean stack within AWS name and tag limits, or fail with a validation error', () => {
  // gp3 volumes end at 16 TiB: most runs fit, one in ten keeps the generated sizes so the
  // refusal occurs too.
  const awsProps = fc.tuple(propsWith(awsDns), fc.nat(9)).map(([p, dice]) => {
    if (dice === 0) return p;
    const within = (value: number | undefined) => (typeof value === 'number' && value > 16384 ? 16384 : value);
    return { ...p, homeDiskSizeGiB: within(p.homeDiskSizeGiB), bootDiskSizeGiB: within(p.bootDiskSizeGiB) };
  });
  fuzz(awsProps, AwsTarget.of({ region: 'eu-west-1' }), 150, (json) => {
    for (const type of ['aws_iam_role', 'aws_iam_instance_profile']) {
      for (const r of Object.values<any>(json.resource[type] ?? {})) expect(r.name).toMatch(IAM_NAME);
    }
    expectTagsWithinLimits(json);
  });
});

/** Azure names: Key Vault 3-24 of [A-Za-z0-9-]; resource names at most 80 (64 for VMs' computer names). */
const KEY_VAULT_NAME = /^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/;
const azureDns = fc.oneof(
  fc.constant(undefined),
  fc.constant(WorkspaceDns.none()),
  fc.constant(WorkspaceDns.azureDomainLabel()),
  fc.tuple(mostly(fc.domain(), anyText)).map(([zone]) => WorkspaceDns.zone({ zoneName: zone, recordName: `alice.${zone}` })),
);

test('on Azure: random props synthesize a policy-clean stack within Azure name and tag limits, or fail with a validation error', () => {
  const target = AzureTarget.of({
    location: 'westeurope',
    imageId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/images/providers/Microsoft.Compute/images/ml-workspace-nixos',
    keyVaultAllowedCidrs: ['198.51.100.0/24'],
  });
  // Azure offers fewer GPU/size pairs, smaller disks (home 32767 GiB, boot 4095 GiB), backups of
  // at most 450 days, and refuses `running: false`: most runs fit those limits, one in ten keeps
  // the generated values so those refusals occur too.
  const azureProps = fc
    .tuple(
      propsWith(azureDns),
      fc.constantFrom<Gpu | undefined>(undefined, Gpu.NVIDIA_T4, Gpu.NVIDIA_A100_80GB, Gpu.NVIDIA_H100_80GB),
      fc.constantFrom(WorkspaceSize.SMALL, WorkspaceSize.MEDIUM),
      fc.nat(9),
    )
    .map(([p, gpu, size, dice]) => {
      if (dice === 0) return p;
      const within = (value: number | undefined, max: number) => (typeof value === 'number' && value > max ? max : value);
      return {
        ...p,
        gpu,
        size,
        running: undefined,
        homeDiskSizeGiB: within(p.homeDiskSizeGiB, 32767),
        bootDiskSizeGiB: within(p.bootDiskSizeGiB, 4095),
        snapshotRetentionDays: within(p.snapshotRetentionDays, 450),
      };
    });
  fuzz(azureProps, target, 150, (json) => {
    for (const vault of Object.values<any>(json.resource.azurerm_key_vault ?? {})) {
      // `<name>-<4 hex>` once the suffix is known: the literal part must leave room for it.
      expect(vault.name.replace(/\$\{random_id\.[^}]+\.hex\}/, 'abcd')).toMatch(KEY_VAULT_NAME);
    }
    expectTagsWithinLimits(json);
  });
});
