import { Aspects, TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import {
  CloudTarget,
  Gpu,
  GpuWorkspace,
  GpuWorkspaceProps,
  NixpkgsPin,
  PolicySuppressions,
  SsoOptions,
  SsoProvider,
  WorkspaceAccess,
  WorkspaceAuth,
  WorkspaceDns,
  WorkspacePolicyChecks,
  WorkspaceFleet,
  WorkspaceFleetDefaults,
  WorkspaceFleetMember,
  WorkspaceFleetProps,
  WorkspaceNetwork,
  WorkspaceNetworkProps,
  WorkspaceTls,
  GpuPackage,
  UsageExporter,
  UsageExporterProps,
} from 'cdktf-ml-workspace';
import { GCP } from '../util';
import { GcpTarget, GcpTargetOptions } from 'cdktf-ml-workspace-gcp';
import { AwsTarget, AwsTargetOptions, UsageCostAllocationTags, UsageCostAllocationTagsProps } from 'cdktf-ml-workspace-aws';
import { AzureTarget, AzureTargetOptions } from 'cdktf-ml-workspace-azure';

// Every prop, target option and SSO option, one at a time, set to values outside its shape:
// the wrong type, empty, huge, NaN and the infinities, unicode, quotes and newlines, Terraform
// expressions, the whole internet. Each must be refused with the library's error (construct,
// prop, value) or synthesize a stack the policy checks find clean and whose machine document
// carries no line break or quote into a command line; never a TypeError.

/** The library's validation error: names the construct (or factory), then the prop. */
const VALIDATION_ERROR = /^(GpuWorkspace '[^']*'|(?:Gcp|Aws|Azure)Target\.of|WorkspaceAuth\.\w+|WorkspaceAccess\.\w+|WorkspaceDns\.\w+|WorkspaceTls\.\w+): /;

const hostileString = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    "x' --email-domain=*",
    'a"b',
    'line\nbreak',
    'tab\there',
    '${var.secret}',
    '%{ for x in y }',
    '$(reboot)',
    '`id`',
    '0.0.0.0/0',
    '::/0',
    '../../etc/passwd',
    'ünïcödé',
    '🙂',
    '\u0000',
    'a'.repeat(5000),
  ),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
const hostileNumber = fc.oneof(
  fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, -1, 0, 0.5, 1e308, Number.MAX_SAFE_INTEGER + 2),
  fc.double(),
  fc.integer({ min: -1e9, max: 1e9 }),
);
/** Any value at all: what a JavaScript caller or a mistyped binding can hand in. */
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  hostileNumber,
  fc.constantFrom(null, true, false, {}, [], [''], ['0.0.0.0/0'], { toString: 'x' }, () => 'x', 10n, Symbol('x')),
  fc.constantFrom(new Map([['team', 'x']]), new Date(0), new (class Settings {})(), Object.create({ team: 'x' }), [, 'x'], new Set(['x'])),
);

/** Builds with one prop replaced; returns the error, or the synthesized JSON after the checks. */
function build(make: (stack: TerraformStack) => void): { json?: any; error?: Error } {
  const stack = new TerraformStack(Testing.app(), 'fuzz');
  try {
    make(stack);
  } catch (e) {
    return { error: e as Error };
  }
  Aspects.of(stack).add(new WorkspacePolicyChecks({ allowLocalState: true }));
  let json: any;
  try {
    json = JSON.parse(Testing.synth(stack, true));
  } catch (e) {
    return { error: e as Error };
  }
  const findings = stack.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === '@cdktf/error' || m.type === '@cdktf/warn'))
    .map((m) => String(m.data))
    // Warnings the library gives on purpose for a choice it cannot refuse.
    .filter((m) => !/^GpuWorkspace '[^']*': (gpu|workspaceName) /.test(m))
    // A fleet member without a principal is granted to nobody, which the fleet says.
    .filter((m) => !/^WorkspaceFleet '[^']*': member '[^']*' has no principal/.test(m));
  expect(findings).toEqual([]);
  return { json };
}

/** No string the machine reads may carry a line break, a carriage return or NUL (unit files, command lines). */
function expectPlainDocumentStrings(json: any): void {
  const documents = [
    ...Object.values<any>(json.resource?.google_compute_instance ?? {}).map((r) => r.metadata?.['ml-workspace-config']),
    ...Object.values<any>(json.resource?.aws_instance ?? {}).map((r) => r.user_data),
    ...Object.values<any>(json.locals ?? {}),
  ].filter((d): d is string => typeof d === 'string');
  expect(documents.length).toBeGreaterThan(0);
  for (const doc of documents) expect(doc).not.toMatch(/[\n\r\u0000]|\\n|\\r|\\u0000/);
}

function expectRefusedOrClean(outcome: { json?: any; error?: Error }): 'built' | 'refused' {
  if (outcome.error) {
    expect(outcome.error).not.toBeInstanceOf(TypeError);
    expect(outcome.error.message).toMatch(VALIDATION_ERROR);
    return 'refused';
  }
  expectPlainDocumentStrings(outcome.json);
  return 'built';
}

const RUNS = Number(process.env.FUZZ_HOSTILE_RUNS ?? 12);
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);

const AZURE: AzureTargetOptions = {
  location: 'westeurope',
  imageId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/images/providers/Microsoft.Compute/images/ml-workspace-nixos',
  keyVaultAllowedCidrs: ['198.51.100.0/24'],
};
const AWS: AwsTargetOptions = { region: 'eu-west-1' };

const PROPS: (keyof GpuWorkspaceProps)[] = [
  'owner',
  'workspaceName',
  'size',
  'gpu',
  'access',
  'tls',
  'auth',
  'dns',
  'spot',
  'running',
  'homeDiskSizeGiB',
  'bootDiskSizeGiB',
  'snapshotRetentionDays',
  'costCenter',
  'labels',
  'idleStopMinutes',
  'idleGpuUtilizationPercent',
  'idleCpuLoadPerCore',
  'maxRuntimeHours',
  'nixpkgs',
];

describe.each<[string, () => CloudTarget]>([
  ['GCP', () => GcpTarget.of(GCP)],
  ['AWS', () => AwsTarget.of(AWS)],
  ['Azure', () => AzureTarget.of(AZURE)],
])('on %s, one prop outside its shape', (_cloud, target) => {
  test.each(PROPS)('%s', (prop) => {
    fc.assert(
      fc.property(hostile, (value) => {
        expectRefusedOrClean(
          build((stack) => new GpuWorkspace(stack, 'alice', { target: target(), owner: 'alice@example.com', [prop]: value } as GpuWorkspaceProps)),
        );
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});

const TARGET_OPTIONS: [string, (value: unknown) => CloudTarget][] = [
  ...(['project', 'region', 'zone', 'machineType', 'network', 'subnetwork', 'subnetCidr', 'image', 'kmsKeyName', 'allowUnlistedRegion'] as (keyof GcpTargetOptions)[]).map(
    (k): [string, (value: unknown) => CloudTarget] => [`gcp.${k}`, (value) => GcpTarget.of({ ...GCP, [k]: value } as GcpTargetOptions)],
  ),
  ...(
    ['region', 'availabilityZone', 'vpcId', 'subnetId', 'vpcCidr', 'amiId', 'instanceType', 'kmsKeyArn', 'allowUnlistedRegion', 'securityGroupRulesQuota'] as (keyof AwsTargetOptions)[]
  ).map((k): [string, (value: unknown) => CloudTarget] => [`aws.${k}`, (value) => AwsTarget.of({ ...AWS, [k]: value } as AwsTargetOptions)]),
  ...(
    ['location', 'imageId', 'keyVaultAllowedCidrs', 'vmSize', 'resourceGroupName', 'subnetId', 'vnetCidr', 'adminSshPublicKey', 'ssoKeyVaultId', 'allowUnlistedLocation'] as (keyof AzureTargetOptions)[]
  ).map((k): [string, (value: unknown) => CloudTarget] => [`azure.${k}`, (value) => AzureTarget.of({ ...AZURE, [k]: value } as AzureTargetOptions)]),
];

describe('one target option outside its shape', () => {
  test.each(TARGET_OPTIONS)('%s', (_name, target) => {
    fc.assert(
      fc.property(hostile, (value) => {
        expectRefusedOrClean(build((stack) => new GpuWorkspace(stack, 'alice', { target: target(value), owner: 'alice@example.com' })));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});

const SSO_VAULT = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/identity/providers/Microsoft.KeyVault/vaults/sso-vault';
const SSO: SsoOptions = {
  provider: SsoProvider.OIDC,
  clientId: 'ml-workspace',
  clientSecretName: 'oauth-client',
  oidcIssuerUrl: 'https://login.example.com/realms/ml',
  allowedDomains: ['example.com'],
};

describe('one SSO option outside its shape, on every cloud', () => {
  const keys: (keyof SsoOptions)[] = ['provider', 'clientId', 'clientSecretName', 'oidcIssuerUrl', 'allowedEmails', 'allowedDomains', 'rotationDays'];
  const targets: [string, () => CloudTarget][] = [
    ['GCP', () => GcpTarget.of(GCP)],
    ['AWS', () => AwsTarget.of(AWS)],
    ['Azure', () => AzureTarget.of({ ...AZURE, ssoKeyVaultId: SSO_VAULT })],
  ];
  test.each(keys.flatMap((k) => targets.map(([cloud, t]): [string, string, () => CloudTarget] => [k, cloud, t])))('%s on %s', (key, _cloud, target) => {
    const values = fc.oneof(hostile, fc.array(hostileString, { minLength: 1, maxLength: 3 }));
    fc.assert(
      fc.property(values, (value) => {
        expectRefusedOrClean(
          build(
            (stack) =>
              new GpuWorkspace(stack, 'alice', {
                target: target(),
                owner: 'alice@example.com',
                access: WorkspaceAccess.public({ allowedCidrs: ['203.0.113.0/24'] }),
                dns: target().cloud === 'AWS' ? WorkspaceDns.zone({ zoneName: 'Z0123456789ABCDEFGHIJ', recordName: 'alice.ml.example.com' }) : undefined,
                auth: WorkspaceAuth.sso({ ...SSO, [key]: value } as SsoOptions),
              }),
          ),
        );
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});

describe('value factories outside their shape', () => {
  const makers: [string, (value: unknown) => void][] = [
    ['Gpu.of', (v) => new GpuWorkspace(new TerraformStack(Testing.app(), 'f'), 'alice', { target: GcpTarget.of({ ...GCP, machineType: 'a3-highgpu-1g' }), owner: 'alice@example.com', gpu: Gpu.of(v as string) })],
    ['NixpkgsPin.of', (v) => new GpuWorkspace(new TerraformStack(Testing.app(), 'f'), 'alice', { target: GcpTarget.of(GCP), owner: 'alice@example.com', nixpkgs: NixpkgsPin.of(v as any) })],
    ['NixpkgsPin.of rev', (v) => NixpkgsPin.of({ rev: v as string, narHash: 'sha256-Ti+ZBvW6yrWWAg2szExVTwCd4qOJ3KlVr1tFHfyfi8Q=' })],
    ['PolicySuppressions.add list', (v) => PolicySuppressions.add(new Construct(new TerraformStack(Testing.app(), 'f'), 'c'), v as any)],
    ['PolicySuppressions.add construct', (v) => PolicySuppressions.add(v as any, [{ id: 'MLW-NET1', reason: 'public git mirror, reviewed' }])],
    ['PolicySuppressions.add entry', (v) => PolicySuppressions.add(new Construct(new TerraformStack(Testing.app(), 'f'), 'c'), [v as any])],
    ['PolicySuppressions.add reason', (v) => PolicySuppressions.add(new Construct(new TerraformStack(Testing.app(), 'f'), 'c'), [{ id: 'MLW-NET1', reason: v as string }])],
    ['GpuPackage.of gpu', (v) => GpuPackage.of(v as Gpu)],
    ['GpuPackage.of count', (v) => GpuPackage.of(Gpu.NVIDIA_L4, v as number)],
  ];
  const LIBRARY_ERROR = /^(GpuWorkspace '[^']*'|Gpu\.of|GpuPackage\.of|NixpkgsPin\.of|PolicySuppressions( '[^']*')?): /;
  test.each(makers)('%s', (_name, make) => {
    fc.assert(
      fc.property(hostile, (value) => {
        try {
          make(value);
        } catch (e) {
          expect(e).not.toBeInstanceOf(TypeError);
          expect((e as Error).message).toMatch(LIBRARY_ERROR);
        }
      }),
      { numRuns: RUNS * 2, seed: SEED },
    );
  });
});

describe('factory options outside their shape', () => {
  const factories: [string, (value: unknown) => unknown][] = [
    ['WorkspaceAccess.public allowedCidrs', (v) => WorkspaceAccess.public({ allowedCidrs: v as string[] })],
    ['WorkspaceAccess.public allowedCidrs entry', (v) => WorkspaceAccess.public({ allowedCidrs: [v as string] })],
    ['WorkspaceTls.letsEncrypt email', (v) => WorkspaceTls.letsEncrypt({ email: v as string })],
    ['WorkspaceTls.selfSigned validityHours', (v) => WorkspaceTls.selfSigned({ validityHours: v as number })],
    ['WorkspaceDns.zone zoneName', (v) => WorkspaceDns.zone({ zoneName: v as string, recordName: 'alice.ml.example.com' })],
    ['WorkspaceDns.zone recordName', (v) => WorkspaceDns.zone({ zoneName: 'ml-zone', recordName: v as string })],
    ['WorkspaceAuth.connectionToken rotationDays', (v) => WorkspaceAuth.connectionToken({ rotationDays: v as number })],
    ['WorkspaceAuth.connectionToken options', (v) => WorkspaceAuth.connectionToken(v as any)],
    ['WorkspaceDns.zone ttlSeconds', (v) => WorkspaceDns.zone({ zoneName: 'ml-zone', recordName: 'alice.ml.example.com', ttlSeconds: v as number })],
    ['WorkspaceDns.zone resourceGroupName', (v) => WorkspaceDns.zone({ zoneName: 'ml-zone', recordName: 'alice.ml.example.com', resourceGroupName: v as string })],
    ['WorkspaceTls.privateCa caCertificatePem', (v) => WorkspaceTls.privateCa({ caCertificatePem: v as string, caPrivateKeyPem: '${var.ca_key}' })],
    ['WorkspaceTls.privateCa options', (v) => WorkspaceTls.privateCa(v as any)],
  ];
  test.each(factories)('%s', (_name, make) => {
    fc.assert(
      fc.property(hostile, (value) => {
        expectRefusedOrClean(
          build((stack) => {
            const made = make(value);
            const prop = made instanceof WorkspaceAccess ? 'access' : made instanceof WorkspaceTls ? 'tls' : made instanceof WorkspaceDns ? 'dns' : 'auth';
            new GpuWorkspace(stack, 'alice', { target: GcpTarget.of(GCP), owner: 'alice@example.com', [prop]: made } as GpuWorkspaceProps);
          }),
        );
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});

// The fleet and the shared network: each prop, default and member field outside its shape.
const FLEET_ERROR = /^(WorkspaceFleet '[^']*'( member '[^']*')?|WorkspaceNetwork '[^']*'|GpuPackage\.of|NixpkgsPin\.of): /;
const FLEET_RUNS = Math.max(1, Math.ceil(RUNS / 2));

function expectFleetRefusedOrClean(outcome: { json?: any; error?: Error }): void {
  if (outcome.error) {
    expect(outcome.error).not.toBeInstanceOf(TypeError);
    expect(outcome.error.message).toMatch(FLEET_ERROR);
    return;
  }
  if (outcome.json.resource) expectPlainDocumentStrings(outcome.json);
}

describe('WorkspaceNetwork props outside their shape, on every cloud', () => {
  const keys: (keyof WorkspaceNetworkProps)[] = ['networkName', 'costCenter', 'labels', 'target'];
  const targets: [string, () => CloudTarget][] = [
    ['GCP', () => GcpTarget.of(GCP)],
    ['AWS', () => AwsTarget.of(AWS)],
    ['Azure', () => AzureTarget.of(AZURE)],
  ];
  test.each(keys.flatMap((k) => targets.map(([cloud, t]): [string, string, () => CloudTarget] => [k, cloud, t])))('%s on %s', (key, _cloud, target) => {
    fc.assert(
      fc.property(hostile, (value) => {
        expectFleetRefusedOrClean(
          build((stack) => {
            const network = new WorkspaceNetwork(stack, 'team', { target: target(), [key]: value } as WorkspaceNetworkProps);
            new GpuWorkspace(stack, 'alice', { target: target(), network, owner: 'alice@example.com' });
          }),
        );
      }),
      { numRuns: FLEET_RUNS, seed: SEED },
    );
  });
});

describe('WorkspaceFleet props, defaults and member fields outside their shape', () => {
  const member: WorkspaceFleetMember = { name: 'alice', owner: 'alice@example.com' };
  const fleet = (stack: TerraformStack, props: Partial<WorkspaceFleetProps>, target: CloudTarget = GcpTarget.of(GCP)) =>
    new WorkspaceFleet(stack, 'vision', { target, members: [member], ...props } as WorkspaceFleetProps);
  const props: (keyof WorkspaceFleetProps)[] = ['fleetName', 'defaults', 'members', 'admins', 'nixpkgs', 'rollout', 'network', 'target'];
  test.each(props)('prop %s', (key) => {
    fc.assert(
      fc.property(hostile, (value) => expectFleetRefusedOrClean(build((stack) => fleet(stack, { [key]: value })))),
      { numRuns: FLEET_RUNS, seed: SEED },
    );
  });
  const defaults: (keyof WorkspaceFleetDefaults)[] = [
    'cpu', 'gpus', 'access', 'tls', 'auth', 'dns', 'spot', 'homeDiskSizeGiB', 'bootDiskSizeGiB', 'snapshotRetentionDays',
    'costCenter', 'labels', 'idleStopMinutes', 'idleGpuUtilizationPercent', 'idleCpuLoadPerCore', 'maxRuntimeHours',
  ];
  test.each(defaults)('defaults.%s', (key) => {
    fc.assert(
      fc.property(hostile, (value) => expectFleetRefusedOrClean(build((stack) => fleet(stack, { defaults: { [key]: value } as WorkspaceFleetDefaults })))),
      { numRuns: FLEET_RUNS, seed: SEED },
    );
  });
  const fields: (keyof WorkspaceFleetMember)[] = ['name', 'owner', 'principal', 'cpu', 'gpus', 'access', 'spot', 'running', 'homeDiskSizeGiB', 'costCenter', 'labels', 'canary'];
  test.each(fields.flatMap((k): [string, string, () => CloudTarget][] => [[k, 'GCP', () => GcpTarget.of(GCP)], [k, 'AWS', () => AwsTarget.of(AWS)]]))(
    'member.%s on %s',
    (key, _cloud, target) => {
      fc.assert(
        fc.property(hostile, (value) =>
          expectFleetRefusedOrClean(build((stack) => fleet(stack, { members: [{ ...member, [key]: value } as WorkspaceFleetMember] }, target()))),
        ),
        { numRuns: FLEET_RUNS, seed: SEED },
      );
    },
  );
});

// The usage exporter: each prop and budget field outside its shape, on every cloud.
const USAGE_ERROR = /^(UsageExporter '[^']*'|UsageExporter budget|(?:Gcp|Aws|Azure)Target\.of): /;

describe('UsageExporter props and budget fields outside their shape', () => {
  const budget = { monthlyAmount: 500, currency: 'USD', notify: ['finops@example.com'] };
  const targets: [string, () => CloudTarget, Record<string, unknown>][] = [
    ['GCP', () => GcpTarget.of(GCP), { billingAccount: '01ABCD-23EF45-6789AB' }],
    ['AWS', () => AwsTarget.of(AWS), {}],
    ['Azure', () => AzureTarget.of(AZURE), {}],
  ];
  const expectUsageRefusedOrClean = (outcome: { json?: any; error?: Error }) => {
    if (outcome.error) {
      expect(outcome.error).not.toBeInstanceOf(TypeError);
      expect(outcome.error.message).toMatch(USAGE_ERROR);
      return;
    }
    // Built: every name, label, amount and address the exporter wrote is plain (its SQL has line breaks on purpose).
    const plain: string[] = [];
    const walk = (node: unknown, key = ''): void => {
      if (typeof node === 'string' && /^(name|display_name|limit_amount|endpoint|dataset_id|bucket_prefix|tag_key|currency_code|units)$/.test(key)) plain.push(node);
      else if (Array.isArray(node)) node.forEach((n) => walk(n, key));
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === 'labels' || k === 'tags' || k === 'user_labels') plain.push(...Object.keys(v as object), ...Object.values(v as object).map(String));
          else walk(v, k);
        }
      }
    };
    walk(outcome.json.resource);
    expect(plain.length).toBeGreaterThan(0);
    for (const value of plain) expect(value).not.toMatch(/[\n\r\u0000]/);
  };
  const props = ['exporterName', 'billingAccount', 'budget', 'retentionDays', 'kmsKey', 'costCenter', 'target'];
  const fields = ['monthlyAmount', 'currency', 'alertAtPercent', 'notify', 'ownerAmounts'];
  const cases = [...props.map((k) => ['prop', k]), ...fields.map((k) => ['budget', k])].flatMap(([kind, key]) =>
    targets.map(([cloud, target, extra]): [string, string, string, () => CloudTarget, Record<string, unknown>] => [kind, key, cloud, target, extra]),
  );
  test.each(cases)('%s %s on %s', (kind, key, _cloud, target, extra) => {
    fc.assert(
      fc.property(hostile, (value) => {
        expectUsageRefusedOrClean(
          build((stack) => {
            const props = kind === 'prop' ? { target: target(), budget, ...extra, [key]: value } : { target: target(), ...extra, budget: { ...budget, [key]: value } };
            const usage = new UsageExporter(stack, 'usage', props as unknown as UsageExporterProps);
            usage.track(new GpuWorkspace(stack, 'alice', { target: target(), owner: 'alice@example.com' }));
          }),
        );
      }),
      { numRuns: FLEET_RUNS, seed: SEED },
    );
  });
});

describe('UsageCostAllocationTags props outside their shape', () => {
  test.each(['target', 'extraTagKeys'])('%s', (key) => {
    fc.assert(
      fc.property(hostile, (value) => {
        const outcome = build((stack) => new UsageCostAllocationTags(stack, 'tags', { target: AwsTarget.of(AWS), [key]: value } as unknown as UsageCostAllocationTagsProps));
        if (outcome.error) {
          expect(outcome.error).not.toBeInstanceOf(TypeError);
          expect(outcome.error.message).toMatch(/^(UsageCostAllocationTags 'tags'|AwsTarget\.of): /);
          return;
        }
        // Built: every activated key is a plain user tag key.
        for (const t of Object.values(outcome.json.resource.aws_ce_cost_allocation_tag) as any[]) {
          expect(t.tag_key).toMatch(/^[\p{L}\p{N} _.:/=+\-@]{1,128}$/u);
          expect(t.tag_key).not.toMatch(/^aws:/i);
        }
      }),
      { numRuns: FLEET_RUNS, seed: SEED },
    );
  });
});
