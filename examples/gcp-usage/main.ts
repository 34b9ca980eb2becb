// What a team's GPU workspaces cost, per person and per workspace, from Google Cloud's own bill:
// a fleet of two researchers and a usage exporter beside it. The exporter makes the BigQuery
// dataset the Cloud Billing export writes to, keeps the instances' start/stop history, creates
// the four usage views once the export has data, and gives each owner a monthly budget.
//
//   GOOGLE_CLOUD_PROJECT=my-project ML_WORKSPACE_BILLING_ACCOUNT=01ABCD-23EF45-6789AB \
//   ML_WORKSPACE_STATE_BUCKET=my-tfstate-bucket npx cdktf deploy
//
// Then take the one step no API can (the deploy prints it as the usage_manual_steps output):
// switch the export on in the console, into the dataset this made.
import { App, Aspects, GcsBackend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { Gpu, GpuPackage, UsageExporter, WorkspaceFleet, WorkspacePolicyChecks, WorkspaceSize } from 'cdktf-ml-workspace';
import { GcpTarget } from 'cdktf-ml-workspace-gcp';

class GcpUsageStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    new GcsBackend(this, { bucket: process.env.ML_WORKSPACE_STATE_BUCKET ?? 'ml-research-tfstate', prefix: 'ml-workspace/gcp-usage' });

    const target = GcpTarget.of({
      project: process.env.GOOGLE_CLOUD_PROJECT ?? 'ml-research-sandbox',
      region: 'europe-west4',
      zone: 'europe-west4-a',
    });
    const fleet = new WorkspaceFleet(this, 'vision', {
      target,
      defaults: { cpu: WorkspaceSize.MEDIUM, gpus: GpuPackage.of(Gpu.NVIDIA_L4), costCenter: 'ml-research' },
      members: [
        { name: 'alice', owner: 'alice@example.com' },
        { name: 'bob', owner: 'bob@example.com', gpus: GpuPackage.NONE },
      ],
    });

    const usage = new UsageExporter(this, 'usage', {
      target,
      billingAccount: process.env.ML_WORKSPACE_BILLING_ACCOUNT ?? '01ABCD-23EF45-6789AB',
      // 400 EUR a month per person (alice trains more), told at 50, 90 and 100 %.
      budget: {
        monthlyAmount: 400,
        currency: 'EUR',
        notify: ['ml-platform@example.com'],
        ownerAmounts: { 'alice@example.com': 900 },
      },
    });
    // A budget for every member, those who join later too.
    usage.trackFleet(fleet);

    Aspects.of(this).add(new WorkspacePolicyChecks());
  }
}

const app = new App();
new GcpUsageStack(app, 'gcp-usage');
app.synth();
