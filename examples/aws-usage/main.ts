// What a team's GPU workspaces cost, per person and per workspace, from the AWS bill: a fleet of
// two researchers and a usage exporter beside it. The exporter makes a CUR 2.0 Data Export into
// an encrypted bucket, the Glue tables and an Athena workgroup over it, keeps the instances'
// start/stop history from EventBridge, saves the four usage views as Athena queries, and gives
// each owner a monthly budget. A second stack, applied in the payer account a day later,
// activates the library's tags as cost allocation tags (AWS allows nothing earlier).
//
//   AWS_REGION=eu-west-1 ML_WORKSPACE_STATE_BUCKET=my-tfstate-bucket npx cdktf deploy aws-usage
//   # a day later, with the payer account's credentials:
//   npx cdktf deploy aws-usage-tags
//
// The deploy prints the steps no API can take as the usage_manual_steps output.
import { App, Aspects, S3Backend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { Gpu, GpuPackage, UsageExporter, WorkspaceFleet, WorkspacePolicyChecks, WorkspaceSize } from 'cdktf-ml-workspace';
import { AwsTarget, UsageCostAllocationTags } from 'cdktf-ml-workspace-aws';

const region = process.env.AWS_REGION ?? 'eu-west-1';

function backend(stack: TerraformStack, name: string): void {
  const state = new S3Backend(stack, {
    bucket: process.env.ML_WORKSPACE_STATE_BUCKET ?? 'ml-research-tfstate',
    key: `ml-workspace/${name}.tfstate`,
    region,
    encrypt: true,
  });
  state.addOverride('use_lockfile', true);
}

class AwsUsageStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    backend(this, id);

    const target = AwsTarget.of({ region });
    // The people's IAM roles (e.g. from IAM Identity Center) in the account.
    const role = (name: string) => `arn:aws:iam::123456789012:role/${name}`;
    const fleet = new WorkspaceFleet(this, 'vision', {
      target,
      defaults: { cpu: WorkspaceSize.MEDIUM, gpus: GpuPackage.of(Gpu.NVIDIA_L4), costCenter: 'ml-research' },
      members: [
        { name: 'alice', owner: 'alice@example.com', principal: role('alice') },
        { name: 'bob', owner: 'bob@example.com', principal: role('bob'), gpus: GpuPackage.NONE },
      ],
    });

    const usage = new UsageExporter(this, 'usage', {
      target,
      // 400 USD a month per person (alice trains more), told at 50, 90 and 100 %.
      budget: {
        monthlyAmount: 400,
        currency: 'USD',
        notify: ['ml-platform@example.com'],
        ownerAmounts: { 'alice@example.com': 900 },
      },
    });
    // A budget for every member, those who join later too.
    usage.trackFleet(fleet);

    Aspects.of(this).add(new WorkspacePolicyChecks());
  }
}

/** The payer account's part: only once the tags have appeared in the billing data. */
class AwsUsageTagsStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    backend(this, id);
    new UsageCostAllocationTags(this, 'tags', { target: AwsTarget.of({ region }), extraTagKeys: ['team'] });
    Aspects.of(this).add(new WorkspacePolicyChecks());
  }
}

const app = new App();
new AwsUsageStack(app, 'aws-usage');
new AwsUsageTagsStack(app, 'aws-usage-tags');
app.synth();
