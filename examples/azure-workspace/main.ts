// A GPU workspace on Azure for one data scientist: NixOS on an NVIDIA T4 (NCasT4_v3), browser
// VS Code behind nginx with a Let's Encrypt certificate for the public IP's cloudapp.azure.com
// name, reachable over HTTPS from one office range, with a 500 GiB Premium SSD home disk backed
// up daily. No SSH port is open to the internet.
//
//   ARM_SUBSCRIPTION_ID=... ML_WORKSPACE_IMAGE_ID=/subscriptions/.../images/ml-workspace-nixos \
//   ML_WORKSPACE_OWNER_OID=<your Entra object id> ML_WORKSPACE_STATE_ACCOUNT=<storage account> npx cdktf deploy
import { App, Aspects, AzurermBackend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { Gpu, GpuWorkspace, WorkspaceAccess, WorkspacePolicyChecks, WorkspaceSize } from 'cdktf-ml-workspace';
import { AzureTarget } from 'cdktf-ml-workspace-azure';

class AzureWorkspaceStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    // State holds the workspace's generated secrets: keep it in a blob container that only the
    // deployers can read (Azure Storage encrypts it and leases the blob as a lock), reached
    // with Entra ID rather than the account's shared keys.
    new AzurermBackend(this, {
      resourceGroupName: 'ml-tfstate',
      storageAccountName: process.env.ML_WORKSPACE_STATE_ACCOUNT ?? 'mlresearchtfstate',
      containerName: 'tfstate',
      key: 'ml-workspace/azure.tfstate',
      useAzureadAuth: true,
    });

    const workspace = new GpuWorkspace(this, 'alice', {
      target: AzureTarget.of({
        location: 'westeurope',
        // The NixOS image built from this repository's flake and uploaded once
        // (README: "Azure image"); Azure has no official NixOS image.
        imageId:
          process.env.ML_WORKSPACE_IMAGE_ID ??
          '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ml-images/providers/Microsoft.Compute/galleries/mlworkspace/images/nixos/versions/1.0.0',
        // Where `cdktf deploy` runs from (the CI runners' egress range): the workspace's Key
        // Vault admits only that range and the workspace subnet.
        keyVaultAllowedCidrs: ['198.51.100.0/24'],
      }),
      owner: 'alice@example.com',
      costCenter: 'ml-research',
      size: WorkspaceSize.MEDIUM,
      gpu: Gpu.NVIDIA_T4,
      // The office's egress range; everything else is refused by the network security group.
      // The default DNS name in public mode is the public IP's domain label, which Let's
      // Encrypt certifies without any DNS zone.
      access: WorkspaceAccess.public({ allowedCidrs: ['203.0.113.0/24'] }),
      homeDiskSizeGiB: 500,
      labels: { team: 'vision' },
    });
    // Alice (her Microsoft Entra object id) may read her connection token and see the VM.
    workspace.grantAccess(process.env.ML_WORKSPACE_OWNER_OID ?? '11111111-2222-3333-4444-555555555555');

    // The library's security rules; findings are reported as errors on the resources.
    Aspects.of(this).add(new WorkspacePolicyChecks());
  }
}

const app = new App();
new AzureWorkspaceStack(app, 'azure-workspace');
app.synth();
