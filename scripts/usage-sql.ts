// Synthesizes a usage exporter on each cloud and writes, as JSON, the SQL each one deploys, read
// back from the synthesized Terraform: GCP's from its scheduled query's script, AWS's from its
// Athena named queries (with the Glue tables' columns, which the test's schema must match). The SQL test
// (test/usage/views_test.py, run by scripts/sql-views.sh) runs it over synthetic export rows.
import * as fs from 'fs';
import * as path from 'path';
import { App, TerraformStack } from 'cdktf';
import { UsageExporter } from 'cdktf-ml-workspace';
import { GcpTarget } from 'cdktf-ml-workspace-gcp';
import { billingExportTable } from 'cdktf-ml-workspace-gcp/lib/roles/usage';
import { AwsTarget } from 'cdktf-ml-workspace-aws';
import { AzureTarget } from 'cdktf-ml-workspace-azure';
import { ACTIVITY_LINE_COLUMNS, ACTIVITY_LOG_COLUMNS, EXPORT_ROW_COLUMNS } from 'cdktf-ml-workspace-azure/lib/roles/usage';

const outdir = process.argv[2] ?? '/tmp/usage-sql';
const app = new App({ outdir, skipValidation: true });
const GCP_PROJECT = 'ml-research-prod';
const GCP_BILLING_ACCOUNT = '01ABCD-23EF45-6789AB';
new UsageExporter(new TerraformStack(app, 'gcp'), 'usage', {
  target: GcpTarget.of({ project: GCP_PROJECT, region: 'europe-west4', zone: 'europe-west4-a' }),
  billingAccount: GCP_BILLING_ACCOUNT,
});
new UsageExporter(new TerraformStack(app, 'aws'), 'usage', { target: AwsTarget.of({ region: 'eu-west-1' }) });
new UsageExporter(new TerraformStack(app, 'azure'), 'usage', { target: AzureTarget.of({ location: 'westeurope', keyVaultAllowedCidrs: ['198.51.100.0/24'] }) });
app.synth();

const stack = (name: string) => JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8'));
const only = (resources: Record<string, any> | undefined, type: string) => {
  const found = Object.values(resources?.[type] ?? {});
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0] as Record<string, any>;
};

const gcp = stack('gcp').resource;
const script: string = only(gcp, 'google_bigquery_data_transfer_config').params.query;
const relations = [...script.matchAll(/^CREATE OR REPLACE VIEW `([^`]+)` AS\n([\s\S]*?);$/gm)].map(([, qualified, sql]) => ({
  name: qualified.split('.').pop()!,
  qualified,
  sql,
}));
const aws = stack('aws');
// The account the views filter on is the deploying account's id, read at plan time.
const identities = Object.keys(aws.data?.aws_caller_identity ?? {});
if (identities.length !== 1) throw new Error(`expected one aws_caller_identity, found ${identities.length}`);
const accountToken = `\${data.aws_caller_identity.${identities[0]}.account_id}`;
if (!JSON.stringify(aws.resource.aws_athena_named_query).includes(accountToken)) throw new Error(`the AWS views do not read the account as ${accountToken}`);
const awsRelations = Object.values(aws.resource.aws_athena_named_query as Record<string, any>)
  .sort((a, b) => parseInt(a.name, 10) - parseInt(b.name, 10))
  .map((q) => {
    const match = /^CREATE OR REPLACE VIEW ("[^"]+"\."[^"]+") AS\n([\s\S]*)$/.exec(q.query);
    if (!match) throw new Error(`an AWS named query is not a CREATE OR REPLACE VIEW: ${q.name}`);
    const [, qualified, sql] = match;
    const name = qualified.split('.').pop()!.replace(/"/g, '');
    return { name, qualified: qualified.replace(/"/g, ''), sql: sql.split(accountToken).join('123456789012') };
  });
const glueColumns = Object.fromEntries(
  Object.values(aws.resource.aws_glue_catalog_table as Record<string, any>).map((t) => [t.name, t.storage_descriptor.columns.map((c: any) => [c.name, c.type])]),
);
// Azure's views are one T-SQL script (an output): the OPENROWSET views over the storage account's
// files become the test's source tables, the rest is run.
const azureScript: string = stack('azure').output.usage_views_sql.value;
const azureAll = [...azureScript.matchAll(/^CREATE OR ALTER VIEW \[dbo\]\.\[([^\]]+)\] AS\n([\s\S]*?);\nGO$/gm)].map(([, name, sql]) => ({ name, qualified: `dbo.${name}`, sql }));
const fileSources = ['export_rows', 'activity_log', 'activity_lines'];
const columnsOf = (list: ReadonlyArray<readonly [string, string, string]>) => list.map(([name, , type]) => [name, type]);
const out = {
  gcp: {
    dialect: 'bigquery',
    relations,
    sources: {
      [`${GCP_PROJECT}.usage.${billingExportTable(GCP_BILLING_ACCOUNT)}`]: 'gcp_billing_export',
      [`${GCP_PROJECT}.usage_history._AllLogs`]: 'gcp_all_logs',
    },
  },
  aws: {
    dialect: 'trino',
    relations: awsRelations,
    sources: { 'usage.cost_and_usage': 'cost_and_usage', 'usage.instance_history': 'instance_history', 'usage.activity_lines': 'activity_lines' },
    glueColumns,
  },
  azure: {
    dialect: 'tsql',
    relations: azureAll.filter((r) => !fileSources.includes(r.name)),
    sourceViews: azureAll.filter((r) => fileSources.includes(r.name)),
    sources: Object.fromEntries(fileSources.map((s) => [`dbo.${s}`, s])),
    sourceColumns: { export_rows: columnsOf(EXPORT_ROW_COLUMNS), activity_log: columnsOf(ACTIVITY_LOG_COLUMNS), activity_lines: columnsOf(ACTIVITY_LINE_COLUMNS) },
  },
};
fs.writeFileSync(path.join(outdir, 'usage-sql.json'), JSON.stringify(out, null, 2));
console.log(`${relations.length} GCP, ${awsRelations.length} AWS and ${azureAll.length} Azure relations -> ${path.join(outdir, 'usage-sql.json')}`);
