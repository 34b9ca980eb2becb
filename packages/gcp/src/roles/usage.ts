import { BigqueryDataTransferConfig } from '@cdktf/provider-google/lib/bigquery-data-transfer-config';
import { BigqueryDataset } from '@cdktf/provider-google/lib/bigquery-dataset';
import { BigqueryDatasetIamMember } from '@cdktf/provider-google/lib/bigquery-dataset-iam-member';
import { BillingBudget } from '@cdktf/provider-google/lib/billing-budget';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { LoggingLinkedDataset } from '@cdktf/provider-google/lib/logging-linked-dataset';
import { LoggingProjectBucketConfig } from '@cdktf/provider-google/lib/logging-project-bucket-config';
import { LoggingProjectSink } from '@cdktf/provider-google/lib/logging-project-sink';
import { MonitoringNotificationChannel } from '@cdktf/provider-google/lib/monitoring-notification-channel';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { Construct } from 'constructs';
import { ensureProvider } from 'cdktf-ml-workspace/lib/clouds/common/providers';
import { PolicySuppressions } from 'cdktf-ml-workspace/lib/policy/suppressions';
import { BuiltUsage, OwnerBudget, UsageSpec } from 'cdktf-ml-workspace/lib/host/usage-cloud';
import { SqlDialect, STAGING, usageLinesFrom, usageViews, UsageView } from 'cdktf-ml-workspace/lib/clouds/common/roles/usage';
import { LabelKey } from 'cdktf-ml-workspace/lib/core/labels';
import { projectService } from '../project-service';
import { GcpTargetOptions } from '../target';
import { GcpUsageResources } from '../resources';

/** BigQuery's spelling of what the views' dialects spell differently. @internal */
export const BIGQUERY: SqlDialect = {
  name: 'bigquery',
  secondsBetween: (start, end) => `TIMESTAMP_DIFF(${end}, ${start}, SECOND)`,
  midnight: (date) => `TIMESTAMP(${date})`,
  nextMonth: (date) => `DATE_ADD(${date}, INTERVAL 1 MONTH)`,
  monthStart: (date) => `CAST(DATE_TRUNC(${date}, MONTH) AS DATE)`,
};

/** The log the machines' idle-stop activity lines are written to. @internal */
export const ACTIVITY_LOG_ID = 'ml-workspace-activity';

/** Compute Engine methods that start or stop an instance (the audit log's `methodName` ends so). */
const LIFECYCLE_METHODS = ['insert', 'start', 'resume', 'stop', 'suspend', 'delete'];
/** System events that stop an instance without an API call. */
const SYSTEM_STOPS = ['compute.instances.guestTerminate', 'compute.instances.preempted', 'compute.instances.hostError'];

/** The export's table, named by Google after the billing account. @internal */
export function billingExportTable(billingAccount: string): string {
  return `gcp_billing_export_v1_${billingAccount.toUpperCase().replace(/-/g, '_')}`;
}

/** The SQL of every relation, in the order they must be created. @internal */
export function gcpUsageSql(project: string, datasetId: string, linkId: string, billingAccount: string): { readonly name: string; readonly sql: string }[] {
  const ref = (name: string) => `\`${project}.${datasetId}.${name}\``;
  const logs = `\`${project}.${linkId}._AllLogs\``;
  const label = (key: string) => `(SELECT l.value FROM UNNEST(labels) AS l WHERE l.key = '${key}')`;
  const rawLines = [
    '  SELECT usage_start_time AS usage_time,',
    `    ${label(LabelKey.ML_WORKSPACE)} AS lbl_ml, ${label(LabelKey.OWNER)} AS lbl_owner,`,
    `    ${label(LabelKey.WORKSPACE)} AS lbl_workspace, ${label(LabelKey.COST_CENTER)} AS lbl_cost_center,`,
    `    ${label(LabelKey.COST_SCOPE)} AS lbl_scope,`,
    // vCPU, memory and GPU SKUs of a running machine: `N2 Instance Core running in Americas`,
    // `Nvidia L4 GPU running in Europe`; disks, addresses and traffic are not.
    "    CASE WHEN service.description = 'Compute Engine' AND LOWER(sku.description) LIKE '% running in %' THEN 1 ELSE 0 END AS machine_charge,",
    "    CASE WHEN service.description = 'Compute Engine' AND LOWER(sku.description) LIKE '%gpu%' THEN 1 ELSE 0 END AS gpu_charge,",
    // Credits (free tier, committed use, promotions) are negative amounts beside the cost.
    '    cost + IFNULL((SELECT SUM(c.amount) FROM UNNEST(credits) AS c), 0) AS cost,',
    '    currency',
    `  FROM ${ref(billingExportTable(billingAccount))}`,
    `  WHERE project.id = '${project}'`,
  ].join('\n');
  const method = 'proto_payload.audit_log.method_name';
  const machineEvents = [
    'SELECT timestamp AS event_time,',
    "  REGEXP_EXTRACT(proto_payload.audit_log.resource_name, r'/instances/([^/]+)$') AS workspace,",
    `  CASE WHEN REGEXP_CONTAINS(${method}, r'compute\\.instances\\.(insert|start|resume)$') THEN 1 ELSE 0 END AS running`,
    `FROM ${logs}`,
    "WHERE resource.type = 'gce_instance'",
    "  AND COALESCE(severity, '') != 'ERROR'",
    "  AND ((log_id = 'cloudaudit.googleapis.com/activity' AND operation.last",
    `      AND REGEXP_CONTAINS(${method}, r'compute\\.instances\\.(${LIFECYCLE_METHODS.join('|')})$'))`,
    `    OR (log_id = 'cloudaudit.googleapis.com/system_event' AND ${method} IN (${SYSTEM_STOPS.map((m) => `'${m}'`).join(', ')})))`,
  ].join('\n');
  const activity = [
    'SELECT timestamp AS check_time,',
    '  JSON_VALUE(json_payload.workspace) AS workspace, JSON_VALUE(json_payload.owner) AS owner,',
    "  CASE WHEN JSON_VALUE(json_payload.state) = 'idle' THEN 1 ELSE 0 END AS idle",
    `FROM ${logs}`,
    `WHERE log_id = '${ACTIVITY_LOG_ID}'`,
  ].join('\n');
  const views = usageViews(BIGQUERY, { usageLines: ref(STAGING.usageLines), machineEvents: ref(STAGING.machineEvents), activityChecks: ref(STAGING.activityChecks) });
  return [
    { name: STAGING.usageLines, sql: usageLinesFrom(BIGQUERY, rawLines) },
    { name: STAGING.machineEvents, sql: machineEvents },
    { name: STAGING.activityChecks, sql: activity },
    ...Object.values(UsageView).map((name) => ({ name, sql: views[name] })),
  ];
}

/** The Logging filter of what the history keeps. @internal */
export function historyFilter(project: string): string {
  const log = (id: string) => `logName="projects/${project}/logs/${encodeURIComponent(id)}"`;
  return [
    'resource.type="gce_instance" AND (',
    `  (${log('cloudaudit.googleapis.com/activity')} AND protoPayload.methodName=~"compute\\.instances\\.(${LIFECYCLE_METHODS.join('|')})$")`,
    `  OR (${log('cloudaudit.googleapis.com/system_event')} AND protoPayload.methodName=(${SYSTEM_STOPS.map((m) => `"${m}"`).join(' OR ')}))`,
    `  OR ${log(ACTIVITY_LOG_ID)}`,
    ')',
  ].join('\n');
}

/**
 * A usage exporter on Google Cloud: a BigQuery dataset for the Cloud Billing export (which no
 * API can switch on: one console step), a Log Analytics bucket keeping the instances' start,
 * stop, guest shutdown, insert and delete events and the machines' activity lines, the views
 * (made by a daily scheduled query once the export's table exists, since BigQuery refuses a
 * view over a table that does not), and budgets per owner.
 *
 * @internal
 */
export function buildGcpUsage(scope: Construct, spec: UsageSpec, target: GcpTargetOptions): BuiltUsage & { readonly resources: GcpUsageResources } {
  const { project, region } = target;
  const billingAccount = spec.billingAccount!;
  ensureProvider(scope, 'google', (stack) => new GoogleProvider(stack, 'ml-workspace-google', { project, region }));
  const underscored = spec.name.replace(/-/g, '_');
  const api = (service: string) => projectService(scope, project, service);
  const bigquery = api('bigquery.googleapis.com');
  const retentionMs = spec.retentionDays * 24 * 60 * 60 * 1000;

  const dataset = new BigqueryDataset(scope, 'Resource', {
    project,
    datasetId: underscored,
    friendlyName: `Usage of ML workspaces (${spec.name})`,
    description: `The Cloud Billing export of billing account ${billingAccount} and the ML workspace usage views.`,
    location: region,
    labels: spec.labels,
    // The export's daily partitions, kept for the retention.
    defaultPartitionExpirationMs: retentionMs,
    deleteContentsOnDestroy: false,
    defaultEncryptionConfiguration: spec.kmsKey ? { kmsKeyName: spec.kmsKey } : undefined,
    dependsOn: [bigquery],
  });

  const historyBucket = new LoggingProjectBucketConfig(scope, 'History', {
    project,
    location: region,
    bucketId: `${spec.name}-history`,
    description: 'ML workspaces: instance start/stop history and idle-stop activity, for the usage views',
    retentionDays: spec.retentionDays,
    enableAnalytics: true,
    cmekSettings: spec.kmsKey ? { kmsKeyName: spec.kmsKey } : undefined,
    dependsOn: [api('logging.googleapis.com')],
  });
  const historyLink = new LoggingLinkedDataset(scope, 'HistoryLink', {
    parent: `projects/${project}`,
    location: region,
    bucket: historyBucket.bucketId,
    linkId: `${underscored}_history`,
    description: 'The start/stop history and activity lines, read by the usage views',
  });
  const historySink = new LoggingProjectSink(scope, 'HistorySink', {
    project,
    name: `${spec.name}-history`,
    destination: `logging.googleapis.com/projects/${project}/locations/${region}/buckets/${historyBucket.bucketId}`,
    filter: historyFilter(project),
    uniqueWriterIdentity: true,
  });

  // The scheduled query runs as its own account: it may edit this dataset and read the history.
  const projectData = new DataGoogleProject(scope, 'Project', { projectId: project });
  const viewsServiceAccount = new ServiceAccount(scope, 'ViewsServiceAccount', {
    project,
    accountId: `${spec.name}-views`,
    displayName: `Refreshes the usage views of ${spec.name}`,
  });
  const viewsMember = `serviceAccount:${viewsServiceAccount.email}`;
  const editor = new BigqueryDatasetIamMember(scope, 'ViewsEditor', { project, datasetId: dataset.datasetId, role: 'roles/bigquery.dataEditor', member: viewsMember });
  const reader = new BigqueryDatasetIamMember(scope, 'ViewsHistoryReader', { project, datasetId: historyLink.linkId, role: 'roles/bigquery.dataViewer', member: viewsMember, dependsOn: [historyLink] });
  const jobs = new ProjectIamMember(scope, 'ViewsJobUser', { project, role: 'roles/bigquery.jobUser', member: viewsMember });
  // BigQuery grants running jobs only on the project; the data stays behind the dataset grants.
  PolicySuppressions.add(jobs, [
    { id: 'MLW-IAM2', reason: 'roles/bigquery.jobUser (bigquery.jobs.create) exists only project-wide; it reads no data, and this account can read only the usage and history datasets' },
  ]);
  const transferApi = api('bigquerydatatransfer.googleapis.com');
  const tokenMinter = new ServiceAccountIamMember(scope, 'ViewsTokenMinter', {
    serviceAccountId: viewsServiceAccount.name,
    role: 'roles/iam.serviceAccountShortTermTokenMinter',
    member: `serviceAccount:service-${projectData.number}@gcp-sa-bigquerydatatransfer.iam.gserviceaccount.com`,
    dependsOn: [transferApi],
  });

  const relations = gcpUsageSql(project, underscored, `${underscored}_history`, billingAccount);
  const table = billingExportTable(billingAccount);
  const script = [
    `-- Creates the ML workspace usage views once the billing export's table ${table} exists.`,
    `IF EXISTS (SELECT 1 FROM \`${project}.${underscored}\`.INFORMATION_SCHEMA.TABLES WHERE table_name = '${table}') THEN`,
    ...relations.map(({ name, sql }) => `CREATE OR REPLACE VIEW \`${project}.${underscored}.${name}\` AS\n${sql};`),
    'END IF;',
  ].join('\n');
  const viewsJob = new BigqueryDataTransferConfig(scope, 'Views', {
    project,
    location: region,
    displayName: `${spec.name} usage views`,
    dataSourceId: 'scheduled_query',
    schedule: 'every 24 hours',
    params: { query: script },
    serviceAccountName: viewsServiceAccount.email,
    dependsOn: [editor, reader, jobs, tokenMinter, transferApi, historyLink],
  });

  const notificationChannels: MonitoringNotificationChannel[] = [];
  if (spec.budget) {
    const monitoring = api('monitoring.googleapis.com');
    spec.budget.notify.forEach((email, i) => {
      notificationChannels.push(
        new MonitoringNotificationChannel(scope, `Notify${i}`, {
          project,
          type: 'email',
          displayName: `${spec.name} budgets: ${email}`,
          labels: { email_address: email },
          userLabels: spec.labels,
          dependsOn: [monitoring],
        }),
      );
    });
  }

  const consoleUrl = `https://console.cloud.google.com/billing/${billingAccount}/export`;
  return {
    resources: { dataset, historyBucket, historyLink, historySink, viewsJob, viewsServiceAccount, notificationChannels, budgets: {}, project: projectData },
    defaultChild: dataset,
    location: `${project}.${underscored}`,
    manualSteps: [
      `Switch on the Cloud Billing export, which no API can: open ${consoleUrl}, and under "BigQuery export", "Standard usage cost", choose Edit settings, project '${project}' and dataset '${underscored}', then Save. It takes a Billing Account Administrator.`,
      `Google writes the first rows into ${project}.${underscored}.${table} within a day; the scheduled query '${spec.name} usage views' creates the views at its next daily run (or choose Run now on it in the BigQuery console).`,
    ],
  };
}

/** One owner's monthly budget, filtered by the owner's label in the exporter's project. @internal */
export function addGcpBudget(scope: Construct, spec: UsageSpec, target: GcpTargetOptions, built: BuiltUsage, budget: OwnerBudget): void {
  const resources = built.resources as GcpUsageResources;
  const settings = spec.budget!;
  const units = Math.floor(budget.amount);
  const cents = Math.round((budget.amount - units) * 100);
  resources.budgets[budget.owner] = new BillingBudget(scope, budget.id, {
    billingAccount: spec.billingAccount!,
    displayName: `${spec.name} ${budget.owner}`.slice(0, 60),
    budgetFilter: {
      projects: [`projects/${resources.project.number}`],
      labels: { [LabelKey.OWNER]: budget.owner },
      creditTypesTreatment: 'INCLUDE_ALL_CREDITS',
      calendarPeriod: 'MONTH',
    },
    amount: { specifiedAmount: { currencyCode: settings.currency, units: String(units), nanos: cents * 10_000_000 } },
    thresholdRules: settings.alertAtPercent.map((percent) => ({ thresholdPercent: percent / 100, spendBasis: 'CURRENT_SPEND' })),
    allUpdatesRule: {
      monitoringNotificationChannels: resources.notificationChannels.map((c) => c.id),
      disableDefaultIamRecipients: false,
    },
    dependsOn: [projectService(scope, target.project, 'billingbudgets.googleapis.com')],
  });
}
