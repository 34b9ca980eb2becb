import { AthenaNamedQuery } from '@cdktf/provider-aws/lib/athena-named-query';
import { AthenaWorkgroup } from '@cdktf/provider-aws/lib/athena-workgroup';
import { BcmdataexportsExport } from '@cdktf/provider-aws/lib/bcmdataexports-export';
import { BudgetsBudget } from '@cdktf/provider-aws/lib/budgets-budget';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchLogSubscriptionFilter } from '@cdktf/provider-aws/lib/cloudwatch-log-subscription-filter';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { GlueCatalogDatabase } from '@cdktf/provider-aws/lib/glue-catalog-database';
import { GlueCatalogTable } from '@cdktf/provider-aws/lib/glue-catalog-table';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KinesisFirehoseDeliveryStream } from '@cdktf/provider-aws/lib/kinesis-firehose-delivery-stream';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { ensureProvider } from 'cdktf-ml-workspace/lib/clouds/common/providers';
import { BuiltUsage, OwnerBudget, UsageSpec } from 'cdktf-ml-workspace/lib/host/usage-cloud';
import { SqlDialect, STAGING, usageLinesFrom, usageViews, UsageView } from 'cdktf-ml-workspace/lib/clouds/common/roles/usage';
import { LabelKey } from 'cdktf-ml-workspace/lib/core/labels';
import { partitionOf } from '../host';
import { assumeRole, policyDocument } from '../iam';
import { AwsUsageResources } from '../resources';
import { AwsTargetOptions } from '../target';

/** Athena's (Trino's) spelling of what the views' dialects spell differently. @internal */
export const TRINO: SqlDialect = {
  name: 'trino',
  secondsBetween: (start, end) => `date_diff('second', ${start}, ${end})`,
  midnight: (date) => `CAST(${date} AS TIMESTAMP)`,
  nextMonth: (date) => `date_add('month', 1, ${date})`,
  monthStart: (date) => `date_trunc('month', ${date})`,
};

/** The region Data Exports (and so the export resource) lives in. @internal */
export const DATA_EXPORTS_REGION = 'us-east-1';

/** The log group the machines' idle-stop activity lines are written to (one per account and region). @internal */
export const ACTIVITY_LOG_GROUP = 'ml-workspace-activity';

/**
 * The CUR 2.0 columns the export selects, with their Glue types, as the Data Exports table
 * dictionary gives them (https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2.html).
 * The Glue table declares exactly these.
 *
 * @internal
 */
export const EXPORT_COLUMNS: ReadonlyArray<readonly [name: string, type: string]> = [
  ['identity_line_item_id', 'string'],
  ['bill_billing_period_start_date', 'timestamp'],
  ['line_item_usage_account_id', 'string'],
  ['line_item_line_item_type', 'string'],
  ['line_item_usage_start_date', 'timestamp'],
  ['line_item_product_code', 'string'],
  ['line_item_usage_type', 'string'],
  ['line_item_resource_id', 'string'],
  ['line_item_usage_amount', 'double'],
  ['line_item_unblended_cost', 'double'],
  ['line_item_currency_code', 'string'],
  ['resource_tags', 'map<string,string>'],
];

/** The columns of the start/stop history: what the EventBridge target writes per state change. @internal */
export const HISTORY_COLUMNS: ReadonlyArray<readonly [name: string, type: string]> = [
  ['event_time', 'string'],
  ['instance_id', 'string'],
  ['state', 'string'],
];

/** The columns of an activity line, as the machine writes it (JSON, one per idle-stop check). @internal */
export const ACTIVITY_COLUMNS: ReadonlyArray<readonly [name: string, type: string]> = [
  ['time', 'string'],
  ['workspace', 'string'],
  ['owner', 'string'],
  ['state', 'string'],
];

/** Instance families with NVIDIA GPUs: a running instance of one is a GPU machine. @internal */
export const GPU_FAMILIES = ['g4dn', 'g5', 'g6', 'g6e', 'gr6', 'p3', 'p3dn', 'p4d', 'p4de', 'p5', 'p5e', 'p5en'];

/** EC2 states after which an instance is no longer billed as running. */
const STOPPED_STATES = ['stopping', 'stopped', 'shutting-down', 'terminated'];

/** The retention periods CloudWatch Logs accepts, in days. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** The shortest retention CloudWatch Logs accepts that keeps at least `days`. @internal */
export function logRetention(days: number): number {
  return LOG_RETENTION_DAYS.find((d) => d >= days) ?? LOG_RETENTION_DAYS[LOG_RETENTION_DAYS.length - 1];
}

/** A tag's key in CUR 2.0's `resource_tags` map: `user_` and the key, lowercase, with `_` for any other character. @internal */
export function curTagKey(tag: string): string {
  return `user_${tag.toLowerCase().replace(/[^a-z0-9]/g, '_')}`;
}

/** The S3 prefixes of what the exporter keeps. @internal */
export const PREFIXES = { export: 'export', history: 'history', activity: 'activity', results: 'athena-results', errors: 'errors' } as const;

/** The SQL of every relation, in the order they must be created, in Athena's SQL. @internal */
export function awsUsageSql(database: string, account: string): { readonly name: string; readonly sql: string }[] {
  const ref = (name: string) => `"${database}"."${name}"`;
  const tag = (key: string) => `element_at(resource_tags, '${curTagKey(key)}')`;
  const rawLines = [
    '  SELECT line_item_usage_start_date AS usage_time,',
    `    ${tag(LabelKey.ML_WORKSPACE)} AS lbl_ml, ${tag(LabelKey.OWNER)} AS lbl_owner,`,
    `    ${tag(LabelKey.WORKSPACE)} AS lbl_workspace, ${tag(LabelKey.COST_CENTER)} AS lbl_cost_center,`,
    `    ${tag(LabelKey.COST_SCOPE)} AS lbl_scope,`,
    // Instance hours of a running machine (on demand, spot, dedicated): `EUW1-BoxUsage:g6.xlarge`.
    "    CASE WHEN line_item_product_code = 'AmazonEC2' AND regexp_like(line_item_usage_type, '(BoxUsage|SpotUsage|DedicatedUsage):') THEN 1 ELSE 0 END AS machine_charge,",
    `    CASE WHEN line_item_product_code = 'AmazonEC2' AND regexp_like(line_item_usage_type, ':(${GPU_FAMILIES.join('|')})\\.') THEN 1 ELSE 0 END AS gpu_charge,`,
    // Credits, refunds and savings-plan negations are lines of their own, with negative cost.
    '    line_item_unblended_cost AS cost,',
    '    line_item_currency_code AS currency',
    `  FROM ${ref('cost_and_usage')}`,
    `  WHERE line_item_usage_account_id = '${account}'`,
  ].join('\n');
  // An instance's workspace, from its own bill lines (the state-change event names only the instance).
  const machineEvents = [
    'WITH instances AS (',
    `  SELECT DISTINCT line_item_resource_id AS instance_id, ${tag(LabelKey.WORKSPACE)} AS workspace`,
    `  FROM ${ref('cost_and_usage')}`,
    `  WHERE line_item_resource_id LIKE 'i-%' AND ${tag(LabelKey.ML_WORKSPACE)} = 'true' AND ${tag(LabelKey.WORKSPACE)} IS NOT NULL`,
    ')',
    "SELECT CAST(from_iso8601_timestamp(h.event_time) AS TIMESTAMP) AS event_time, i.workspace,",
    "  CASE WHEN h.state = 'running' THEN 1 ELSE 0 END AS running",
    `FROM ${ref('instance_history')} AS h`,
    'JOIN instances AS i ON i.instance_id = h.instance_id',
    `WHERE h.state IN ('running', ${STOPPED_STATES.map((s) => `'${s}'`).join(', ')})`,
  ].join('\n');
  const activity = [
    'SELECT CAST(from_iso8601_timestamp("time") AS TIMESTAMP) AS check_time, workspace, owner,',
    "  CASE WHEN state = 'idle' THEN 1 ELSE 0 END AS idle",
    `FROM ${ref('activity_lines')}`,
  ].join('\n');
  const views = usageViews(TRINO, { usageLines: ref(STAGING.usageLines), machineEvents: ref(STAGING.machineEvents), activityChecks: ref(STAGING.activityChecks) });
  return [
    { name: STAGING.usageLines, sql: usageLinesFrom(TRINO, rawLines) },
    { name: STAGING.machineEvents, sql: machineEvents },
    { name: STAGING.activityChecks, sql: activity },
    ...Object.values(UsageView).map((name) => ({ name, sql: views[name] })),
  ];
}

/** The export's SQL: the columns above, from CUR 2.0. @internal */
export function exportQuery(): string {
  return `SELECT ${EXPORT_COLUMNS.map(([c]) => c).join(', ')} FROM COST_AND_USAGE_REPORT`;
}

/** A provider in us-east-1 for Data Exports: the default one when the target is there, else an alias. */
function dataExportsProvider(scope: Construct, region: string): AwsProvider | undefined {
  if (region === DATA_EXPORTS_REGION) return undefined;
  const stack = TerraformStack.of(scope);
  const found = stack.node.findAll().find((c): c is AwsProvider => c instanceof AwsProvider && c.alias !== undefined && c.region === DATA_EXPORTS_REGION);
  return found ?? new AwsProvider(stack, 'ml-workspace-aws-us-east-1', { region: DATA_EXPORTS_REGION, alias: 'ml-workspace-us-east-1' });
}

/** Partition projection over dates, kept for the retention. */
function dateProjection(key: string, format: string, unit: 'DAYS' | 'MONTHS', back: number, template: string): Record<string, string> {
  return {
    'projection.enabled': 'true',
    [`projection.${key}.type`]: 'date',
    [`projection.${key}.format`]: format,
    [`projection.${key}.range`]: `NOW-${back}${unit},NOW`,
    [`projection.${key}.interval`]: '1',
    [`projection.${key}.interval.unit`]: unit,
    'storage.location.template': template,
  };
}

const JSON_SERDE = { serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe', parameters: { 'ignore.malformed.json': 'true' } };
const TEXT_FORMAT = { inputFormat: 'org.apache.hadoop.mapred.TextInputFormat', outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat' };

/**
 * A usage exporter on AWS: a CUR 2.0 Data Export (Parquet, daily, with resource ids) to an
 * encrypted bucket in the target's region; a Glue database with the export's table (partition
 * projection, no crawler) and the start/stop history and activity tables beside it; an Athena
 * workgroup with enforced encrypted results; the views as named queries in it; EC2 state-change
 * events through EventBridge and Firehose into the bucket; the activity log group streamed there
 * too; budgets per owner tag through an encrypted SNS topic.
 *
 * @internal
 */
export function buildAwsUsage(scope: Construct, spec: UsageSpec, target: AwsTargetOptions): BuiltUsage & { readonly resources: AwsUsageResources } {
  const { region } = target;
  ensureProvider(scope, 'aws', (stack) => new AwsProvider(stack, 'ml-workspace-aws', { region }));
  const partition = `arn:${partitionOf(scope).partition}`;
  const account = new DataAwsCallerIdentity(scope, 'Account').accountId;
  const database = spec.name.replace(/-/g, '_');
  const tags = (suffix: string) => ({ ...spec.labels, Name: `${spec.name}-${suffix}` });
  const exportName = `${spec.name}-cur2`;
  const exportArn = `${partition}:bcm-data-exports:${DATA_EXPORTS_REGION}:${account}:export/*`;
  const activityLogArn = `${partition}:logs:${region}:${account}:log-group:${ACTIVITY_LOG_GROUP}`;
  const sourceAccount = { test: 'StringEquals', variable: 'aws:SourceAccount', values: [account] };

  // --- the key: the account administers it; the services that write here may use it ----------
  let key: KmsKey | undefined;
  if (spec.kmsKey === undefined) {
    const service = (sid: string, principal: string, actions: string[], condition = [sourceAccount]) => ({
      sid,
      effect: 'Allow',
      principals: [{ type: 'Service', identifiers: [principal] }],
      actions,
      resources: ['*'],
      condition,
    });
    key = new KmsKey(scope, 'Key', {
      description: `ML workspace usage exporter ${spec.name}: the billing export, start/stop history and activity lines`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      tags: tags('key'),
      policy: policyDocument(scope, 'KeyPolicy', [
        { sid: 'AccountAdministers', effect: 'Allow', principals: [{ type: 'AWS', identifiers: [`${partition}:iam::${account}:root`] }], actions: ['kms:*'], resources: ['*'] },
        service('DataExportsWrite', 'bcm-data-exports.amazonaws.com', ['kms:GenerateDataKey*', 'kms:Decrypt']),
        service('BudgetsPublish', 'budgets.amazonaws.com', ['kms:GenerateDataKey*', 'kms:Decrypt']),
        service('ActivityLogGroup', `logs.${region}.amazonaws.com`, ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'], [
          { test: 'ArnEquals', variable: 'kms:EncryptionContext:aws:logs:arn', values: [activityLogArn] },
        ]),
      ]),
    });
  }
  const keyArn = key ? key.arn : spec.kmsKey!;

  // --- the bucket -------------------------------------------------------------------------------
  const bucket = new S3Bucket(scope, 'Resource', { bucketPrefix: `${spec.name}-usage-`, forceDestroy: false, tags: tags('usage') });
  new S3BucketPublicAccessBlock(scope, 'PublicAccessBlock', { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
  new S3BucketOwnershipControls(scope, 'Ownership', { bucket: bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
  new S3BucketServerSideEncryptionConfigurationA(scope, 'Encryption', {
    bucket: bucket.id,
    rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: keyArn }, bucketKeyEnabled: true }],
  });
  new S3BucketVersioningA(scope, 'Versioning', { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } });
  new S3BucketLifecycleConfiguration(scope, 'Lifecycle', {
    bucket: bucket.id,
    rule: [
      ...[PREFIXES.export, PREFIXES.history, PREFIXES.activity, PREFIXES.errors].map((prefix) => ({
        id: `${prefix}-retention`,
        status: 'Enabled',
        filter: [{ prefix: `${prefix}/` }],
        expiration: [{ days: spec.retentionDays }],
        noncurrentVersionExpiration: [{ noncurrentDays: 30 }],
      })),
      {
        id: 'athena-results',
        status: 'Enabled',
        filter: [{ prefix: `${PREFIXES.results}/` }],
        expiration: [{ days: 30 }],
        noncurrentVersionExpiration: [{ noncurrentDays: 1 }],
      },
      { id: 'abort-incomplete-uploads', status: 'Enabled', filter: [{ prefix: '' }], abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }] },
    ],
  });
  const bucketPolicy = new S3BucketPolicy(scope, 'Policy', {
    bucket: bucket.id,
    policy: policyDocument(scope, 'PolicyDocument', [
      {
        sid: 'DataExportsDeliver',
        effect: 'Allow',
        principals: [{ type: 'Service', identifiers: ['bcm-data-exports.amazonaws.com', 'billingreports.amazonaws.com'] }],
        actions: ['s3:PutObject', 's3:GetBucketPolicy'],
        resources: [bucket.arn, `${bucket.arn}/*`],
        condition: [
          { test: 'StringLike', variable: 'aws:SourceAccount', values: [account] },
          { test: 'StringLike', variable: 'aws:SourceArn', values: [`${partition}:cur:${DATA_EXPORTS_REGION}:${account}:definition/*`, exportArn] },
        ],
      },
      {
        sid: 'TlsOnly',
        effect: 'Deny',
        principals: [{ type: '*', identifiers: ['*'] }],
        actions: ['s3:*'],
        resources: [bucket.arn, `${bucket.arn}/*`],
        condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
      },
    ]),
  });
  const s3 = (prefix: string) => `s3://${bucket.bucket}/${prefix}/`;

  // --- the export (us-east-1) -------------------------------------------------------------------
  const dataExport = new BcmdataexportsExport(scope, 'Export', {
    provider: dataExportsProvider(scope, region),
    export: [
      {
        name: exportName,
        description: `CUR 2.0 for the ML workspace usage views of ${spec.name}`,
        dataQuery: [
          {
            queryStatement: exportQuery(),
            tableConfigurations: {
              COST_AND_USAGE_REPORT: {
                TIME_GRANULARITY: 'DAILY',
                INCLUDE_RESOURCES: 'TRUE',
                INCLUDE_MANUAL_DISCOUNT_COMPATIBILITY: 'FALSE',
                INCLUDE_SPLIT_COST_ALLOCATION_DATA: 'FALSE',
              },
            },
          },
        ],
        destinationConfigurations: [
          {
            s3Destination: [
              {
                s3Bucket: bucket.bucket,
                s3Prefix: PREFIXES.export,
                s3Region: region,
                s3OutputConfigurations: [{ overwrite: 'OVERWRITE_REPORT', format: 'PARQUET', compression: 'PARQUET', outputType: 'CUSTOM' }],
              },
            ],
          },
        ],
        refreshCadence: [{ frequency: 'SYNCHRONOUS' }],
      },
    ],
    tags: tags('cur2'),
    dependsOn: [bucketPolicy],
  });

  // --- the catalog and Athena -------------------------------------------------------------------
  const glueDatabase = new GlueCatalogDatabase(scope, 'Database', { name: database, description: `ML workspace usage (${spec.name}): the CUR 2.0 export, start/stop history, activity lines and views` });
  const months = Math.ceil(spec.retentionDays / 30) + 1;
  const columns = (list: ReadonlyArray<readonly [string, string]>) => list.map(([name, type]) => ({ name, type }));
  const exportTable = new GlueCatalogTable(scope, 'ExportTable', {
    databaseName: glueDatabase.name,
    name: 'cost_and_usage',
    description: `The CUR 2.0 Data Export ${exportName}, one partition per billing period (projected)`,
    tableType: 'EXTERNAL_TABLE',
    parameters: {
      classification: 'parquet',
      ...dateProjection('billing_period', 'yyyy-MM', 'MONTHS', months, `${s3(`${PREFIXES.export}/${exportName}/data`)}BILLING_PERIOD=$\${billing_period}/`),
    },
    partitionKeys: [{ name: 'billing_period', type: 'string' }],
    storageDescriptor: {
      location: s3(`${PREFIXES.export}/${exportName}/data`),
      inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
      outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
      serDeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
      columns: columns(EXPORT_COLUMNS),
    },
  });
  const jsonTable = (id: string, name: string, prefix: string, description: string, list: ReadonlyArray<readonly [string, string]>) =>
    new GlueCatalogTable(scope, id, {
      databaseName: glueDatabase.name,
      name,
      description,
      tableType: 'EXTERNAL_TABLE',
      parameters: { classification: 'json', ...dateProjection('day', 'yyyy-MM-dd', 'DAYS', spec.retentionDays, `${s3(prefix)}$\${day}/`) },
      partitionKeys: [{ name: 'day', type: 'string' }],
      storageDescriptor: { location: s3(prefix), ...TEXT_FORMAT, serDeInfo: JSON_SERDE, columns: columns(list) },
    });
  const historyTable = jsonTable('HistoryTable', 'instance_history', PREFIXES.history, 'EC2 state changes of the account in this region (EventBridge, through Firehose)', HISTORY_COLUMNS);
  const activityTable = jsonTable('ActivityTable', 'activity_lines', PREFIXES.activity, `The machines' idle-stop activity lines (log group ${ACTIVITY_LOG_GROUP}, through Firehose)`, ACTIVITY_COLUMNS);

  const workgroup = new AthenaWorkgroup(scope, 'Workgroup', {
    name: spec.name,
    description: `Queries of the ML workspace usage views (${spec.name})`,
    forceDestroy: false,
    tags: tags('athena'),
    configuration: {
      enforceWorkgroupConfiguration: true,
      publishCloudwatchMetricsEnabled: true,
      engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
      resultConfiguration: {
        outputLocation: s3(PREFIXES.results),
        encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKeyArn: keyArn },
      },
    },
  });
  const relations = awsUsageSql(database, account);
  const namedQueries = relations.map(
    ({ name, sql }, i) =>
      new AthenaNamedQuery(scope, `View-${name}`, {
        name: `${i + 1} ${name}`,
        description: `Creates or replaces the view ${database}.${name}; run the seven in order`,
        database: glueDatabase.name,
        workgroup: workgroup.name,
        query: `CREATE OR REPLACE VIEW "${database}"."${name}" AS\n${sql}`,
      }),
  );

  // --- start/stop history: EC2 state changes -> EventBridge -> Firehose -> the bucket -----------
  // A role a service assumes for this account, allowed exactly `statements`.
  const serviceRole = (suffix: string, trust: string, policy: { id: string; name: string }, statements: DataAwsIamPolicyDocumentStatement[]) => {
    const role = new IamRole(scope, `${suffix[0].toUpperCase()}${suffix.slice(1)}Role`, { name: `mlw-${spec.name}-usage-${suffix}-${region}`, assumeRolePolicy: trust, tags: tags(suffix) });
    const rolePolicy = new IamRolePolicy(scope, policy.id, { role: role.id, name: policy.name, policy: policyDocument(scope, `${policy.id}Document`, statements) });
    return { role, policy: rolePolicy };
  };
  const putRecords = (stream: KinesisFirehoseDeliveryStream): DataAwsIamPolicyDocumentStatement[] => [
    { effect: 'Allow', actions: ['firehose:PutRecord', 'firehose:PutRecordBatch'], resources: [stream.arn] },
  ];
  const { role: firehoseRole } = serviceRole('firehose', assumeRole(scope, 'FirehoseTrust', 'firehose.amazonaws.com', account), { id: 'FirehoseWrite', name: 'write-usage-bucket' }, [
    { effect: 'Allow', actions: ['s3:AbortMultipartUpload', 's3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads', 's3:PutObject'], resources: [bucket.arn, `${bucket.arn}/${PREFIXES.history}/*`, `${bucket.arn}/${PREFIXES.activity}/*`, `${bucket.arn}/${PREFIXES.errors}/*`] },
    { effect: 'Allow', actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [keyArn] },
  ]);
  const stream = (id: string, prefix: string, processors: { type: string; parameters?: { parameterName: string; parameterValue: string }[] }[]) =>
    new KinesisFirehoseDeliveryStream(scope, id, {
      name: `${spec.name}-usage-${prefix}`,
      destination: 'extended_s3',
      serverSideEncryption: { enabled: true, keyType: 'CUSTOMER_MANAGED_CMK', keyArn },
      extendedS3Configuration: {
        roleArn: firehoseRole.arn,
        bucketArn: bucket.arn,
        prefix: `${prefix}/!{timestamp:yyyy-MM-dd}/`,
        errorOutputPrefix: `${PREFIXES.errors}/${prefix}/!{firehose:error-output-type}/!{timestamp:yyyy-MM-dd}/`,
        bufferingInterval: 300,
        bufferingSize: 5,
        compressionFormat: 'GZIP',
        kmsKeyArn: keyArn,
        processingConfiguration: { enabled: true, processors },
      },
      tags: tags(prefix),
    });
  const historyStream = stream('HistoryStream', PREFIXES.history, [{ type: 'AppendDelimiterToRecord' }]);
  const stateChanges = new CloudwatchEventRule(scope, 'StateChanges', {
    name: `${spec.name}-ec2-state-changes`,
    description: 'EC2 instances starting and stopping, for the ML workspace usage views',
    eventPattern: JSON.stringify({
      source: ['aws.ec2'],
      'detail-type': ['EC2 Instance State-change Notification'],
      detail: { state: ['running', ...STOPPED_STATES] },
    }),
    tags: tags('ec2-state-changes'),
  });
  const { role: eventsRole } = serviceRole('events', assumeRole(scope, 'EventsTrust', 'events.amazonaws.com', account), { id: 'EventsPut', name: 'put-history' }, putRecords(historyStream));
  new CloudwatchEventTarget(scope, 'StateChangesTarget', {
    rule: stateChanges.name,
    arn: historyStream.arn,
    roleArn: eventsRole.arn,
    inputTransformer: {
      inputPaths: { time: '$.time', instance: '$.detail.instance-id', state: '$.detail.state' },
      inputTemplate: '{"event_time": <time>, "instance_id": <instance>, "state": <state>}',
    },
  });

  // --- activity lines: the log group -> Firehose -> the bucket ----------------------------------
  const activityLogGroup = new CloudwatchLogGroup(scope, 'ActivityLogGroup', {
    name: ACTIVITY_LOG_GROUP,
    retentionInDays: logRetention(spec.retentionDays),
    kmsKeyId: keyArn,
    tags: tags('activity'),
  });
  const activityStream = stream('ActivityStream', PREFIXES.activity, [
    { type: 'Decompression', parameters: [{ parameterName: 'CompressionFormat', parameterValue: 'GZIP' }] },
    { type: 'CloudWatchLogProcessing', parameters: [{ parameterName: 'DataMessageExtraction', parameterValue: 'true' }] },
    { type: 'AppendDelimiterToRecord' },
  ]);
  const logsTrust = policyDocument(scope, 'LogsTrust', [
    {
      effect: 'Allow',
      actions: ['sts:AssumeRole'],
      principals: [{ type: 'Service', identifiers: [`logs.${region}.amazonaws.com`] }],
      condition: [sourceAccount, { test: 'ArnLike', variable: 'aws:SourceArn', values: [`${activityLogArn}:*`] }],
    },
  ]);
  const { role: logsRole, policy: logsPut } = serviceRole('logs', logsTrust, { id: 'LogsPut', name: 'put-activity' }, putRecords(activityStream));
  new CloudwatchLogSubscriptionFilter(scope, 'ActivitySubscription', {
    name: `${spec.name}-usage-activity`,
    logGroupName: activityLogGroup.name,
    filterPattern: '',
    destinationArn: activityStream.arn,
    roleArn: logsRole.arn,
    dependsOn: [logsPut],
  });

  // --- budget alerts: an encrypted topic the budgets may publish to ----------------------------
  let alerts: SnsTopic | undefined;
  if (spec.budget) {
    alerts = new SnsTopic(scope, 'Alerts', { name: `${spec.name}-budget-alerts`, kmsMasterKeyId: keyArn, tags: tags('budget-alerts') });
    new SnsTopicPolicy(scope, 'AlertsPolicy', {
      arn: alerts.arn,
      policy: policyDocument(scope, 'AlertsPolicyDocument', [
        {
          sid: 'BudgetsPublish',
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: ['budgets.amazonaws.com'] }],
          actions: ['sns:Publish'],
          resources: [alerts.arn],
          condition: [sourceAccount, { test: 'ArnLike', variable: 'aws:SourceArn', values: [`${partition}:budgets::${account}:*`] }],
        },
      ]),
    });
    spec.budget.notify.forEach((email, i) => {
      new SnsTopicSubscription(scope, `Notify${i}`, { topicArn: alerts!.arn, protocol: 'email', endpoint: email });
    });
  }

  const steps = [
    `Create the views once, and again whenever an upgrade of this library changes them: in the Athena console, workgroup '${spec.name}', "Saved queries", run '1 ${STAGING.usageLines}' to '${relations.length} ${UsageView.IDLE_COST_BY_OWNER}' in order (no API creates an Athena view from Terraform; the tables exist at apply, so the views work before the first export arrives).`,
    `AWS writes the first export into the bucket's '${PREFIXES.export}/${exportName}/' within a day; the views read the library's tags only once they are cost allocation tags: activate them in the payer account (UsageCostAllocationTags, or Billing > Cost allocation tags) after they first appear, up to a day after the first tagged resource.`,
  ];
  if (spec.budget) {
    steps.push(`Each address in budget.notify receives an email from AWS Notifications to confirm the subscription to '${spec.name}-budget-alerts'; alerts reach it only once confirmed.`);
  }
  return {
    resources: { bucket, key, dataExport, database: glueDatabase, exportTable, historyTable, activityTable, workgroup, namedQueries, historyStream, activityStream, stateChanges, activityLogGroup, alerts, budgets: {} },
    defaultChild: bucket,
    location: database,
    manualSteps: steps,
  };
}

/** One owner's monthly budget, filtered by the owner tag (a cost allocation tag once activated). @internal */
export function addAwsBudget(scope: Construct, spec: UsageSpec, _target: AwsTargetOptions, built: BuiltUsage, budget: OwnerBudget): void {
  const resources = built.resources as AwsUsageResources;
  const settings = spec.budget!;
  resources.budgets[budget.owner] = new BudgetsBudget(scope, budget.id, {
    name: `${spec.name} ${budget.owner}`.slice(0, 100),
    budgetType: 'COST',
    limitAmount: budget.amount.toFixed(2),
    limitUnit: settings.currency,
    timeUnit: 'MONTHLY',
    costFilter: [{ name: 'TagKeyValue', values: [`user:${LabelKey.OWNER}$${budget.owner}`] }],
    notification: settings.alertAtPercent.map((percent) => ({
      comparisonOperator: 'GREATER_THAN',
      notificationType: 'ACTUAL',
      threshold: percent,
      thresholdType: 'PERCENTAGE',
      subscriberSnsTopicArns: [resources.alerts!.arn],
    })),
    tags: { ...spec.labels, Name: `${spec.name}-budget-${budget.owner}`.slice(0, 256) },
  });
}
