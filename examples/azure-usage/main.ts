// What a team's GPU workspaces cost, per person and per workspace, from the Azure bill: a fleet
// of two researchers and a usage exporter beside it. The exporter makes a storage account with a
// daily cost export of the subscription, sends the subscription's activity log there (and to Log
// Analytics), writes the four usage views as one T-SQL script for Synapse serverless SQL, and
// gives each owner a monthly budget.
//
//   ARM_SUBSCRIPTION_ID=... ML_WORKSPACE_IMAGE_ID=/subscriptions/.../images/ml-workspace-nixos \
//   ML_WORKSPACE_STATE_ACCOUNT=<storage account> npx cdktf deploy
//
// Then run the output usage_views_sql in a Synapse serverless SQL database (the deploy prints
// the steps as the usage_manual_steps output).
import { App, Aspects, AzurermBackend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { Gpu, GpuPackage, UsageExporter, WorkspaceFleet, WorkspacePolicyChecks, WorkspaceSize } from 'cdktf-ml-workspace';
import { AzureTarget } from 'cdktf-ml-workspace-azure';

class AzureUsageStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    new AzurermBackend(this, {
      resourceGroupName: 'ml-tfstate',
      storageAccountName: process.env.ML_WORKSPACE_STATE_ACCOUNT ?? 'mlresearchtfstate',
      containerName: 'tfstate',
      key: 'ml-workspace/azure-usage.tfstate',
      useAzureadAuth: true,
    });

    const target = AzureTarget.of({
      location: 'westeurope',
      imageId:
        process.env.ML_WORKSPACE_IMAGE_ID ??
        '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ml-images/providers/Microsoft.Compute/galleries/mlworkspace/images/nixos/versions/1.0.0',
      // Where `cdktf deploy` runs from: each workspace's Key Vault admits only that range.
      keyVaultAllowedCidrs: ['198.51.100.0/24'],
    });
    const fleet = new WorkspaceFleet(this, 'vision', {
      target,
      defaults: { cpu: WorkspaceSize.MEDIUM, gpus: GpuPackage.of(Gpu.NVIDIA_T4), costCenter: 'ml-research' },
      members: [
        // The owners' Microsoft Entra object ids.
        { name: 'alice', owner: 'alice@example.com', principal: '00000000-0000-0000-0000-00000000a11c' },
        { name: 'bob', owner: 'bob@example.com', principal: '00000000-0000-0000-0000-000000000b0b', gpus: GpuPackage.NONE },
      ],
    });

    const usage = new UsageExporter(this, 'usage', {
      target,
      // 400 EUR a month per person (alice trains more), told at 50, 90 and 100 %. Azure budgets
      // are in the billing account's currency.
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
new AzureUsageStack(app, 'azure-usage');
app.synth();
