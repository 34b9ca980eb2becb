// Synthesizes a usage exporter on each cloud and writes, as JSON, the SQL each one deploys, read
// back from the synthesized Terraform: GCP's from its scheduled query's script. The SQL test
// (test/usage/views_test.py, run by scripts/sql-views.sh) runs it over synthetic export rows.
import * as fs from 'fs';
import * as path from 'path';
import { App, TerraformStack } from 'cdktf';
import { UsageExporter } from 'cdktf-ml-workspace';
import { GcpTarget } from 'cdktf-ml-workspace-gcp';

const outdir = process.argv[2] ?? '/tmp/usage-sql';
const app = new App({ outdir, skipValidation: true });
new UsageExporter(new TerraformStack(app, 'gcp'), 'usage', {
  target: GcpTarget.of({ project: 'ml-research-prod', region: 'europe-west4', zone: 'europe-west4-a' }),
  billingAccount: '01ABCD-23EF45-6789AB',
});
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
const out = {
  gcp: {
    dialect: 'bigquery',
    relations,
    sources: {
      'ml-research-prod.usage.gcp_billing_export_v1_01ABCD_23EF45_6789AB': 'gcp_billing_export',
      'ml-research-prod.usage_history._AllLogs': 'gcp_all_logs',
    },
  },
};
fs.writeFileSync(path.join(outdir, 'usage-sql.json'), JSON.stringify(out, null, 2));
console.log(`${relations.length} GCP relations -> ${path.join(outdir, 'usage-sql.json')}`);
