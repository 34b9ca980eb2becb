import { TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { GpuWorkspace, UsageExporter, UsageExporterProps, UsageView, WorkspaceFleet } from 'cdktf-ml-workspace';
import { AwsResources, AwsTarget, UsageCostAllocationTags } from 'cdktf-ml-workspace-aws';
import { ACTIVITY_LOG_GROUP, curTagKey, EXPORT_COLUMNS, exportQuery, logRetention } from 'cdktf-ml-workspace-aws/lib/roles/usage';
import { VIEW_LABEL_KEYS } from 'cdktf-ml-workspace/lib/clouds/common/roles/usage';
import { AthenaWorkgroup } from '@cdktf/provider-aws/lib/athena-workgroup';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { GcpTarget } from 'cdktf-ml-workspace-gcp';
import { synthUsage } from './synth';
import { errorOf, GCP } from '../util';

const target = (region = 'eu-west-1') => AwsTarget.of({ region });
const BUDGET = { monthlyAmount: 500, currency: 'USD', notify: ['finops@example.com'] };
const TAGS = { 'cost-center': 'unassigned', 'cost-scope': 'shared', 'ml-workspace': 'true', 'owner': 'shared', 'workspace': 'usage' };

const synth = (props: Partial<UsageExporterProps> = {}, then?: (usage: UsageExporter, stack: TerraformStack) => void) => synthUsage({ target: target(), ...props }, then);

const fails = (props: Partial<UsageExporterProps>) => errorOf(() => synth(props));
const address = (json: any, type: string) => `${type}.${Object.keys(json.resource[type])[0]}`;

describe('UsageExporter on AWS', () => {
  test('a CUR 2.0 Data Export, daily Parquet with resource ids, through a provider in us-east-1', () => {
    const { one, json } = synth();
    const exp = one('aws_bcmdataexports_export');
    expect(exp.provider).toBe('aws.ml-workspace-us-east-1');
    expect(json.provider.aws).toEqual([{ region: 'eu-west-1' }, { alias: 'ml-workspace-us-east-1', region: 'us-east-1' }]);
    expect(exp.export[0]).toEqual(
      expect.objectContaining({
        name: 'usage-cur2',
        refresh_cadence: [{ frequency: 'SYNCHRONOUS' }],
        data_query: [
          {
            query_statement: exportQuery(),
            table_configurations: {
              COST_AND_USAGE_REPORT: { TIME_GRANULARITY: 'DAILY', INCLUDE_RESOURCES: 'TRUE', INCLUDE_MANUAL_DISCOUNT_COMPATIBILITY: 'FALSE', INCLUDE_SPLIT_COST_ALLOCATION_DATA: 'FALSE' },
            },
          },
        ],
      }),
    );
    expect(exportQuery()).toBe(
      'SELECT identity_line_item_id, bill_billing_period_start_date, line_item_usage_account_id, line_item_line_item_type, line_item_usage_start_date, line_item_product_code, line_item_usage_type, line_item_resource_id, line_item_usage_amount, line_item_unblended_cost, line_item_currency_code, resource_tags FROM COST_AND_USAGE_REPORT',
    );
    expect(exp.export[0].destination_configurations[0].s3_destination[0]).toEqual({
      s3_bucket: `\${${address(json, 'aws_s3_bucket')}.bucket}`,
      s3_prefix: 'export',
      s3_region: 'eu-west-1',
      s3_output_configurations: [{ overwrite: 'OVERWRITE_REPORT', format: 'PARQUET', compression: 'PARQUET', output_type: 'CUSTOM' }],
    });
    expect(exp.depends_on).toEqual([address(json, 'aws_s3_bucket_policy')]);
  });

  test('in us-east-1 the export uses the default provider, and an alias the user made is reused', () => {
    const east = synth({ target: target('us-east-1') });
    expect(east.one('aws_bcmdataexports_export').provider).toBeUndefined();
    expect(east.json.provider.aws).toEqual([{ region: 'us-east-1' }]);
    const stack = new TerraformStack(Testing.app(), 'own');
    new AwsProvider(stack, 'default', { region: 'eu-west-1' });
    new AwsProvider(stack, 'billing', { region: 'us-east-1', alias: 'billing' });
    new UsageExporter(stack, 'usage', { target: target() });
    const json = JSON.parse(Testing.synth(stack, true));
    expect(Object.values(json.resource.aws_bcmdataexports_export).map((e: any) => e.provider)).toEqual(['aws.billing']);
    expect(json.provider.aws).toHaveLength(2);
  });

  test('the bucket: private, owner-enforced, SSE-KMS with a bucket key, versioned, TLS only, expiring with the retention', () => {
    const { one, json } = synth({ retentionDays: 90 });
    const bucket = one('aws_s3_bucket');
    expect(bucket).toEqual({ bucket_prefix: 'usage-usage-', force_destroy: false, tags: { ...TAGS, Name: 'usage-usage' } });
    expect(one('aws_s3_bucket_public_access_block')).toEqual(
      expect.objectContaining({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true }),
    );
    expect(one('aws_s3_bucket_ownership_controls').rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
    const key = `\${${address(json, 'aws_kms_key')}.arn}`;
    expect(one('aws_s3_bucket_server_side_encryption_configuration').rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: key }, bucket_key_enabled: true },
    ]);
    expect(one('aws_s3_bucket_versioning').versioning_configuration).toEqual({ status: 'Enabled' });
    const rules = one('aws_s3_bucket_lifecycle_configuration').rule;
    expect(rules.map((r: any) => [r.id, r.filter[0].prefix, r.expiration?.[0].days])).toEqual([
      ['export-retention', 'export/', 90],
      ['history-retention', 'history/', 90],
      ['activity-retention', 'activity/', 90],
      ['errors-retention', 'errors/', 90],
      ['athena-results', 'athena-results/', 30],
      ['abort-incomplete-uploads', '', undefined],
    ]);
    expect(rules.slice(0, 5).map((r: any) => r.noncurrent_version_expiration[0].noncurrent_days)).toEqual([30, 30, 30, 30, 1]);
    expect(rules[5].abort_incomplete_multipart_upload).toEqual([{ days_after_initiation: 7 }]);
  });

  test("the bucket policy admits Data Exports for this account's exports only, and denies plain HTTP", () => {
    const { json } = synth();
    const statements = Object.values(json.data.aws_iam_policy_document as Record<string, any>).find((d) => d.statement.some((s: any) => s.sid === 'DataExportsDeliver')).statement;
    const deliver = statements.find((s: any) => s.sid === 'DataExportsDeliver');
    const account = `\${data.aws_caller_identity.${Object.keys(json.data.aws_caller_identity)[0]}.account_id}`;
    expect(deliver.principals).toEqual([{ type: 'Service', identifiers: ['bcm-data-exports.amazonaws.com', 'billingreports.amazonaws.com'] }]);
    expect(deliver.actions).toEqual(['s3:PutObject', 's3:GetBucketPolicy']);
    expect(deliver.condition).toEqual([
      { test: 'StringLike', variable: 'aws:SourceAccount', values: [account] },
      {
        test: 'StringLike',
        variable: 'aws:SourceArn',
        values: [
          `arn:\${data.aws_partition.${Object.keys(json.data.aws_partition)[0]}.partition}:cur:us-east-1:${account}:definition/*`,
          `arn:\${data.aws_partition.${Object.keys(json.data.aws_partition)[0]}.partition}:bcm-data-exports:us-east-1:${account}:export/*`,
        ],
      },
    ]);
    const tls = statements.find((s: any) => s.sid === 'TlsOnly');
    expect(tls).toEqual(expect.objectContaining({ effect: 'Deny', actions: ['s3:*'], condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }] }));
  });

  test('the key rotates, and its policy lets only the services that write here use it, for this account', () => {
    const { one, json } = synth();
    expect(one('aws_kms_key')).toEqual(expect.objectContaining({ enable_key_rotation: true, deletion_window_in_days: 30, tags: { ...TAGS, Name: 'usage-key' } }));
    const doc = Object.values(json.data.aws_iam_policy_document as Record<string, any>).find((d) => d.statement.some((s: any) => s.sid === 'AccountAdministers'));
    expect(doc.statement.map((s: any) => [s.sid, s.principals[0].identifiers[0]])).toEqual([
      ['AccountAdministers', expect.stringMatching(/:iam::\$\{data\.aws_caller_identity\.\w+\.account_id\}:root$/)],
      ['DataExportsWrite', 'bcm-data-exports.amazonaws.com'],
      ['BudgetsPublish', 'budgets.amazonaws.com'],
      ['ActivityLogGroup', 'logs.eu-west-1.amazonaws.com'],
    ]);
    expect(doc.statement[3].condition[0]).toEqual(
      expect.objectContaining({ test: 'ArnEquals', variable: 'kms:EncryptionContext:aws:logs:arn', values: [expect.stringMatching(/:logs:eu-west-1:\$\{[^}]+\}:log-group:ml-workspace-activity$/)] }),
    );
  });

  test('a given key replaces the created one everywhere', () => {
    const kmsKey = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const { of, one } = synth({ kmsKey, budget: BUDGET });
    expect(Object.keys(of('aws_kms_key'))).toEqual([]);
    expect(one('aws_s3_bucket_server_side_encryption_configuration').rule[0].apply_server_side_encryption_by_default.kms_master_key_id).toBe(kmsKey);
    expect(one('aws_athena_workgroup').configuration.result_configuration.encryption_configuration).toEqual({ encryption_option: 'SSE_KMS', kms_key_arn: kmsKey });
    expect(Object.values(of('aws_kinesis_firehose_delivery_stream')).map((s: any) => s.server_side_encryption.key_arn)).toEqual([kmsKey, kmsKey]);
    expect(one('aws_cloudwatch_log_group').kms_key_id).toBe(kmsKey);
    expect(one('aws_sns_topic').kms_master_key_id).toBe(kmsKey);
  });

  test('Glue tables with partition projection over the retention, no crawler', () => {
    const { of, one, json } = synth({ retentionDays: 400 });
    expect(one('aws_glue_catalog_database').name).toBe('usage');
    expect(Object.keys(json.resource)).not.toContain('aws_glue_crawler');
    const tables = Object.fromEntries(Object.values(of('aws_glue_catalog_table')).map((t: any) => [t.name, t]));
    expect(Object.keys(tables).sort()).toEqual(['activity_lines', 'cost_and_usage', 'instance_history']);
    const cur = tables.cost_and_usage;
    expect(cur.storage_descriptor.columns).toEqual(EXPORT_COLUMNS.map(([name, type]) => ({ name, type })));
    expect(cur.partition_keys).toEqual([{ name: 'billing_period', type: 'string' }]);
    const bucket = `\${${address(json, 'aws_s3_bucket')}.bucket}`;
    expect(cur.parameters).toEqual({
      'classification': 'parquet',
      'projection.enabled': 'true',
      'projection.billing_period.type': 'date',
      'projection.billing_period.format': 'yyyy-MM',
      'projection.billing_period.range': 'NOW-15MONTHS,NOW',
      'projection.billing_period.interval': '1',
      'projection.billing_period.interval.unit': 'MONTHS',
      // `$${...}` is Terraform's escape: Glue receives `${billing_period}`, Terraform no reference.
      'storage.location.template': `s3://${bucket}/export/usage-cur2/data/BILLING_PERIOD=$\${billing_period}/`,
    });
    expect(cur.storage_descriptor.ser_de_info.serialization_library).toBe('org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe');
    const history = tables.instance_history;
    expect(history.storage_descriptor.columns.map((c: any) => c.name)).toEqual(['event_time', 'instance_id', 'state']);
    expect(history.parameters['projection.day.range']).toBe('NOW-400DAYS,NOW');
    expect(history.parameters['storage.location.template']).toBe(`s3://${bucket}/history/$\${day}/`);
    // No projection key is left for Terraform to read as a reference (plan fails on one).
    expect(JSON.stringify(json)).not.toMatch(/(^|[^$])\$\{(day|billing_period)\}/);
    expect(tables.activity_lines.storage_descriptor.columns.map((c: any) => c.name)).toEqual(['time', 'workspace', 'owner', 'state']);
  });

  test('an Athena workgroup with enforced, encrypted results, and the views as seven named queries in order', () => {
    const { one, of, usage } = synth();
    expect(one('aws_athena_workgroup')).toEqual(
      expect.objectContaining({
        name: 'usage',
        force_destroy: false,
        configuration: expect.objectContaining({
          enforce_workgroup_configuration: true,
          publish_cloudwatch_metrics_enabled: true,
          engine_version: { selected_engine_version: 'Athena engine version 3' },
          result_configuration: expect.objectContaining({ output_location: expect.stringMatching(/^s3:\/\/\$\{aws_s3_bucket\.\w+\.bucket\}\/athena-results\/$/) }),
        }),
      }),
    );
    const queries = (Object.values(of('aws_athena_named_query')) as any[]).sort((a, b) => parseInt(a.name, 10) - parseInt(b.name, 10));
    expect(queries.map((q) => q.name)).toEqual(['1 usage_lines', '2 machine_events', '3 activity_checks', '4 cost_by_owner_day', '5 cost_by_workspace_day', '6 gpu_hours_by_owner', '7 idle_cost_by_owner']);
    for (const q of queries) {
      expect(q.query.startsWith(`CREATE OR REPLACE VIEW "usage"."${q.name.split(' ')[1]}" AS\n`)).toBe(true);
      expect(q.database).toMatch(/^\$\{aws_glue_catalog_database\.\w+\.name\}$/);
    }
    expect(usage.location).toBe('usage');
    expect(usage.viewName(UsageView.GPU_HOURS_BY_OWNER)).toBe('usage.gpu_hours_by_owner');
  });

  test('the views read the library tags under their CUR 2.0 keys, so they cannot drift from the labels', () => {
    const { of } = synth();
    const sql = (Object.values(of('aws_athena_named_query')) as any[]).map((q) => q.query).join('\n');
    for (const key of VIEW_LABEL_KEYS) expect(sql).toContain(`element_at(resource_tags, '${curTagKey(key)}')`);
    expect(VIEW_LABEL_KEYS.map(curTagKey)).toEqual(['user_ml_workspace', 'user_owner', 'user_workspace', 'user_cost_center', 'user_cost_scope']);
    expect(sql).toMatch(/line_item_usage_account_id = '\$\{data\.aws_caller_identity\.\w+\.account_id\}'/);
  });

  test('EC2 state changes go through EventBridge (reshaped to one flat line) and Firehose into the bucket', () => {
    const { one, of } = synth();
    expect(JSON.parse(one('aws_cloudwatch_event_rule').event_pattern)).toEqual({
      'source': ['aws.ec2'],
      'detail-type': ['EC2 Instance State-change Notification'],
      'detail': { state: ['running', 'stopping', 'stopped', 'shutting-down', 'terminated'] },
    });
    expect(one('aws_cloudwatch_event_target').input_transformer).toEqual({
      input_paths: { time: '$.time', instance: '$.detail.instance-id', state: '$.detail.state' },
      input_template: '{"event_time": <time>, "instance_id": <instance>, "state": <state>}',
    });
    const streams = Object.fromEntries((Object.values(of('aws_kinesis_firehose_delivery_stream')) as any[]).map((s) => [s.name, s]));
    expect(Object.keys(streams).sort()).toEqual(['usage-usage-activity', 'usage-usage-history']);
    const history = streams['usage-usage-history'];
    expect(history.server_side_encryption).toEqual(expect.objectContaining({ enabled: true, key_type: 'CUSTOMER_MANAGED_CMK' }));
    expect(history.extended_s3_configuration).toEqual(
      expect.objectContaining({
        prefix: 'history/!{timestamp:yyyy-MM-dd}/',
        error_output_prefix: 'errors/history/!{firehose:error-output-type}/!{timestamp:yyyy-MM-dd}/',
        compression_format: 'GZIP',
        processing_configuration: { enabled: true, processors: [{ type: 'AppendDelimiterToRecord' }] },
      }),
    );
    expect(streams['usage-usage-activity'].extended_s3_configuration.processing_configuration.processors.map((p: any) => p.type)).toEqual([
      'Decompression',
      'CloudWatchLogProcessing',
      'AppendDelimiterToRecord',
    ]);
  });

  test('the activity log group keeps at least the retention, encrypted, streamed to the bucket', () => {
    expect([30, 31, 400, 401, 3650].map(logRetention)).toEqual([30, 60, 400, 545, 3653]);
    const { one } = synth({ retentionDays: 31 });
    expect(one('aws_cloudwatch_log_group')).toEqual(expect.objectContaining({ name: ACTIVITY_LOG_GROUP, retention_in_days: 60 }));
    expect(one('aws_cloudwatch_log_subscription_filter')).toEqual(expect.objectContaining({ filter_pattern: '', name: 'usage-usage-activity' }));
  });

  test("the service roles trust their service on this account's behalf only", () => {
    const { of, json } = synth();
    const roles = Object.values(of('aws_iam_role')) as any[];
    expect(roles.map((r) => r.name).sort()).toEqual(['mlw-usage-usage-events-eu-west-1', 'mlw-usage-usage-firehose-eu-west-1', 'mlw-usage-usage-logs-eu-west-1']);
    const docs = json.data.aws_iam_policy_document as Record<string, any>;
    for (const r of roles) {
      const trust = docs[/data\.aws_iam_policy_document\.(\w+)\.json/.exec(r.assume_role_policy)![1]].statement[0];
      expect(trust.condition[0]).toEqual(expect.objectContaining({ test: 'StringEquals', variable: 'aws:SourceAccount' }));
    }
  });

  test('a budget per owner tag, with alerts through an encrypted topic the budgets may publish to', () => {
    const { of, one, usage, json } = synth({ budget: { ...BUDGET, alertAtPercent: [80, 100], notify: ['a@example.com', 'b@example.com'], ownerAmounts: { 'bob@example.com': 249.99 } } }, (u, stack) => {
      const fleet = new WorkspaceFleet(stack, 'vision', {
        target: target(),
        members: [
          { name: 'alice', owner: 'alice@example.com' },
          { name: 'bob', owner: 'bob@example.com' },
          { name: 'alice2', owner: 'alice@example.com' },
        ],
      });
      u.trackFleet(fleet);
    });
    const budgets = Object.values(of('aws_budgets_budget')) as any[];
    expect(budgets.map((b) => [b.name, b.limit_amount, b.limit_unit, b.time_unit, b.budget_type, b.cost_filter])).toEqual([
      ['usage alice_example_com', '500.00', 'USD', 'MONTHLY', 'COST', [{ name: 'TagKeyValue', values: ['user:owner$alice_example_com'] }]],
      ['usage bob_example_com', '249.99', 'USD', 'MONTHLY', 'COST', [{ name: 'TagKeyValue', values: ['user:owner$bob_example_com'] }]],
    ]);
    const topic = `\${${address(json, 'aws_sns_topic')}.arn}`;
    expect(budgets[0].notification).toEqual([80, 100].map((threshold) => ({ comparison_operator: 'GREATER_THAN', notification_type: 'ACTUAL', threshold, threshold_type: 'PERCENTAGE', subscriber_sns_topic_arns: [topic] })));
    expect(one('aws_sns_topic')).toEqual(expect.objectContaining({ name: 'usage-budget-alerts', kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\.\w+\.arn\}$/) }));
    expect((Object.values(of('aws_sns_topic_subscription')) as any[]).map((s) => [s.protocol, s.endpoint])).toEqual([
      ['email', 'a@example.com'],
      ['email', 'b@example.com'],
    ]);
    expect(usage.budgetOwners).toEqual(['alice@example.com', 'bob@example.com']);
    expect(usage.manualSteps[2]).toContain('confirm the subscription');
    expect(AwsResources.ofUsage(usage).budgets.bob_example_com).toBeDefined();
  });

  test('without a budget there is no topic and no confirmation step', () => {
    const { of, usage } = synth();
    expect(Object.keys(of('aws_sns_topic'))).toEqual([]);
    expect(usage.manualSteps).toHaveLength(2);
  });

  test('the manual steps name the workgroup, the saved queries and the cost allocation tags', () => {
    const { json, usage } = synth();
    expect(usage.manualSteps[0]).toContain("in the Athena console, workgroup 'usage', \"Saved queries\", run '1 usage_lines' to '7 idle_cost_by_owner' in order");
    expect(usage.manualSteps[1]).toContain('activate them in the payer account (UsageCostAllocationTags');
    expect(json.output.usage_manual_steps.value.split('\n')[0]).toMatch(/^1\. Create the views once/);
    expect(JSON.parse(json.output.usage_usage_views.value)).toEqual({
      cost_by_owner_day: 'usage.cost_by_owner_day',
      cost_by_workspace_day: 'usage.cost_by_workspace_day',
      gpu_hours_by_owner: 'usage.gpu_hours_by_owner',
      idle_cost_by_owner: 'usage.idle_cost_by_owner',
    });
  });

  test('every billable resource it makes carries the cost labels, as shared cost', () => {
    const { json } = synth({ budget: BUDGET });
    for (const type of ['aws_s3_bucket', 'aws_kms_key', 'aws_kinesis_firehose_delivery_stream', 'aws_cloudwatch_log_group', 'aws_athena_workgroup', 'aws_bcmdataexports_export', 'aws_sns_topic']) {
      for (const r of Object.values(json.resource[type]) as any[]) expect(r.tags).toEqual(expect.objectContaining(TAGS));
    }
  });

  test.each<[string, Partial<UsageExporterProps>, string]>([
    ['a billing account', { billingAccount: '01ABCD-23EF45-6789AB' }, "UsageExporter 'usage': billingAccount '01ABCD-23EF45-6789AB' is GCP's; on AWS the export is of the account Terraform deploys to"],
    ['a currency other than USD', { budget: { ...BUDGET, currency: 'EUR' } }, "budget.currency 'EUR' is not 'USD'; AWS Budgets are in US dollars"],
    ['a key alias', { kmsKey: 'alias/usage' }, "kmsKey 'alias/usage' is not a KMS key ARN"],
    ['a key in another region', { kmsKey: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' }, "is in region 'us-east-1' and the bucket in 'eu-west-1'"],
    ['a GovCloud region', { target: AwsTarget.of({ region: 'us-gov-west-1' }) }, "target.region 'us-gov-west-1' is outside the commercial partition"],
    ['a network', { target: AwsTarget.of({ region: 'eu-west-1', vpcId: 'vpc-0123456789abcdef0', subnetId: 'subnet-0123456789abcdef0' }) }, "target.vpcId 'vpc-0123456789abcdef0' names a network, and an exporter has none"],
    ['a region typo', { target: AwsTarget.of({ region: 'eu-west-9' }) }, "target.region 'eu-west-9'"],
  ])('%s is refused', (_name, props, message) => {
    expect(fails(props)).toContain(message);
  });

  test('two exporters in one region of a stack are refused: the activity log group is one per account and region', () => {
    const error = errorOf(() =>
      synth({}, (_u, stack) => {
        new UsageExporter(stack, 'usage2', { target: target() });
      }),
    );
    expect(error).toBe(
      "UsageExporter 'usage2': target.region 'eu-west-1' already has an exporter in this stack ('test/usage'); the activity log group ml-workspace-activity is one per account and region: track every workspace of the region with that one",
    );
    expect(() => synth({}, (_u, stack) => new UsageExporter(stack, 'usage2', { target: target('eu-central-1') }))).not.toThrow();
  });

  test("a workspace in another region is refused: EC2 state changes reach only the exporter's region", () => {
    const error = errorOf(() => synth({}, (u, stack) => u.track(new GpuWorkspace(stack, 'bob', { target: target('eu-central-1'), owner: 'bob@example.com' }))));
    expect(error).toContain("track workspace 'test/bob' is in region 'eu-central-1' and the exporter in 'eu-west-1'");
  });

  test('a key or an address only known at apply is taken as given, unchecked', () => {
    const { one, of } = synth({ budget: { ...BUDGET, notify: ['finops@example.com'] } }, () => {});
    expect(Object.keys(of('aws_sns_topic_subscription'))).toHaveLength(1);
    const stack = new TerraformStack(Testing.app(), 'tokens');
    const key = new TerraformVariable(stack, 'key', { type: 'string' }).stringValue;
    const email = new TerraformVariable(stack, 'email', { type: 'string' }).stringValue;
    new UsageExporter(stack, 'usage', { target: target(), kmsKey: key, budget: { ...BUDGET, notify: [email] } });
    const json = JSON.parse(Testing.synth(stack, true));
    expect(Object.values(json.resource.aws_s3_bucket_server_side_encryption_configuration).map((c: any) => c.rule[0].apply_server_side_encryption_by_default.kms_master_key_id)).toEqual(['${var.key}']);
    expect(Object.values(json.resource.aws_sns_topic_subscription).map((c: any) => c.endpoint)).toEqual(['${var.email}']);
    expect(json.resource.aws_kms_key).toBeUndefined();
    expect(one('aws_kms_key').enable_key_rotation).toBe(true);
  });

  test('AwsResources.ofUsage gives the typed resources, and refuses an exporter of another cloud', () => {
    const { usage } = synth();
    expect(AwsResources.ofUsage(usage).workgroup).toBeInstanceOf(AthenaWorkgroup);
    expect(AwsResources.ofUsage(usage).namedQueries).toHaveLength(7);
    const gcp = new UsageExporter(new TerraformStack(Testing.app(), 'gcp'), 'usage', { target: GcpTarget.of(GCP), billingAccount: '01ABCD-23EF45-6789AB' });
    expect(errorOf(() => AwsResources.ofUsage(gcp))).toContain('AwsResources.ofUsage');
  });
});

describe('UsageCostAllocationTags', () => {
  const tags = (props: Record<string, unknown>) => {
    const stack = new TerraformStack(Testing.app(), 'payer');
    const construct = new UsageCostAllocationTags(stack, 'tags', props as any);
    return { construct, json: JSON.parse(Testing.synth(stack, true)) };
  };

  test("activates the library's five tag keys, and extra ones once", () => {
    const { json, construct } = tags({ target: target('us-east-1'), extraTagKeys: ['team', 'owner'] });
    expect((Object.values(json.resource.aws_ce_cost_allocation_tag) as any[]).map((t) => [t.tag_key, t.status])).toEqual(
      ['ml-workspace', 'owner', 'workspace', 'cost-center', 'cost-scope', 'team'].map((k) => [k, 'Active']),
    );
    expect(construct.tagKeys).toHaveLength(6);
  });

  test.each<[string, Record<string, unknown>, string]>([
    ['no target', {}, "UsageCostAllocationTags 'tags'"],
    ['an aws: key', { target: target(), extraTagKeys: ['aws:createdBy'] }, "extraTagKeys 'aws:createdBy' is not a user tag key"],
    ['an empty key', { target: target(), extraTagKeys: [''] }, "extraTagKeys '' is not a user tag key"],
    ['a key with a newline', { target: target(), extraTagKeys: ['a\nb'] }, 'is not a user tag key'],
    ['too many keys', { target: target(), extraTagKeys: Array.from({ length: 21 }, (_, i) => `k${i}`) }, 'lists more than 20 keys'],
  ])('%s is refused', (_name, props, message) => {
    expect(errorOf(() => tags(props))).toContain(message);
  });
});
