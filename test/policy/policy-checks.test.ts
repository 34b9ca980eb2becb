import * as fs from 'fs';
import * as path from 'path';
import {
  Aspects,
  AzurermBackend,
  CloudBackend,
  DataTerraformRemoteStateHttp,
  ConsulBackend,
  GcsBackend,
  HttpBackend,
  LocalBackend,
  NamedCloudWorkspace,
  OssBackend,
  PgBackend,
  S3Backend,
  TerraformBackend,
  TerraformLocal,
  TerraformStack,
  TerraformVariable,
  Testing,
} from 'cdktf';
import { Construct } from 'constructs';
import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { UsageExporter, PolicySuppressions, WorkspacePolicyChecks, WorkspacePolicyChecksProps, GpuWorkspace, Gpu, WorkspaceAccess, WorkspaceDns } from 'cdktf-ml-workspace';
import { GCP } from '../util';
import { GcpResources, GcpTarget } from 'cdktf-ml-workspace-gcp';
import { AwsResources, AwsTarget } from 'cdktf-ml-workspace-aws';
import { AzureTarget } from 'cdktf-ml-workspace-azure';

/** The stack as `cdktf synth` writes it, `//` metadata included (Testing.synth strips it). */
function fullJson(stack: TerraformStack): any {
  const outdir = Testing.fullSynth(stack);
  return JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stack.node.id, 'cdk.tf.json'), 'utf8'));
}

/** The resources' findings; the stack gets a remote backend so the state rules stay out of them. */
function findings(stack: TerraformStack) {
  if (!stack.node.findAll().some((c) => TerraformBackend.isBackend(c))) new GcsBackend(stack, { bucket: 'tf-state', prefix: 'ml' });
  Aspects.of(stack).add(new WorkspacePolicyChecks());
  Testing.synth(stack);
  return stack.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === '@cdktf/error' || m.type === '@cdktf/warn').map((m) => [c.node.path, m.type, m.data]));
}

test('a workspace with defaults has no findings; nor does a public GPU one', () => {
  const stack = new TerraformStack(Testing.app(), 'test');
  new GpuWorkspace(stack, 'alice', { target: GcpTarget.of(GCP), owner: 'alice@example.com' });
  new GpuWorkspace(stack, 'bob', {
    target: GcpTarget.of(GCP),
    owner: 'bob@example.com',
    gpu: Gpu.NVIDIA_L4,
    access: WorkspaceAccess.public({ allowedCidrs: ['203.0.113.0/24'] }),
  });
  expect(findings(stack)).toEqual([]);
});

test('a workspace with a KMS key, a zone and SSO has no findings', () => {
  const stack = new TerraformStack(Testing.app(), 'test');
  new GpuWorkspace(stack, 'alice', {
    target: GcpTarget.of({ ...GCP, kmsKeyName: 'projects/p/locations/europe-west4/keyRings/r/cryptoKeys/k' }),
    owner: 'alice@example.com',
  });
  expect(findings(stack)).toEqual([]);
});

test('a public IP on a private workspace (changed through an escape hatch) is found', () => {
  const stack = new TerraformStack(Testing.app(), 'test');
  const ws = new GpuWorkspace(stack, 'alice', { target: GcpTarget.of(GCP), owner: 'alice@example.com' });
  GcpResources.ofWorkspace(ws).instance.addOverride('network_interface.0.access_config', [{}]);
  expect(findings(stack)).toEqual([
    ['test/alice/Resource', '@cdktf/error', "[MLW-NET3] The instance has a public IP (IPv4 or IPv6, its own, its subnet's, or an Elastic IP on its interface) although public access was not asked for. (checkov: CKV_GCP_40, CKV_AWS_88)"],
  ]);
});

test('AWS workspaces, private and public with every option, have no findings', () => {
  const stack = new TerraformStack(Testing.app(), 'test');
  new GpuWorkspace(stack, 'alice', { target: AwsTarget.of({ region: 'eu-west-1' }), owner: 'alice@example.com', gpu: Gpu.NVIDIA_L4 });
  const bob = new GpuWorkspace(stack, 'bob', {
    target: AwsTarget.of({ region: 'eu-west-1', kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/k' }),
    owner: 'bob@example.com',
    access: WorkspaceAccess.public({ allowedCidrs: ['203.0.113.0/24'] }),
    dns: WorkspaceDns.zone({ zoneName: 'Z0123456789ABCDEFGHIJ', recordName: 'bob.ml.example.com' }),
    spot: true,
  });
  bob.grantAccess('arn:aws:iam::123456789012:role/bob');
  expect(findings(stack)).toEqual([]);
});

test('AWS settings changed through escape hatches are found', () => {
  const stack = new TerraformStack(Testing.app(), 'test');
  const ws = new GpuWorkspace(stack, 'alice', { target: AwsTarget.of({ region: 'eu-west-1' }), owner: 'alice@example.com' });
  AwsResources.ofWorkspace(ws).instance.addOverride('associate_public_ip_address', true);
  AwsResources.ofWorkspace(ws).instance.addOverride('metadata_options.http_tokens', 'optional');
  AwsResources.ofWorkspace(ws).instance.addOverride('key_name', 'shared-key');
  AwsResources.ofWorkspace(ws).homeVolume.addOverride('encrypted', false);
  AwsResources.ofWorkspace(ws).homeVolume.addOverride('tags.ml-workspace-home', 'someone-else');
  expect(findings(stack)).toEqual([
    ['test/alice/HomeVolume', '@cdktf/error', expect.stringMatching(/^\[MLW-DISK2\] /)],
    ['test/alice/HomeVolume', '@cdktf/error', expect.stringMatching(/^\[MLW-ENC2\] /)],
    ['test/alice/Resource', '@cdktf/error', expect.stringMatching(/^\[MLW-NET3\] /)],
    ['test/alice/Resource', '@cdktf/error', expect.stringMatching(/^\[MLW-VM2\] /)],
    ['test/alice/Resource', '@cdktf/error', expect.stringMatching(/^\[MLW-VM3\] /)],
  ]);
});

test('Azure: a secret slipped into the machine document (kept in a local) is found', () => {
  const stack = new TerraformStack(Testing.app(), 'test');
  const ws = new GpuWorkspace(stack, 'alice', {
    target: AzureTarget.of({
      location: 'westeurope',
      imageId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/i/providers/Microsoft.Compute/images/nixos',
      keyVaultAllowedCidrs: [],
    }),
    owner: 'alice@example.com',
  });
  const local = ws.node.findChild('MachineDocument') as TerraformLocal;
  local.expression = '${jsonencode({"token" = random_password.alice_ConnectionToken_3B1AB0E2.result})}';
  expect(findings(stack)).toEqual([
    ['test/alice/Resource', '@cdktf/error', expect.stringMatching(/^\[MLW-META1\] /)],
  ]);
});

/** The stack-level findings of a stack built by `build`, under the given options. */
function stateFindings(build: (stack: TerraformStack) => void, props: WorkspacePolicyChecksProps = {}): [string, string][] {
  const stack = new TerraformStack(Testing.app(), 'prod');
  build(stack);
  Aspects.of(stack).add(new WorkspacePolicyChecks(props));
  Testing.synth(stack);
  return stack.node.metadata.map((m) => [m.type, String(m.data)]);
}

test('local state is a warning, an error in production, and acknowledged with allowLocalState', () => {
  const none = '[MLW-STATE1] The Terraform state is kept in a local backend (a warning; an error for a stack marked production; `allowLocalState: true` acknowledges it outside production). Found: no backend is configured, so Terraform keeps terraform.tfstate in the working directory.';
  expect(stateFindings(() => undefined)).toEqual([['@cdktf/warn', none]]);
  expect(stateFindings(() => undefined, { production: true })).toEqual([['@cdktf/error', none]]);
  expect(stateFindings(() => undefined, { allowLocalState: true })).toEqual([]);
  // An override that deletes the backend leaves local state, as cdktf synthesizes it.
  expect(
    stateFindings(
      (s) => {
        new GcsBackend(s, { bucket: 'tf-state' });
        s.addOverride('terraform.backend', undefined);
      },
      { production: true },
    ),
  ).toEqual([['@cdktf/error', none]]);
  expect(stateFindings((s) => new LocalBackend(s, { path: 'state/prod.tfstate' }), { production: true })).toEqual([
    ['@cdktf/error', expect.stringMatching(/^\[MLW-STATE1\] .* Found: the local backend keeps state in state\/prod\.tfstate\.$/)],
  ]);
});

test('remote backends that encrypt and verify TLS have no state findings, in production too', () => {
  const backends: ((s: TerraformStack) => void)[] = [
    (s) => new GcsBackend(s, { bucket: 'tf-state', prefix: 'ml' }),
    (s) => new S3Backend(s, { bucket: 'tf-state', key: 'ml.tfstate', region: 'eu-west-1', encrypt: true, dynamodbTable: 'tf-locks' }),
    (s) => new AzurermBackend(s, { resourceGroupName: 'tf', storageAccountName: 'tfstate', containerName: 'tfstate', key: 'ml.tfstate' }),
    (s) => new CloudBackend(s, { organization: 'acme', workspaces: new NamedCloudWorkspace('ml') }),
    (s) => new HttpBackend(s, { address: 'https://state.example.com/ml', lockAddress: 'https://state.example.com/ml/lock' }),
    (s) => new ConsulBackend(s, { path: 'ml', accessToken: 't', scheme: 'https' }),
    (s) => new PgBackend(s, { connStr: 'postgres://db.example.com/tf?sslmode=verify-full' }),
  ];
  for (const b of backends) expect(stateFindings(b, { production: true })).toEqual([]);
});

test('a backend that sends state in plain text or unverified is an error, in every mode', () => {
  const cases: [(s: TerraformStack) => void, string][] = [
    [(s) => new HttpBackend(s, { address: 'http://state.example.com/ml' }), "address 'http://state.example.com/ml' is not an https:// URL"],
    [(s) => new HttpBackend(s, { address: 'https://state.example.com/ml', unlockAddress: 'HTTP://state.example.com/u' }), "unlock_address 'HTTP://state.example.com/u' is not an https:// URL"],
    [(s) => new HttpBackend(s, { address: 'https://state.example.com/ml', skipCertVerification: true }), 'skip_cert_verification is true (the server certificate is not checked)'],
    [(s) => new ConsulBackend(s, { path: 'ml', accessToken: 't' }), "scheme is 'http' (the default); set scheme 'https'"],
    [(s) => new PgBackend(s, { connStr: 'postgres://db/tf?sslmode=disable' }), 'conn_str has sslmode=disable, which does not check the server; use sslmode=verify-full'],
    [(s) => new PgBackend(s, { connStr: 'host=db sslmode = require' }), 'conn_str has sslmode=require, which does not check the server; use sslmode=verify-full'],
    [(s) => new PgBackend(s, { connStr: 'postgres://db/tf' }), "conn_str sets no sslmode (the default, 'require', encrypts without checking the server); add sslmode=verify-full"],
    // Terraform reads the string "true" as true.
    [(s) => new HttpBackend(s, { address: 'https://state.example.com/ml', lockAddress: 'https://state.example.com/l' }).addOverride('skip_cert_verification', 'TRUE'), 'skip_cert_verification is "TRUE" (the server certificate is not checked)'],
    [(s) => new S3Backend(s, { bucket: 'b', key: 'k', encrypt: true, dynamodbTable: 't' }).addOverride('endpoints.sts', 'http://sts.internal'), "endpoints.sts 'http://sts.internal' is not an https:// URL"],
    [(s) => new OssBackend(s, { bucket: 'b', key: 'k', encrypt: true, endpoint: 'http://oss.internal' }), "endpoint 'http://oss.internal' is not an https:// URL"],
    [
      (s) => {
        new GcsBackend(s, { bucket: 'b' });
        new DataTerraformRemoteStateHttp(s, 'network', { address: 'http://state.example.com/network' });
      },
      "terraform_remote_state (http): address 'http://state.example.com/network' is not an https:// URL",
    ],
    [(s) => new S3Backend(s, { bucket: 'b', key: 'k', encrypt: true, dynamodbTable: 't', endpoints: { s3: 'http://minio.internal:9000' } }), "endpoints.s3 'http://minio.internal:9000' is not an https:// URL"],
    [(s) => new S3Backend(s, { bucket: 'b', key: 'k', encrypt: true, dynamodbTable: 't', insecure: true }), 'insecure is true (TLS certificates are not verified)'],
    // An escape hatch on the backend is seen.
    [(s) => new HttpBackend(s, { address: 'https://state.example.com/ml' }).addOverride('address', 'http://10.0.0.5/ml'), "address 'http://10.0.0.5/ml' is not an https:// URL"],
  ];
  for (const [build, problem] of cases) {
    const found = stateFindings(build).filter(([, m]) => m.startsWith('[MLW-STATE2]'));
    expect(found).toEqual([['@cdktf/error', expect.stringMatching(/^\[MLW-STATE2\] State is sent in plain text or without checking the server/)]]);
    expect(found[0][1]).toContain(`Found: ${problem}.`);
  }
});

test('an S3 backend without encrypt is a warning, an error in production', () => {
  const build = (s: TerraformStack) => new S3Backend(s, { bucket: 'b', key: 'k', region: 'eu-west-1', dynamodbTable: 't' });
  const message = '[MLW-STATE3] The state backend does not ask for the state to be encrypted at rest: s3, oss or cos without encrypt = true (a warning; an error for a stack marked production). Found: the s3 backend has encrypt unset.';
  expect(stateFindings(build)).toEqual([['@cdktf/warn', message]]);
  expect(stateFindings(build, { production: true })).toEqual([['@cdktf/error', message]]);
  expect(stateFindings((s) => new S3Backend(s, { bucket: 'b', key: 'k', encrypt: false, dynamodbTable: 't' }), { production: true })).toEqual([
    ['@cdktf/error', expect.stringContaining('Found: the s3 backend has encrypt false.')],
  ]);
  expect(stateFindings((s) => new OssBackend(s, { bucket: 'b', key: 'k' }))[0][1]).toContain('Found: the oss backend has encrypt unset.');
  // A stack override that turns encryption off is seen.
  const overridden = (s: TerraformStack) => {
    new S3Backend(s, { bucket: 'b', key: 'k', encrypt: true, dynamodbTable: 't' });
    s.addOverride('terraform.backend.s3.encrypt', false);
  };
  expect(stateFindings(overridden).filter(([, m]) => m.startsWith('[MLW-STATE3]'))).toEqual([
    ['@cdktf/warn', expect.stringContaining('Found: the s3 backend has encrypt false.')],
  ]);
  // ...and one that deletes encrypt; the string "true" counts as true.
  const deleted = (s: TerraformStack) => {
    new S3Backend(s, { bucket: 'b', key: 'k', encrypt: true, dynamodbTable: 't' });
    s.addOverride('terraform.backend.s3.encrypt', undefined);
  };
  expect(stateFindings(deleted, { production: true })).toEqual([['@cdktf/error', expect.stringContaining('Found: the s3 backend has encrypt unset.')]]);
  expect(stateFindings((s) => new S3Backend(s, { bucket: 'b', key: 'k', dynamodbTable: 't' }).addOverride('encrypt', 'true'), { production: true })).toEqual([]);
});

test('a backend that does not lock is a warning, an error in production', () => {
  const message = '[MLW-STATE4] The state backend does not lock the state: s3 without use_lockfile or dynamodb_table, http without lock_address (a warning; an error for a stack marked production).';
  expect(stateFindings((s) => new S3Backend(s, { bucket: 'b', key: 'k', encrypt: true }))).toEqual([
    ['@cdktf/warn', `${message} Found: the s3 backend sets neither use_lockfile nor dynamodb_table.`],
  ]);
  expect(stateFindings((s) => new HttpBackend(s, { address: 'https://state.example.com/ml' }), { production: true })).toEqual([
    ['@cdktf/error', `${message} Found: the http backend has no lock_address.`],
  ]);
  expect(stateFindings((s) => new S3Backend(s, { bucket: 'b', key: 'k', encrypt: true }).addOverride('use_lockfile', true), { production: true })).toEqual([]);
});

test('Consul over an https:// address needs no scheme', () => {
  expect(stateFindings((s) => new ConsulBackend(s, { path: 'ml', accessToken: 't', address: 'https://consul.example.com:8501' }), { production: true })).toEqual([]);
});

test('the checks refuse options that are not booleans, and local state in production', () => {
  expect(() => new WorkspacePolicyChecks({ production: 'yes' as any })).toThrow("WorkspacePolicyChecks: production 'yes' is not a boolean; pass true or false");
  expect(() => new WorkspacePolicyChecks({ allowLocalState: 1 as any })).toThrow('WorkspacePolicyChecks: allowLocalState 1 is not a boolean; pass true or false');
  expect(() => new WorkspacePolicyChecks(null as any)).toThrow('WorkspacePolicyChecks: props null are not an object; pass e.g. { production: true }');
  expect(() => new WorkspacePolicyChecks({ production: true, allowLocalState: true })).toThrow(
    'WorkspacePolicyChecks: allowLocalState cannot be combined with production: a production stack keeps its state in a remote, locked, encrypted backend',
  );
});

test('a finding is an error annotation on the resource naming rule and checkov id', () => {
  const stack = new TerraformStack(Testing.app(), 'test');
  new ComputeFirewall(stack, 'ssh', { name: 'ssh', network: 'n', sourceRanges: ['0.0.0.0/0'], allow: [{ protocol: 'tcp', ports: ['22'] }] });
  expect(findings(stack)).toEqual([
    ['test/ssh', '@cdktf/error', '[MLW-NET1] Ingress from the internet (ranges covering more than an IPv4 /8 or IPv6 /32, a GCP rule with no source, Azure Internet, AzureCloud or *) is allowed to something other than ports 80 and 443. (checkov: CKV_GCP_3, CKV_AWS_25, CKV_AZURE_9)'],
    ['test/ssh', '@cdktf/error', '[MLW-NET2] SSH (port 22) is reachable from the internet (ranges covering more than an IPv4 /8 or IPv6 /32, a GCP rule with no source, Azure Internet, AzureCloud or *). (checkov: CKV_GCP_2, CKV_AWS_24, CKV_AZURE_10)'],
  ]);
});

test('a suppression with a reason silences one rule and is recorded for reviewers', () => {
  const stack = new TerraformStack(Testing.app(), 'test');
  new GoogleProvider(stack, 'google', { project: 'p' });
  const fw = new ComputeFirewall(stack, 'git', { name: 'git', network: 'n', sourceRanges: ['0.0.0.0/0'], allow: [{ protocol: 'tcp', ports: ['9418'] }] });
  PolicySuppressions.add(fw, [{ id: 'MLW-NET1', reason: 'public read-only git mirror, reviewed by security' }]);
  expect(findings(stack)).toEqual([]);
  const json = fullJson(stack);
  expect(Object.values<any>(json.resource.google_compute_firewall)[0]['//'].ml_workspace_policy_suppressions).toEqual([
    { id: 'MLW-NET1', reason: 'public read-only git mirror, reviewed by security' },
  ]);
});

test('a suppression on a workspace covers its resources and shows on each of them', () => {
  const stack = new TerraformStack(Testing.app(), 'test');
  const ws = new GpuWorkspace(stack, 'alice', { target: GcpTarget.of(GCP), owner: 'alice@example.com' });
  GcpResources.ofWorkspace(ws).instance.addOverride('network_interface.0.access_config', [{}]);
  PolicySuppressions.add(ws, [{ id: 'MLW-NET3', reason: 'temporary public IP for a vendor demo, ticket SEC-42' }]);
  expect(findings(stack)).toEqual([]);
  const json = fullJson(stack);
  const instance = Object.values<any>(json.resource.google_compute_instance)[0];
  expect(instance['//'].ml_workspace_policy_suppressions).toEqual([{ id: 'MLW-NET3', reason: 'temporary public IP for a vendor demo, ticket SEC-42' }]);
  expect(instance['//'].metadata.path).toBe('test/alice/Resource');
});

test.each([
  [{ id: 'NET1', reason: 'a long enough reason' }, "PolicySuppressions 'test/fw': id 'NET1' is not a rule id; use one like 'MLW-NET1' (see RULES.md)"],
  [{ id: 'MLW-NET1', reason: 'because' }, "PolicySuppressions 'test/fw': reason 'because' for MLW-NET1 is too short; explain in at least 10 characters why the finding is acceptable"],
])('a suppression %j is refused', (suppression, message) => {
  const stack = new TerraformStack(Testing.app(), 'test');
  const fw = new ComputeFirewall(stack, 'fw', { name: 'fw', network: 'n' });
  expect(() => PolicySuppressions.add(fw, [suppression])).toThrow(message);
});

test('RULES.md lists every rule exactly as the code defines it', () => {
  const rows = WorkspacePolicyChecks.rules().map(
    (r) => `| ${r.id} | ${r.level.toLowerCase()}${r.productionLevel && r.productionLevel !== r.level ? ` (production: ${r.productionLevel.toLowerCase()})` : ''} | ${r.explanation} | ${r.why} | ${r.checkovId ?? '-'} |`,
  );
  const expected = [
    '# Policy rules',
    '',
    'Applied by `WorkspacePolicyChecks` (`Aspects.of(stack).add(new WorkspacePolicyChecks())`); an error finding fails synthesis. Generated from `src/policy/rules/`; a test keeps this file in sync.',
    '',
    '| id | level | what | why | checkov |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
  const file = path.join(__dirname, '..', '..', 'RULES.md');
  if (process.env.UPDATE_RULES_MD === '1') fs.writeFileSync(file, expected);
  expect(fs.readFileSync(file, 'utf8')).toBe(expected);
});

test("MLW-DATA1 sees a usage exporter's dataset opened to everyone through an escape hatch", () => {
  const exporter = () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    return { stack, usage: new UsageExporter(stack, 'usage', { target: GcpTarget.of(GCP), billingAccount: '01ABCD-23EF45-6789AB' }) };
  };
  expect(findings(exporter().stack)).toEqual([]);
  const { stack, usage } = exporter();
  GcpResources.ofUsage(usage).dataset.addOverride('access', [{ role: 'READER', special_group: 'allAuthenticatedUsers' }]);

  expect(findings(stack).map(([, , message]) => String(message).slice(0, 11))).toEqual(['[MLW-DATA1]']);
});

test('MLW-META1 sees a sensitive Terraform variable put into metadata through an escape hatch', () => {
  const stack = new TerraformStack(Testing.app(), 'test');
  const token = new TerraformVariable(stack, 'hf_token', { type: 'string', sensitive: true });
  const region = new TerraformVariable(stack, 'region', { type: 'string' });
  const w = new GpuWorkspace(stack, 'alice', { target: GcpTarget.of(GCP), owner: 'alice@example.com' });
  GcpResources.ofWorkspace(w).instance.addOverride('metadata.startup-env', token.stringValue);
  GcpResources.ofWorkspace(w).instance.addOverride('metadata.region', region.stringValue);

  expect(findings(stack).map(([, , message]) => String(message).slice(0, 11))).toEqual(['[MLW-META1]']);
});

test('a suppression added before a resource exists still leaves its record on that resource', () => {
  const stack = new TerraformStack(Testing.app(), 'test');
  new GoogleProvider(stack, 'google', { project: 'p' });
  const group = new Construct(stack, 'mirrors');
  PolicySuppressions.add(group, [{ id: 'MLW-NET1', reason: 'public read-only git mirrors, reviewed by security' }]);
  new ComputeFirewall(group, 'git', { name: 'git', network: 'n', sourceRanges: ['0.0.0.0/0'], allow: [{ protocol: 'tcp', ports: ['9418'] }] });

  expect(findings(stack)).toEqual([]);
  expect(Object.values<any>(fullJson(stack).resource.google_compute_firewall)[0]['//'].ml_workspace_policy_suppressions).toEqual([
    { id: 'MLW-NET1', reason: 'public read-only git mirrors, reviewed by security' },
  ]);
});

test('a suppression on a whole stack or app is refused', () => {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  const message = 'suppressions apply to a resource or to the construct that owns it (e.g. one GpuWorkspace), never to a whole stack or app';
  expect(() => PolicySuppressions.add(stack, [{ id: 'MLW-NET1', reason: 'everything here is fine, trust me' }])).toThrow(`PolicySuppressions 'test': ${message}`);
  expect(() => PolicySuppressions.add(app, [{ id: 'MLW-NET1', reason: 'everything here is fine, trust me' }])).toThrow(message);
});
