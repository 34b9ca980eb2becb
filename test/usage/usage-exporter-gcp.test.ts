import { TerraformStack, Testing } from 'cdktf';
import { GpuWorkspace, UsageExporter, UsageExporterProps, UsageView, WorkspaceFleet } from 'cdktf-ml-workspace';
import { AwsTarget } from 'cdktf-ml-workspace-aws';
import { GcpResources, GcpTarget } from 'cdktf-ml-workspace-gcp';
import { VIEW_LABEL_KEYS } from 'cdktf-ml-workspace/lib/clouds/common/roles/usage';
import { LabelKey } from 'cdktf-ml-workspace/lib/core/labels';
import { synthUsage } from './synth';
import { errorOf, GCP } from '../util';

const ACCOUNT = '01ABCD-23EF45-6789AB';
const target = () => GcpTarget.of(GCP);

const synth = (props: Partial<UsageExporterProps> = {}, then?: (usage: UsageExporter, stack: TerraformStack) => void) => synthUsage({ target: target(), billingAccount: ACCOUNT, ...props }, then);

const BUDGET = { monthlyAmount: 500, currency: 'EUR', notify: ['finops@example.com'] };
const LABELS = { 'cost-center': 'unassigned', 'cost-scope': 'shared', 'ml-workspace': 'true', 'owner': 'shared', 'workspace': 'usage' };

describe('UsageExporter on GCP', () => {
  test('a dataset for the billing export in the target region, with the retention on its partitions', () => {
    const { one } = synth();
    expect(one('google_bigquery_dataset')).toEqual(
      expect.objectContaining({
        project: 'ml-prod-123',
        dataset_id: 'usage',
        location: 'europe-west4',
        labels: LABELS,
        default_partition_expiration_ms: 400 * 86_400_000,
        delete_contents_on_destroy: false,
      }),
    );
    expect(one('google_bigquery_dataset').default_encryption_configuration).toBeUndefined();
  });

  test('a Log Analytics bucket with a linked dataset keeps the start/stop history and activity lines', () => {
    const { one } = synth({ retentionDays: 90 });
    expect(one('google_logging_project_bucket_config')).toEqual(
      expect.objectContaining({ project: 'ml-prod-123', location: 'europe-west4', bucket_id: 'usage-history', retention_days: 90, enable_analytics: true }),
    );
    expect(one('google_logging_linked_dataset')).toEqual(expect.objectContaining({ link_id: 'usage_history', parent: 'projects/ml-prod-123', location: 'europe-west4' }));
    const sink = one('google_logging_project_sink');
    expect(sink.destination).toMatch(/^logging\.googleapis\.com\/projects\/ml-prod-123\/locations\/europe-west4\/buckets\/\$\{google_logging_project_bucket_config\.\w+\.bucket_id\}$/);
    expect(sink.filter).toBe(
      [
        'resource.type="gce_instance" AND (',
        '  (logName="projects/ml-prod-123/logs/cloudaudit.googleapis.com%2Factivity" AND protoPayload.methodName=~"compute\\.instances\\.(insert|start|resume|stop|suspend|delete)$")',
        '  OR (logName="projects/ml-prod-123/logs/cloudaudit.googleapis.com%2Fsystem_event" AND protoPayload.methodName=("compute.instances.guestTerminate" OR "compute.instances.preempted" OR "compute.instances.hostError"))',
        '  OR logName="projects/ml-prod-123/logs/ml-workspace-activity"',
        ')',
      ].join('\n'),
    );
  });

  test('the views are made by a daily scheduled query, once the export table exists, as their own account', () => {
    const { one, of } = synth();
    const job = one('google_bigquery_data_transfer_config');
    expect(job).toEqual(expect.objectContaining({ data_source_id: 'scheduled_query', schedule: 'every 24 hours', location: 'europe-west4', display_name: 'usage usage views' }));
    const script: string = job.params.query;
    expect(script.split('\n')[1]).toBe(
      "IF EXISTS (SELECT 1 FROM `ml-prod-123.usage`.INFORMATION_SCHEMA.TABLES WHERE table_name = 'gcp_billing_export_v1_01ABCD_23EF45_6789AB') THEN",
    );
    expect([...script.matchAll(/^CREATE OR REPLACE VIEW `([^`]+)`/gm)].map((m) => m[1])).toEqual([
      'ml-prod-123.usage.usage_lines',
      'ml-prod-123.usage.machine_events',
      'ml-prod-123.usage.activity_checks',
      'ml-prod-123.usage.cost_by_owner_day',
      'ml-prod-123.usage.cost_by_workspace_day',
      'ml-prod-123.usage.gpu_hours_by_owner',
      'ml-prod-123.usage.idle_cost_by_owner',
    ]);
    expect(script.trimEnd().endsWith('END IF;')).toBe(true);
    expect(one('google_service_account')).toEqual(expect.objectContaining({ account_id: 'usage-views' }));
    expect(job.service_account_name).toMatch(/^\$\{google_service_account\.\w+\.email\}$/);
    const datasetRoles = Object.values(of('google_bigquery_dataset_iam_member')).map((m: any) => m.role).sort();
    expect(datasetRoles).toEqual(['roles/bigquery.dataEditor', 'roles/bigquery.dataViewer']);
    expect(Object.values(of('google_project_iam_member')).map((m: any) => m.role)).toEqual(['roles/bigquery.jobUser']);
    expect(one('google_service_account_iam_member')).toEqual(
      expect.objectContaining({
        role: 'roles/iam.serviceAccountShortTermTokenMinter',
        member: expect.stringMatching(/^serviceAccount:service-\$\{data\.google_project\.\w+\.number\}@gcp-sa-bigquerydatatransfer\.iam\.gserviceaccount\.com$/),
      }),
    );
  });

  test('the views read the library\'s own label keys, every one the views need', () => {
    const { one } = synth();
    const script: string = one('google_bigquery_data_transfer_config').params.query;
    const keys = [...script.matchAll(/l\.key = '([^']+)'/g)].map((m) => m[1]);
    expect([...new Set(keys)].sort()).toEqual([...VIEW_LABEL_KEYS].sort());
    // Every key the views read is a label the library sets.
    expect(VIEW_LABEL_KEYS.every((k) => (Object.values(LabelKey) as string[]).includes(k))).toBe(true);
    expect(keys).not.toContain(LabelKey.NIXPKGS);
  });

  test('the console step, as an output and an info annotation, and the view names', () => {
    const { json, usage } = synth();
    const steps = json.output.usage_manual_steps.value as string;
    expect(steps).toContain(`1. Switch on the Cloud Billing export, which no API can: open https://console.cloud.google.com/billing/${ACCOUNT}/export`);
    expect(steps).toContain("project 'ml-prod-123' and dataset 'usage'");
    expect(steps).toContain('2. Google writes the first rows into ml-prod-123.usage.gcp_billing_export_v1_01ABCD_23EF45_6789AB within a day');
    expect(JSON.parse(json.output.usage_usage_views.value)).toEqual({
      cost_by_owner_day: 'ml-prod-123.usage.cost_by_owner_day',
      cost_by_workspace_day: 'ml-prod-123.usage.cost_by_workspace_day',
      gpu_hours_by_owner: 'ml-prod-123.usage.gpu_hours_by_owner',
      idle_cost_by_owner: 'ml-prod-123.usage.idle_cost_by_owner',
    });
    expect(usage.viewName(UsageView.GPU_HOURS_BY_OWNER)).toBe('ml-prod-123.usage.gpu_hours_by_owner');
    expect(usage.location).toBe('ml-prod-123.usage');
    const annotations = usage.node.metadata.map((m) => [m.type, m.data]);
    expect(annotations).toEqual([['@cdktf/info', expect.stringMatching(/^UsageExporter 'usage': 2 steps no API can take:\n1\. Switch on the Cloud Billing export/)]]);
  });

  test('a customer-managed key encrypts the dataset and the log bucket', () => {
    const key = 'projects/ml-prod-123/locations/europe-west4/keyRings/usage/cryptoKeys/usage';
    const { one } = synth({ kmsKey: key });
    expect(one('google_bigquery_dataset').default_encryption_configuration).toEqual({ kms_key_name: key });
    expect(one('google_logging_project_bucket_config').cmek_settings).toEqual({ kms_key_name: key });
  });

  test('a budget per owner of the tracked workspaces and fleet members, members added later included, one per owner', () => {
    const { of, usage } = synth({ budget: { ...BUDGET, alertAtPercent: [80, 100], ownerAmounts: { 'Carol@example.com': 1234.5 } } }, (u, stack) => {
      const fleet = new WorkspaceFleet(stack, 'team', { target: target(), members: [{ name: 'alice', owner: 'alice@example.com' }] });
      u.trackFleet(fleet);
      fleet.addMember({ name: 'carol', owner: 'carol@example.com' });
      const second = new GpuWorkspace(stack, 'alice2', { target: target(), owner: 'alice@example.com' });
      u.track(second);
      u.track(second);
    });
    const budgets = Object.values(of('google_billing_budget')) as any[];
    expect(budgets.map((b) => b.budget_filter.labels)).toEqual([{ owner: 'alice_example_com' }, { owner: 'carol_example_com' }]);
    expect(usage.budgetOwners).toEqual(['alice@example.com', 'carol@example.com']);
    const [alice, carol] = budgets;
    expect(alice).toEqual(
      expect.objectContaining({
        billing_account: ACCOUNT,
        display_name: 'usage alice_example_com',
        amount: { specified_amount: { currency_code: 'EUR', units: '500', nanos: 0 } },
        threshold_rules: [
          { threshold_percent: 0.8, spend_basis: 'CURRENT_SPEND' },
          { threshold_percent: 1, spend_basis: 'CURRENT_SPEND' },
        ],
      }),
    );
    expect(alice.budget_filter).toEqual({
      projects: [expect.stringMatching(/^projects\/\$\{data\.google_project\.\w+\.number\}$/)],
      labels: { owner: 'alice_example_com' },
      credit_types_treatment: 'INCLUDE_ALL_CREDITS',
      calendar_period: 'MONTH',
    });
    expect(carol.amount.specified_amount).toEqual({ currency_code: 'EUR', units: '1234', nanos: 500_000_000 });
    expect(alice.all_updates_rule.monitoring_notification_channels).toEqual([expect.stringMatching(/^\$\{google_monitoring_notification_channel\.\w+\.id\}$/)]);
    expect(Object.values(of('google_monitoring_notification_channel'))).toEqual([
      expect.objectContaining({ type: 'email', labels: { email_address: 'finops@example.com' }, project: 'ml-prod-123' }),
    ]);
  });

  test('amounts in cents that floats cannot hold exactly are taken, to the cent', () => {
    const { one } = synth({ budget: { ...BUDGET, monthlyAmount: 249.99 } }, (u, stack) => u.track(new GpuWorkspace(stack, 'alice', { target: target(), owner: 'alice@example.com' })));
    expect(one('google_billing_budget').amount.specified_amount).toEqual({ currency_code: 'EUR', units: '249', nanos: 990_000_000 });
    const tenCents = synth({ budget: { ...BUDGET, monthlyAmount: 10.01 } }, (u, stack) => u.track(new GpuWorkspace(stack, 'alice', { target: target(), owner: 'alice@example.com' })));
    expect(tenCents.one('google_billing_budget').amount.specified_amount).toEqual({ currency_code: 'EUR', units: '10', nanos: 10_000_000 });
  });

  test('without a budget, tracking makes no budget', () => {
    const { of } = synth({}, (u, stack) => u.track(new GpuWorkspace(stack, 'alice', { target: target(), owner: 'alice@example.com' })));
    expect(of('google_billing_budget')).toEqual({});
    expect(of('google_monitoring_notification_channel')).toEqual({});
  });

  test('the escape hatch is the provider\'s classes', () => {
    const { usage } = synth();
    const resources = GcpResources.ofUsage(usage);
    expect(resources.dataset.constructor.name).toBe('BigqueryDataset');
    expect(resources.viewsJob.constructor.name).toBe('BigqueryDataTransferConfig');
    expect(usage.node.defaultChild).toBe(resources.dataset);
  });
});

describe('UsageExporter validation names the construct, the prop, the value and the fix', () => {
  const fails = (props: Partial<UsageExporterProps>) => errorOf(() => synth(props));
  test.each<[string, Partial<UsageExporterProps>, string]>([
    ['no billing account on GCP', { billingAccount: undefined }, "UsageExporter 'usage': billingAccount undefined is required on GCP"],
    ['a billing account with its resource prefix', { billingAccount: `billingAccounts/${ACCOUNT}` }, `(without 'billingAccounts/': '${ACCOUNT}')`],
    ['a lowercase or short billing account', { billingAccount: '01abcd-23ef45' }, "billingAccount '01abcd-23ef45' is not a Cloud Billing account id; use the form 'XXXXXX-XXXXXX-XXXXXX'"],
    ['a billing account with a quote and a newline', { billingAccount: "01ABCD-23EF45-6789AB'\n--" }, 'is not a Cloud Billing account id'],
    ['retention of a week', { retentionDays: 7 }, "UsageExporter 'usage': retentionDays 7 must be a whole number of days from 30 to 3650"],
    ['retention NaN', { retentionDays: NaN }, 'retentionDays NaN must be a whole number'],
    ['retention fractional', { retentionDays: 45.5 }, 'retentionDays 45.5 must be a whole number'],
    ['an exporter name with unicode', { exporterName: 'usäge' }, "UsageExporter 'usage': exporterName 'usäge' is not a valid name"],
    ['a key in another region', { kmsKey: 'projects/p/locations/us-central1/keyRings/r/cryptoKeys/k' }, "is in location 'us-central1' and the dataset in 'europe-west4'"],
    ['a key that is not a key name', { kmsKey: 'my-key' }, "kmsKey 'my-key' is not a Cloud KMS key name"],
    ['an empty key', { kmsKey: '' }, "kmsKey '' is not a key name"],
    ['a budget of zero', { budget: { ...BUDGET, monthlyAmount: 0 } }, "budget.monthlyAmount 0 must be an amount above 0 and at most 1000000000, with at most two decimals"],
    ['a budget of Infinity', { budget: { ...BUDGET, monthlyAmount: Infinity } }, 'budget.monthlyAmount Infinity must be an amount above 0'],
    ['a budget with a tenth of a cent', { budget: { ...BUDGET, monthlyAmount: 10.001 } }, 'budget.monthlyAmount 10.001 must be an amount'],
    ['a budget as a string', { budget: { ...BUDGET, monthlyAmount: '500' as any } }, "budget.monthlyAmount '500' must be a number"],
    ['a lowercase currency', { budget: { ...BUDGET, currency: 'eur' } }, "budget.currency 'eur' is not an ISO 4217 currency code"],
    ['a currency symbol', { budget: { ...BUDGET, currency: '€' } }, "budget.currency '€' is not an ISO 4217 currency code"],
    ['no one to notify', { budget: { ...BUDGET, notify: [] } }, 'budget.notify [] must list 1 to 5 email addresses'],
    ['six to notify', { budget: { ...BUDGET, notify: ['a', 'b', 'c', 'd', 'e', 'f'].map((x) => `${x}@example.com`) } }, 'must list 1 to 5 email addresses'],
    ['a name instead of an email', { budget: { ...BUDGET, notify: ['finops'] } }, "budget.notify 'finops' is not an email address"],
    ['an email with a quote', { budget: { ...BUDGET, notify: ["fin'ops@example.com"] } }, 'is not an email address'],
    ['an address twice', { budget: { ...BUDGET, notify: ['a@example.com', 'A@example.com'] } }, 'repeats an address'],
    ['no alerts', { budget: { ...BUDGET, alertAtPercent: [] } }, 'budget.alertAtPercent [] must list 1 to 5 percentages'],
    ['a negative alert', { budget: { ...BUDGET, alertAtPercent: [-10] } }, 'has -10; each must be a whole percentage from 1 to 1000'],
    ['a repeated alert', { budget: { ...BUDGET, alertAtPercent: [50, 50] } }, 'repeats a percentage'],
    ['an unknown budget key', { budget: { ...BUDGET, amount: 5 } as any }, "budget.amount 5 is not a budget setting; use monthlyAmount, currency, alertAtPercent, notify or ownerAmounts"],
    ['a missing currency', { budget: { monthlyAmount: 5, notify: ['a@example.com'] } as any }, 'budget.currency undefined is required'],
    ['an owner amount keyed by name', { budget: { ...BUDGET, ownerAmounts: { alice: 5 } } }, "budget.ownerAmounts 'alice' is not an owner's email"],
    ['an owner amount NaN', { budget: { ...BUDGET, ownerAmounts: { 'alice@example.com': NaN } } }, "budget.ownerAmounts['alice@example.com'] NaN must be an amount"],
    ['one owner twice', { budget: { ...BUDGET, ownerAmounts: { 'alice@example.com': 5, 'ALICE@example.com': 6 } } }, 'names one owner twice'],
  ])('%s', (_name, props, message) => {
    expect(fails(props)).toContain(message);
  });

  test('a cloud whose package is not loaded is named, with the import that registers it', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const unknown = Object.assign(Object.create(GcpTarget.prototype), { cloud: 'OCI' });
    expect(errorOf(() => new UsageExporter(stack, 'usage', { target: unknown }))).toBe(
      "UsageExporter 'usage': no usage export for cloud OCI is loaded; import the cloud's package from its root ('cdktf-ml-workspace-oci'), which registers it",
    );
  });

  test('tracking a workspace of another project or cloud is refused', () => {
    const error = (make: (stack: TerraformStack) => GpuWorkspace) =>
      errorOf(() =>
        synth({}, (u, stack) => {
          u.track(make(stack));
        }),
      );
    expect(error((stack) => new GpuWorkspace(stack, 'bob', { target: GcpTarget.of({ ...GCP, project: 'other-project' }), owner: 'bob@example.com' }))).toBe(
      "UsageExporter 'usage': track workspace 'test/bob' is in project 'other-project' and the exporter reads project 'ml-prod-123'; make an exporter for that project (budgets and views filter by project)",
    );
    expect(error((stack) => new GpuWorkspace(stack, 'bob', { target: AwsTarget.of({ region: 'eu-west-1' }), owner: 'bob@example.com' }))).toBe(
      "UsageExporter 'usage': track workspace 'test/bob' is on AWS and the exporter on GCP; make an exporter per cloud",
    );
    expect(errorOf(() => synth({}, (u) => u.track({} as any)))).toBe("UsageExporter 'usage': track workspace {} must be a GpuWorkspace; for a fleet use trackFleet(fleet)");
    expect(errorOf(() => synth({}, (u) => u.trackFleet(undefined as any)))).toContain('trackFleet fleet undefined must be a WorkspaceFleet');
  });
});
