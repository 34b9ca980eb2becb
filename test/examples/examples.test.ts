import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { resourceCounts, synthExample as synthWith, typescriptExamples } from '../../scripts/synth-lib';

const synthExample = (name: string, outdir: string) => synthWith(name, outdir, (load) => jest.isolateModules(load));

const examples = typescriptExamples();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlw-examples-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function stackFile(outdir: string, stack: string): string {
  return fs.readFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8');
}

test('there are examples to check', () => {
  expect(examples).toContain('gcp-workspace');
});

describe.each(examples)('examples/%s', (example) => {
  const first = path.join(tmp, `${example}-1`);
  const second = path.join(tmp, `${example}-2`);
  const stacks = synthExample(example, first);
  synthExample(example, second);

  test.each(Object.keys(stacks))('stack %s synthesizes twice to byte-identical JSON', (stack) => {
    expect(stackFile(second, stack)).toBe(stackFile(first, stack));
  });

  test.each(Object.keys(stacks))('stack %s has no policy findings, not even warnings', (stack) => {
    const manifest = JSON.parse(fs.readFileSync(path.join(first, 'manifest.json'), 'utf8'));
    const annotations: Array<{ level: string; message: string }> = manifest.stacks[stack].annotations;
    expect(annotations.filter((a) => a.level !== '@cdktf/info')).toEqual([]);
    // The only information the library gives is a fleet's capacity and rollout report, and a
    // usage exporter's steps that no API can take.
    for (const info of annotations.filter((a) => a.level === '@cdktf/info')) expect(info.message).toMatch(/^WorkspaceFleet '|^UsageExporter '[^']+': (one step|\d steps) no API can take/);
    // The example applies the policy Aspect itself; errors would have failed synthesis above.
    expect(fs.readFileSync(path.join(__dirname, '..', '..', 'examples', example, 'main.ts'), 'utf8')).toMatch(
      /Aspects\.of\(this\)\.add\(new WorkspacePolicyChecks\(/,
    );
  });

  test.each(Object.keys(stacks))('stack %s matches its snapshot (guards resource addresses)', (stack) => {
    const json = stacks[stack];
    // The cdktf metadata is not part of what we guard.
    delete json['//'];
    expect(json).toMatchSnapshot();
  });
});

describe('examples/gcp-usage reports on a fleet of two', () => {
  const outdir = path.join(tmp, 'gcp-usage-check');
  const json = synthExample('gcp-usage', outdir)['gcp-usage'];
  const all = (type: string) => Object.values(json.resource[type] ?? {}) as any[];

  test('a budget per member, alice with her own amount, in EUR', () => {
    expect(all('google_billing_budget').map((b) => [b.budget_filter.labels.owner, b.amount.specified_amount.units, b.amount.specified_amount.currency_code])).toEqual([
      ['alice_example_com', '900', 'EUR'],
      ['bob_example_com', '400', 'EUR'],
    ]);
  });

  test('the step no API can take is an output, naming the billing account and the dataset', () => {
    expect(json.output.usage_manual_steps.value).toContain("open https://console.cloud.google.com/billing/01ABCD-23EF45-6789AB/export, and under \"BigQuery export\", \"Standard usage cost\", choose Edit settings, project 'ml-research-sandbox' and dataset 'usage'");
  });

  test('the exporter\'s dataset is shared cost and the workspaces their owners\', so the views can split it', () => {
    expect(all('google_bigquery_dataset').map((d) => [d.labels.owner, d.labels['cost-scope']])).toEqual([['shared', 'shared']]);
    expect(all('google_compute_instance').map((i) => [i.labels.owner, i.labels['cost-scope']])).toEqual([
      ['alice_example_com', 'workspace'],
      ['bob_example_com', 'workspace'],
    ]);
  });
});

describe('examples/aws-usage reports on a fleet of two, and activates the tags in a second stack', () => {
  const stacks = synthExample('aws-usage', path.join(tmp, 'aws-usage-check'));
  const json = stacks['aws-usage'];
  const all = (type: string) => Object.values(json.resource[type] ?? {}) as any[];

  test('a budget per member by the owner tag, alice with her own amount, in USD', () => {
    expect(all('aws_budgets_budget').map((b) => [b.cost_filter[0].values[0], b.limit_amount, b.limit_unit])).toEqual([
      ['user:owner$alice_example_com', '900.00', 'USD'],
      ['user:owner$bob_example_com', '400.00', 'USD'],
    ]);
  });

  test("the exporter's resources are shared cost and the workspaces their owners'", () => {
    expect(all('aws_s3_bucket').map((b) => [b.tags.owner, b.tags['cost-scope']])).toEqual([['shared', 'shared']]);
    expect(all('aws_instance').map((i) => [i.tags.owner, i.tags['cost-scope']])).toEqual([
      ['alice_example_com', 'workspace'],
      ['bob_example_com', 'workspace'],
    ]);
  });

  test('the payer stack activates the five library keys and the team key, and nothing else', () => {
    expect(Object.keys(stacks['aws-usage-tags'].resource)).toEqual(['aws_ce_cost_allocation_tag']);
    expect((Object.values(stacks['aws-usage-tags'].resource.aws_ce_cost_allocation_tag) as any[]).map((t) => t.tag_key)).toEqual([
      'ml-workspace',
      'owner',
      'workspace',
      'cost-center',
      'cost-scope',
      'team',
    ]);
  });
});

describe('examples/azure-usage reports on a fleet of two', () => {
  const json = synthExample('azure-usage', path.join(tmp, 'azure-usage-check'))['azure-usage'];
  const all = (type: string) => Object.values(json.resource[type] ?? {}) as any[];

  test('a budget per member by the owner tag, alice with her own amount', () => {
    expect(all('azurerm_consumption_budget_subscription').map((b) => [b.filter.tag[0].values[0], b.amount])).toEqual([
      ['alice_example_com', 900],
      ['bob_example_com', 400],
    ]);
  });

  test("the exporter's storage is shared cost and the machines their owners'", () => {
    expect(all('azurerm_storage_account').map((a) => [a.tags.owner, a.tags['cost-scope']])).toEqual([['shared', 'shared']]);
    expect(all('azurerm_linux_virtual_machine').map((v) => [v.tags.owner, v.tags['cost-scope']])).toEqual([
      ['alice_example_com', 'workspace'],
      ['bob_example_com', 'workspace'],
    ]);
  });

  test('the views are an output, for Synapse serverless', () => {
    expect(json.output.usage_views_sql.value).toMatch(/^-- The ML workspace usage views of usage, for a Synapse serverless SQL database/);
  });
});

describe('examples/gcp-workspace holds a complete GPU workspace', () => {
  const stack = synthExample('gcp-workspace', path.join(tmp, 'gcp-check'))['gcp-workspace'];
  const one = (type: string) => {
    const all = Object.values<any>(stack.resource[type] ?? {});
    expect(all).toHaveLength(1);
    return all[0];
  };

  test('resource counts by type', () => {
    expect(Object.fromEntries(resourceCounts(stack))).toEqual({
      google_compute_address: 1,
      google_compute_disk: 1,
      google_compute_disk_resource_policy_attachment: 1,
      google_compute_firewall: 3,
      google_compute_instance: 1,
      google_compute_instance_iam_member: 1,
      google_compute_network: 1,
      google_compute_resource_policy: 1,
      google_compute_subnetwork: 1,
      google_endpoints_service: 1,
      google_iap_tunnel_instance_iam_member: 1,
      google_project_iam_member: 2,
      google_project_service: 5,
      google_secret_manager_secret: 1,
      google_secret_manager_secret_iam_member: 2,
      google_secret_manager_secret_version: 1,
      google_service_account: 1,
      google_service_account_iam_member: 1,
      random_id: 1,
      random_password: 1,
      time_rotating: 1,
    });
  });

  test('an L4 GPU VM that terminates on host maintenance, with a persistent home disk', () => {
    const instance = one('google_compute_instance');
    expect(instance.machine_type).toBe('g2-standard-8');
    expect(instance.guest_accelerator).toEqual([{ type: 'nvidia-l4', count: 1 }]);
    expect(instance.scheduling.on_host_maintenance).toBe('TERMINATE');
    expect(one('google_compute_disk')).toMatchObject({ size: 500, lifecycle: { prevent_destroy: true } });
    expect(instance.labels).toEqual({
      'cost-center': 'ml-research',
      'cost-scope': 'workspace',
      'ml-workspace': 'true',
      'ml-workspace-nixpkgs': '8fd9daa3db09ced9700431c5b7ad0e8ba199b575',
      'owner': 'alice_example_com',
      'team': 'vision',
      'workspace': 'alice',
    });
  });

  test('outputs the URL, IP, instance name, sign-in command and machine', () => {
    expect(Object.keys(stack.output).sort()).toEqual(['alice_instance_name', 'alice_ip_address', 'alice_machine', 'alice_sign_in', 'alice_url']);
    expect(stack.output.alice_machine.value).toBe('g2-standard-8 with 1 x nvidia-l4');
  });
});

describe('examples/aws-workspace holds a complete GPU workspace', () => {
  const stack = synthExample('aws-workspace', path.join(tmp, 'aws-check'))['aws-workspace'];
  const one = (type: string) => {
    const all = Object.values<any>(stack.resource[type] ?? {});
    expect(all).toHaveLength(1);
    return all[0];
  };

  test('resource counts by type: public, so no NAT gateway or VPC endpoints', () => {
    expect(Object.fromEntries(resourceCounts(stack))).toEqual({
      aws_cloudwatch_log_group: 1,
      aws_default_security_group: 1,
      aws_dlm_lifecycle_policy: 1,
      aws_ebs_volume: 1,
      aws_ec2_instance_state: 1,
      aws_eip: 1,
      aws_eip_association: 1,
      aws_flow_log: 1,
      aws_iam_instance_profile: 1,
      aws_iam_policy: 1,
      aws_iam_role: 3,
      aws_iam_role_policy: 2,
      aws_iam_role_policy_attachment: 3,
      aws_instance: 1,
      aws_internet_gateway: 1,
      aws_route: 1,
      aws_route53_record: 1,
      aws_route_table: 1,
      aws_route_table_association: 1,
      aws_secretsmanager_secret: 1,
      aws_secretsmanager_secret_version: 1,
      aws_security_group: 1,
      aws_subnet: 1,
      aws_volume_attachment: 1,
      aws_vpc: 1,
      aws_vpc_security_group_egress_rule: 1,
      aws_vpc_security_group_ingress_rule: 2,
      random_password: 1,
      time_rotating: 1,
    });
  });

  test('an L4 instance with IMDSv2 and a protected 500 GiB encrypted home volume', () => {
    const instance = one('aws_instance');
    expect(instance.instance_type).toBe('g6.2xlarge');
    expect(instance.metadata_options.http_tokens).toBe('required');
    expect(one('aws_ebs_volume')).toMatchObject({ size: 500, encrypted: true, lifecycle: { prevent_destroy: true } });
    expect(instance.tags).toEqual({
      'Name': 'alice',
      'cost-center': 'ml-research',
      'cost-scope': 'workspace',
      'ml-workspace': 'true',
      'ml-workspace-nixpkgs': '8fd9daa3db09ced9700431c5b7ad0e8ba199b575',
      'owner': 'alice_example_com',
      'team': 'vision',
      'workspace': 'alice',
    });
    expect(one('aws_route53_record')).toMatchObject({ name: 'alice.ml.example.com', type: 'A' });
  });
});

describe('the fleet examples share one network and choose machines by package', () => {
  const machines = (stack: any, type: string, attribute: string) =>
    Object.fromEntries(Object.values<any>(stack.resource[type]).map((r) => [r.name ?? r.tags?.Name, r[attribute]]));

  test('gcp-fleet: one network, NAT and IAP rule for five workspaces; the canary alone on the rollout revision', () => {
    const stack = synthExample('gcp-fleet', path.join(tmp, 'gcp-fleet-check'))['gcp-fleet'];
    const counts = Object.fromEntries(resourceCounts(stack));
    expect([counts.google_compute_network, counts.google_compute_router_nat, counts.google_compute_firewall, counts.google_compute_instance]).toEqual([1, 1, 1, 5]);
    expect(machines(stack, 'google_compute_instance', 'machine_type')).toEqual({
      alice: 'g2-standard-8',
      bob: 'g2-standard-48',
      carol: 'n2-standard-16',
      dave: 'g2-standard-8',
      erin: 'g2-standard-24',
    });
    const revisions = Object.fromEntries(Object.values<any>(stack.resource.google_compute_instance).map((r) => [r.name, r.labels['ml-workspace-nixpkgs']]));
    expect(revisions.dave).toBe('0000000000000000000000000000000000000000');
    expect(new Set(Object.entries(revisions).filter(([n]) => n !== 'dave').map(([, rev]) => rev)).size).toBe(1);
    expect(JSON.parse(stack.output.vision_capacity.value)).toEqual([
      { region: 'europe-west4', family: 'g2', spot: false, machines: 4, vcpus: 88, gpus: { 'nvidia-l4': 8 } },
      { region: 'europe-west4', family: 'n2', spot: false, machines: 1, vcpus: 16, gpus: {} },
    ]);
  });

  test('aws-fleet: one NAT gateway and four endpoints for three workspaces', () => {
    const stack = synthExample('aws-fleet', path.join(tmp, 'aws-fleet-check'))['aws-fleet'];
    const counts = Object.fromEntries(resourceCounts(stack));
    expect([counts.aws_vpc, counts.aws_nat_gateway, counts.aws_vpc_endpoint, counts.aws_instance]).toEqual([1, 1, 4, 3]);
    expect(machines(stack, 'aws_instance', 'instance_type')).toEqual({ alice: 'g6.2xlarge', bob: 'g6.12xlarge', carol: 'm6i.2xlarge' });
    // EC2 counts vCPUs per instance class group, and Spot apart.
    expect(JSON.parse(stack.output.vision_capacity.value)).toEqual([
      { region: 'eu-west-1', family: 'G and VT', spot: false, machines: 2, vcpus: 56, gpus: { 'nvidia-l4': 5 } },
      { region: 'eu-west-1', family: 'Standard (A, C, D, H, I, M, R, T, Z)', spot: true, machines: 1, vcpus: 8, gpus: {} },
    ]);
  });

  test('azure-fleet: one Bastion and NAT gateway for three workspaces', () => {
    const stack = synthExample('azure-fleet', path.join(tmp, 'azure-fleet-check'))['azure-fleet'];
    const counts = Object.fromEntries(resourceCounts(stack));
    expect([counts.azurerm_bastion_host, counts.azurerm_nat_gateway, counts.azurerm_virtual_network, counts.azurerm_linux_virtual_machine]).toEqual([1, 1, 1, 3]);
    expect(machines(stack, 'azurerm_linux_virtual_machine', 'size')).toEqual({
      alice: 'Standard_NC4as_T4_v3',
      bob: 'Standard_NC64as_T4_v3',
      carol: 'Standard_D16s_v5',
    });
  });
});
