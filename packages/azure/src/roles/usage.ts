import { ConsumptionBudgetSubscription } from '@cdktf/provider-azurerm/lib/consumption-budget-subscription';
import { DataAzurermClientConfig } from '@cdktf/provider-azurerm/lib/data-azurerm-client-config';
import { LogAnalyticsWorkspace } from '@cdktf/provider-azurerm/lib/log-analytics-workspace';
import { MonitorActionGroup } from '@cdktf/provider-azurerm/lib/monitor-action-group';
import { MonitorDiagnosticSetting } from '@cdktf/provider-azurerm/lib/monitor-diagnostic-setting';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import { StorageManagementPolicy } from '@cdktf/provider-azurerm/lib/storage-management-policy';
import { SubscriptionCostManagementExport } from '@cdktf/provider-azurerm/lib/subscription-cost-management-export';
import { Id } from '@cdktf/provider-random/lib/id';
import { StaticResource } from '@cdktf/provider-time/lib/static-resource';
import { Annotations, Fn, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { ensureProvider, ensureRandomProvider, ensureTimeProvider } from 'cdktf-ml-workspace/lib/clouds/common/providers';
import { BuiltUsage, OwnerBudget, UsageSpec } from 'cdktf-ml-workspace/lib/host/usage-cloud';
import { SqlDialect, STAGING, usageLinesFrom, usageViews, UsageView } from 'cdktf-ml-workspace/lib/clouds/common/roles/usage';
import { LabelKey } from 'cdktf-ml-workspace/lib/core/labels';
import { AzureUsageResources } from '../resources';
import { AzureTargetOptions } from '../target';

/** T-SQL (Synapse serverless SQL) spelling of what the views' dialects spell differently. @internal */
export const TSQL: SqlDialect = {
  name: 'tsql',
  secondsBetween: (start, end) => `DATEDIFF(SECOND, ${start}, ${end})`,
  midnight: (date) => `CAST(${date} AS DATETIME2)`,
  nextMonth: (date) => `DATEADD(MONTH, 1, ${date})`,
  monthStart: (date) => `DATEFROMPARTS(YEAR(${date}), MONTH(${date}), 1)`,
};

/** The containers the exporter keeps its data in. @internal */
export const CONTAINERS = { exports: 'exports', activity: 'activity', activityLog: 'insights-activity-logs' } as const;

/**
 * The columns of `export_rows`, the relation the `OPENROWSET` over the export's CSV files gives
 * (names after Microsoft's cost details fields, typed): the file's billing period folder and run,
 * then the fields the views read. @internal
 */
export const EXPORT_ROW_COLUMNS: ReadonlyArray<readonly [name: string, field: string, type: string]> = [
  ['period', '', 'VARCHAR(64)'],
  ['run', '', 'VARCHAR(1024)'],
  ['usage_date', 'Date', 'DATE'],
  ['subscription_id', 'SubscriptionId', 'VARCHAR(64)'],
  ['resource_id', 'ResourceId', 'VARCHAR(1024)'],
  ['meter_category', 'MeterCategory', 'VARCHAR(256)'],
  ['meter_sub_category', 'MeterSubCategory', 'VARCHAR(256)'],
  ['charge_type', 'ChargeType', 'VARCHAR(64)'],
  ['cost', 'CostInBillingCurrency', 'FLOAT'],
  ['currency', 'BillingCurrency', 'VARCHAR(8)'],
  ['tags', 'Tags', 'VARCHAR(4000)'],
];

/** The columns of `activity_log`: the subscription's activity log records, one per line. @internal */
export const ACTIVITY_LOG_COLUMNS: ReadonlyArray<readonly [name: string, path: string, type: string]> = [
  ['event_time', '$.time', 'DATETIME2'],
  ['resource_id', '$.resourceId', 'VARCHAR(1024)'],
  ['operation_name', '$.operationName', 'VARCHAR(256)'],
  ['result_type', '$.resultType', 'VARCHAR(64)'],
];

/** The columns of `activity_lines`: the machines' idle-stop activity lines. @internal */
export const ACTIVITY_LINE_COLUMNS: ReadonlyArray<readonly [name: string, path: string, type: string]> = [
  ['check_time', '$.time', 'DATETIME2'],
  ['workspace', '$.workspace', 'VARCHAR(64)'],
  ['owner', '$.owner', 'VARCHAR(256)'],
  ['state', '$.state', 'VARCHAR(16)'],
];

/** Azure VM series with NVIDIA GPUs (meter subcategories start so). @internal */
export const GPU_SERIES = ['NC', 'ND', 'NV'];

const OP = 'MICROSOFT.COMPUTE/VIRTUALMACHINES';

/**
 * The relations over the three file sources, in the order they must be created: the staging
 * relations read `export_rows`, `activity_log` and `activity_lines` (the `OPENROWSET` views
 * {@link azureSourceViews} makes), then the four views. @internal
 */
export function azureUsageSql(schema: string): { readonly name: string; readonly sql: string }[] {
  const ref = (name: string) => `[${schema}].[${name}]`;
  // Cost exports write tags as `"key": "value",...`, with or without the braces.
  const tag = (key: string) => `JSON_VALUE(CASE WHEN LEFT(LTRIM(tags), 1) = '{' THEN tags ELSE CONCAT('{', tags, '}') END, '$."${key}"')`;
  // A daily month-to-date export writes the month so far again on every run: keep, per billing
  // period, only the run with the newest day (and, of runs with the same, the most lines).
  const costExport = [
    'WITH runs AS (',
    `  SELECT period, run, MAX(usage_date) AS last_day, COUNT(*) AS lines FROM ${ref('export_rows')} GROUP BY period, run`,
    '), ranked AS (',
    '  SELECT period, run, ROW_NUMBER() OVER (PARTITION BY period ORDER BY last_day DESC, lines DESC, run DESC) AS n FROM runs',
    ')',
    'SELECT e.usage_date, e.subscription_id, e.resource_id, e.meter_category, e.meter_sub_category, e.charge_type, e.cost, e.currency, e.tags',
    `FROM ${ref('export_rows')} AS e`,
    'JOIN ranked AS k ON k.period = e.period AND k.run = e.run AND k.n = 1',
  ].join('\n');
  const gpu = GPU_SERIES.map((s) => `meter_sub_category LIKE '${s}%'`).join(' OR ');
  const rawLines = [
    `  SELECT CAST(usage_date AS DATETIME2) AS usage_time,`,
    `    ${tag(LabelKey.ML_WORKSPACE)} AS lbl_ml, ${tag(LabelKey.OWNER)} AS lbl_owner,`,
    `    ${tag(LabelKey.WORKSPACE)} AS lbl_workspace, ${tag(LabelKey.COST_CENTER)} AS lbl_cost_center,`,
    `    ${tag(LabelKey.COST_SCOPE)} AS lbl_scope,`,
    // A VM's compute meter (its disks are Storage, its IPs Virtual Network).
    "    CASE WHEN meter_category = 'Virtual Machines' THEN 1 ELSE 0 END AS machine_charge,",
    `    CASE WHEN meter_category = 'Virtual Machines' AND (${gpu}) THEN 1 ELSE 0 END AS gpu_charge,`,
    // Refunds are negative lines; credits (Azure Prepayment) never reach the cost details.
    '    cost, currency',
    `  FROM ${ref('cost_export')}`,
  ].join('\n');
  // A VM's workspace, from its own bill lines; its first write (creation) starts it, then start
  // runs it, deallocate and delete stop billing (a power-off does not: Azure bills it on).
  const machineEvents = [
    'WITH vms AS (',
    `  SELECT DISTINCT LOWER(resource_id) AS resource_id, ${tag(LabelKey.WORKSPACE)} AS workspace`,
    `  FROM ${ref('cost_export')}`,
    `  WHERE meter_category = 'Virtual Machines' AND ${tag(LabelKey.ML_WORKSPACE)} = 'true' AND ${tag(LabelKey.WORKSPACE)} IS NOT NULL`,
    '), changes AS (',
    '  SELECT event_time, LOWER(resource_id) AS resource_id, UPPER(operation_name) AS operation,',
    '    ROW_NUMBER() OVER (PARTITION BY LOWER(resource_id) ORDER BY event_time) AS n',
    `  FROM ${ref('activity_log')}`,
    `  WHERE result_type = 'Success' AND UPPER(operation_name) IN ('${OP}/WRITE', '${OP}/START/ACTION', '${OP}/DEALLOCATE/ACTION', '${OP}/DELETE')`,
    ')',
    `SELECT c.event_time, v.workspace, CASE WHEN c.operation = '${OP}/START/ACTION' OR (c.operation = '${OP}/WRITE' AND c.n = 1) THEN 1 ELSE 0 END AS running`,
    'FROM changes AS c',
    'JOIN vms AS v ON v.resource_id = c.resource_id',
    `WHERE c.operation != '${OP}/WRITE' OR c.n = 1`,
  ].join('\n');
  const activity = [
    "SELECT check_time, workspace, owner, CASE WHEN state = 'idle' THEN 1 ELSE 0 END AS idle",
    `FROM ${ref('activity_lines')}`,
  ].join('\n');
  const views = usageViews(TSQL, { usageLines: ref(STAGING.usageLines), machineEvents: ref(STAGING.machineEvents), activityChecks: ref(STAGING.activityChecks) });
  return [
    { name: 'cost_export', sql: costExport },
    { name: STAGING.usageLines, sql: usageLinesFrom(TSQL, rawLines) },
    { name: STAGING.machineEvents, sql: machineEvents },
    { name: STAGING.activityChecks, sql: activity },
    ...Object.values(UsageView).map((name) => ({ name, sql: views[name] })),
  ];
}

/**
 * The three `OPENROWSET` views over the storage account's files, in Synapse serverless SQL:
 * the export's CSV files (with their billing period folder and run), the activity log's and the
 * activity lines' JSON lines (one document per line). @internal
 */
export function azureSourceViews(account: string, exportName: string): { readonly name: string; readonly sql: string }[] {
  const url = (path: string) => `https://${account}.dfs.core.windows.net/${path}`;
  const exportColumns = EXPORT_ROW_COLUMNS.filter(([, field]) => field !== '');
  const jsonLines = (name: string, path: string, columns: ReadonlyArray<readonly [string, string, string]>) => ({
    name,
    sql: [
      `SELECT ${columns.map(([c, p, t]) => `CAST(JSON_VALUE(doc, '${p}') AS ${t}) AS ${c}`).join(',\n  ')}`,
      `FROM OPENROWSET(BULK '${url(path)}', FORMAT = 'CSV', FIELDTERMINATOR = '0x0b', FIELDQUOTE = '0x0b', ROWTERMINATOR = '0x0a') WITH (doc VARCHAR(MAX)) AS r`,
    ].join('\n'),
  });
  return [
    {
      name: 'export_rows',
      sql: [
        `SELECT r.filepath(1) AS period, ${RUN_OF_FILE} AS run,`,
        `  ${exportColumns.map(([c, f, t]) => (t === 'DATE' ? `COALESCE(TRY_CONVERT(DATE, r.[${f}], 101), TRY_CONVERT(DATE, r.[${f}], 23)) AS ${c}` : `r.[${f}] AS ${c}`)).join(',\n  ')}`,
        `FROM OPENROWSET(BULK '${url(`${CONTAINERS.exports}/${exportName}/${exportName}/*/**`)}', FORMAT = 'CSV', PARSER_VERSION = '2.0', HEADER_ROW = TRUE)`,
        `WITH (${exportColumns.map(([, f, t]) => `[${f}] ${t === 'DATE' ? 'VARCHAR(32)' : t}`).join(', ')}) AS r`,
        "WHERE r.filepath() LIKE '%.csv'",
      ].join('\n'),
    },
    jsonLines('activity_log', `${CONTAINERS.activityLog}/**`, ACTIVITY_LOG_COLUMNS),
    jsonLines('activity_lines', `${CONTAINERS.activity}/**`, ACTIVITY_LINE_COLUMNS),
  ];
}

/**
 * A file's run, for the dedup in `cost_export`: its folder when the export writes each run into a
 * folder of its own under the billing period's (`<period>/<run>/part_0_0001.csv`), the file itself
 * when it writes each run as one file into the period's folder (`<period>/<export>_<guid>.csv`).
 * @internal
 */
export const RUN_OF_FILE = (() => {
  const path = 'r.filepath()';
  const folder = `LEFT(${path}, LEN(${path}) - CHARINDEX('/', REVERSE(${path})))`;
  const folderName = `RIGHT(${folder}, CHARINDEX('/', REVERSE(${folder})) - 1)`;
  return `CASE WHEN ${folderName} = r.filepath(1) THEN ${path} ELSE ${folder} END`;
})();

/** The storage account's name: the exporter's name without hyphens (18 at most) and 6 random hex digits. */
function storageAccountName(name: string, suffix: string): string {
  return `${name.replace(/-/g, '').slice(0, 18)}${suffix}`;
}

/**
 * A usage exporter on Azure: a storage account (no shared keys, TLS 1.2, infrastructure
 * encryption, no public blobs) holding a daily ActualCost export of the subscription, the
 * subscription's activity log (and a Log Analytics workspace for it), and the machines' activity
 * lines; the views as one T-SQL script for Synapse serverless SQL (an output); a consumption
 * budget per owner tag with an action group.
 *
 * @internal
 */
export function buildAzureUsage(scope: Construct, spec: UsageSpec, target: AzureTargetOptions): BuiltUsage & { readonly resources: AzureUsageResources } {
  const { location } = target;
  ensureProvider(scope, 'azurerm', (stack) => new AzurermProvider(stack, 'ml-workspace-azurerm', { features: [{}] }));
  ensureRandomProvider(scope);
  ensureTimeProvider(scope);
  // With shared keys off, the provider reads the account's data plane (its queue and blob
  // properties) as the deployer's Entra identity only when told to.
  const providers = TerraformStack.of(scope).node.findAll().filter((c): c is AzurermProvider => c instanceof AzurermProvider && c.alias === undefined);
  for (const provider of providers) {
    if (provider.node.id === 'ml-workspace-azurerm') provider.storageUseAzuread = true;
    else if (provider.storageUseAzuread !== true) {
      Annotations.of(scope).addWarning(`${spec.kind} '${scope.node.id}': the stack's azurerm provider does not set storage_use_azuread = true; the exporter's storage account has shared keys off, so Terraform cannot read it without: set storageUseAzuread: true on the provider`);
    }
  }
  const tags = spec.labels;
  const client = new DataAzurermClientConfig(scope, 'ClientConfig', {});
  const subscription = `/subscriptions/${client.subscriptionId}`;
  const resourceGroup = target.resourceGroupName ? undefined : new ResourceGroup(scope, 'ResourceGroup', { name: `${spec.name}-rg`, location, tags });
  const resourceGroupName = resourceGroup ? resourceGroup.name : target.resourceGroupName!;

  const suffix = new Id(scope, 'StorageSuffix', { byteLength: 3, keepers: { exporter: spec.name, resourceGroup: target.resourceGroupName ?? `${spec.name}-rg` } });
  const storage = new StorageAccount(scope, 'Resource', {
    name: storageAccountName(spec.name, suffix.hex),
    resourceGroupName,
    location,
    accountKind: 'StorageV2',
    accountTier: 'Standard',
    accountReplicationType: 'GRS',
    // Hierarchical namespace: Synapse serverless reads `dfs` paths with wildcards fast.
    isHnsEnabled: true,
    sharedAccessKeyEnabled: false,
    defaultToOauthAuthentication: true,
    minTlsVersion: 'TLS1_2',
    httpsTrafficOnlyEnabled: true,
    infrastructureEncryptionEnabled: true,
    allowNestedItemsToBePublic: false,
    crossTenantReplicationEnabled: false,
    localUserEnabled: false,
    // No firewall: Cost Management writes into a firewalled account only as the export's managed
    // identity, which azurerm's export resource cannot give it. Every request needs an Entra
    // identity with a data role instead (no shared keys, so no SAS either; no public blobs).
    blobProperties: { deleteRetentionPolicy: { days: 7 }, containerDeleteRetentionPolicy: { days: 7 } },
    tags,
  });
  const container = (id: string, name: string) => new StorageContainer(scope, id, { name, storageAccountId: storage.id, containerAccessType: 'private' });
  const exportsContainer = container('ExportsContainer', CONTAINERS.exports);
  const activityContainer = container('ActivityContainer', CONTAINERS.activity);
  new StorageManagementPolicy(scope, 'Lifecycle', {
    storageAccountId: storage.id,
    rule: [
      {
        name: 'retention',
        enabled: true,
        filters: { blobTypes: ['blockBlob', 'appendBlob'], prefixMatch: [`${CONTAINERS.exports}/`, `${CONTAINERS.activity}/`, `${CONTAINERS.activityLog}/`] },
        actions: { baseBlob: { deleteAfterDaysSinceModificationGreaterThan: spec.retentionDays } },
      },
    ],
  });

  // --- the export: ActualCost, daily, month to date --------------------------------------------
  const exportName = `${spec.name}-actualcost`;
  const created = new StaticResource(scope, 'Created', {});
  const costExport = new SubscriptionCostManagementExport(scope, 'Export', {
    name: exportName,
    subscriptionId: subscription,
    recurrenceType: 'Daily',
    // The API takes a start in the future: the day after the first apply, for ten years.
    recurrencePeriodStartDate: Fn.timeadd(created.rfc3339, '24h'),
    recurrencePeriodEndDate: Fn.timeadd(created.rfc3339, '87600h'),
    fileFormat: 'Csv',
    exportDataStorageLocation: { containerId: exportsContainer.id, rootFolderPath: exportName },
    exportDataOptions: { type: 'ActualCost', timeFrame: 'MonthToDate' },
  });

  // --- the activity log: Log Analytics for people, the storage account for the views -----------
  const logs = new LogAnalyticsWorkspace(scope, 'Logs', {
    name: `${spec.name}-logs`,
    location,
    resourceGroupName,
    sku: 'PerGB2018',
    retentionInDays: Math.min(Math.max(spec.retentionDays, 30), 730),
    tags,
  });
  const activityLog = new MonitorDiagnosticSetting(scope, 'ActivityLog', {
    name: `${spec.name}-activity-log`,
    targetResourceId: subscription,
    logAnalyticsWorkspaceId: logs.id,
    storageAccountId: storage.id,
    enabledLog: [{ category: 'Administrative' }],
  });

  // Who read or changed the files: the blob service's logs, into the same workspace.
  const blobAudit = new MonitorDiagnosticSetting(scope, 'BlobAudit', {
    name: `${spec.name}-blob-audit`,
    targetResourceId: `${storage.id}/blobServices/default`,
    logAnalyticsWorkspaceId: logs.id,
    enabledLog: [{ category: 'StorageRead' }, { category: 'StorageWrite' }, { category: 'StorageDelete' }],
  });

  // --- budget alerts ---------------------------------------------------------------------------
  let actionGroup: MonitorActionGroup | undefined;
  if (spec.budget) {
    actionGroup = new MonitorActionGroup(scope, 'Alerts', {
      name: `${spec.name}-budget-alerts`,
      resourceGroupName,
      location: 'global',
      shortName: spec.name.replace(/-/g, '').slice(0, 12),
      emailReceiver: spec.budget.notify.map((emailAddress, i) => ({ name: `notify-${i}`, emailAddress, useCommonAlertSchema: true })),
      tags,
    });
  }

  const schema = 'dbo';
  const relations = [...azureSourceViews(storage.name, exportName), ...azureUsageSql(schema)];
  const script = [
    `-- The ML workspace usage views of ${spec.name}, for a Synapse serverless SQL database: run once, as a user`,
    `-- with Storage Blob Data Reader on the storage account (the views read its files as that user).`,
    ...relations.map(({ name, sql }) => `CREATE OR ALTER VIEW [${schema}].[${name}] AS\n${sql};\nGO`),
  ].join('\n');
  new TerraformOutput(scope, 'views_sql', { value: script, description: 'The T-SQL that creates the usage views in a Synapse serverless SQL database' }).overrideLogicalId(`${spec.name}_views_sql`);

  const steps = [
    `Create the views once, and again whenever an upgrade of this library changes them: in a Synapse workspace's serverless SQL pool, make a database (CREATE DATABASE usage) and run the output '${spec.name}_views_sql' in it as a user with Storage Blob Data Reader on the exporter's storage account (no Terraform resource runs SQL in Synapse).`,
    `Azure writes the first export into the container '${CONTAINERS.exports}' the day after the apply, and the activity log within minutes of the first start or deallocation.`,
  ];
  return {
    resources: { clientConfig: client, resourceGroup, storage, exportsContainer, activityContainer, costExport, logs, activityLog, blobAudit, actionGroup, budgets: {}, created },
    defaultChild: storage,
    location: schema,
    manualSteps: steps,
  };
}

/** One owner's monthly budget on the subscription, filtered by the owner tag. @internal */
export function addAzureBudget(scope: Construct, spec: UsageSpec, _target: AzureTargetOptions, built: BuiltUsage, budget: OwnerBudget): void {
  const resources = built.resources as AzureUsageResources;
  const settings = spec.budget!;
  resources.budgets[budget.owner] = new ConsumptionBudgetSubscription(scope, budget.id, {
    name: `${spec.name}-${budget.owner}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 63),
    subscriptionId: `/subscriptions/${resources.clientConfig.subscriptionId}`,
    amount: budget.amount,
    timeGrain: 'Monthly',
    // The first of the month the budget is made in (Azure takes a first of a month, not before
    // the current period): each budget keeps its own creation time, so an owner who joins later
    // gets a start in their month, not the exporter's.
    timePeriod: { startDate: Fn.formatdate("YYYY-MM-01'T'00:00:00Z", new StaticResource(scope, `${budget.id}-Created`, {}).rfc3339) },
    filter: { tag: [{ name: LabelKey.OWNER, values: [budget.owner] }] },
    notification: settings.alertAtPercent.map((threshold) => ({
      enabled: true,
      operator: 'GreaterThan',
      threshold,
      thresholdType: 'Actual',
      contactGroups: [resources.actionGroup!.id],
    })),
  });
}
