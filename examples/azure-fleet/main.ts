// A team's GPU workspaces on Azure: three private workspaces on one shared virtual network with
// one NAT gateway and one Azure Bastion (rather than a Bastion each), each with its own CPU and
// GPU packages, each owner (a Microsoft Entra object id) granted their own workspace and the
// platform group all of them.
//
//   ARM_SUBSCRIPTION_ID=... ML_WORKSPACE_IMAGE_ID=/subscriptions/.../images/ml-workspace-nixos \
//   ML_WORKSPACE_STATE_ACCOUNT=<storage account> npx cdktf deploy
import { App, Aspects, AzurermBackend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { Gpu, GpuPackage, WorkspaceFleet, WorkspaceNetwork, WorkspacePolicyChecks, WorkspaceSize } from 'cdktf-ml-workspace';
import { AzureTarget } from 'cdktf-ml-workspace-azure';

class AzureFleetStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    new AzurermBackend(this, {
      resourceGroupName: 'ml-tfstate',
      storageAccountName: process.env.ML_WORKSPACE_STATE_ACCOUNT ?? 'mlresearchtfstate',
      containerName: 'tfstate',
      key: 'ml-workspace/azure-fleet.tfstate',
      useAzureadAuth: true,
    });

    const target = AzureTarget.of({
      location: 'westeurope',
      imageId:
        process.env.ML_WORKSPACE_IMAGE_ID ??
        '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ml-images/providers/Microsoft.Compute/galleries/mlworkspace/images/nixos/versions/1.0.0',
      // Where `cdktf deploy` runs from: each workspace's Key Vault admits only that range and
      // the shared subnet.
      keyVaultAllowedCidrs: ['198.51.100.0/24'],
    });
    // The network made explicitly, so other stacks' resources can be placed in it too.
    const network = new WorkspaceNetwork(this, 'team', { target, costCenter: 'ml-research' });
    new WorkspaceFleet(this, 'vision', {
      target,
      network,
      defaults: {
        cpu: WorkspaceSize.SMALL,
        gpus: GpuPackage.of(Gpu.NVIDIA_T4),
        costCenter: 'ml-research',
        labels: { team: 'vision' },
      },
      members: [
        { name: 'alice', owner: 'alice@example.com', principal: '11111111-2222-3333-4444-555555555555' },
        // Four T4s (Standard_NC64as_T4_v3).
        { name: 'bob', owner: 'bob@example.com', principal: '22222222-3333-4444-5555-666666666666', gpus: GpuPackage.of(Gpu.NVIDIA_T4, 4) },
        { name: 'carol', owner: 'carol@example.com', principal: '33333333-4444-5555-6666-777777777777', cpu: WorkspaceSize.LARGE, gpus: GpuPackage.NONE },
      ],
      admins: ['44444444-5555-6666-7777-888888888888'],
    });

    Aspects.of(this).add(new WorkspacePolicyChecks());
  }
}

const app = new App();
new AzureFleetStack(app, 'azure-fleet');
app.synth();
