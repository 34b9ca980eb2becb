// A GPU workspace on Azure, from Go: the same stack as examples/azure-workspace.
//
//	ARM_SUBSCRIPTION_ID=... ML_WORKSPACE_IMAGE_ID=/subscriptions/.../images/ml-workspace-nixos \
//	ML_WORKSPACE_OWNER_OID=<your Entra object id> ML_WORKSPACE_STATE_ACCOUNT=<storage account> npx cdktf-cli@0.21 deploy
package main

import (
	"os"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf-ml-workspace/cdktf-ml-workspace-go/mlworkspace"
	"github.com/cdktf-ml-workspace/cdktf-ml-workspace-go/mlworkspaceazure"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

func env(name, fallback string) *string {
	if value, ok := os.LookupEnv(name); ok {
		return jsii.String(value)
	}
	return jsii.String(fallback)
}

func newAzureWorkspaceStack(scope constructs.Construct, id string) cdktf.TerraformStack {
	stack := cdktf.NewTerraformStack(scope, jsii.String(id))

	// State holds the workspace's generated secrets: keep it in a blob container that only the
	// deployers can read (Azure Storage encrypts it and leases the blob as a lock), reached
	// with Entra ID rather than the account's shared keys.
	cdktf.NewAzurermBackend(stack, &cdktf.AzurermBackendConfig{
		ResourceGroupName:  jsii.String("ml-tfstate"),
		StorageAccountName: env("ML_WORKSPACE_STATE_ACCOUNT", "mlresearchtfstate"),
		ContainerName:      jsii.String("tfstate"),
		Key:                jsii.String("ml-workspace/azure.tfstate"),
		UseAzureadAuth:     jsii.Bool(true),
	})

	// Validation errors reach Go as panics, with the library's message.
	workspace := mlworkspace.NewGpuWorkspace(stack, jsii.String("alice"), &mlworkspace.GpuWorkspaceProps{
		Target: mlworkspaceazure.AzureTarget_Of(&mlworkspaceazure.AzureTargetOptions{
			Location: jsii.String("westeurope"),
			// The NixOS image built from this repository's flake and uploaded once
			// (README: "Azure image"); Azure has no official NixOS image.
			ImageId: env("ML_WORKSPACE_IMAGE_ID",
				"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ml-images/providers/Microsoft.Compute/galleries/mlworkspace/images/nixos/versions/1.0.0"),
			// Where `cdktf deploy` runs from (the CI runners' egress range): the workspace's Key
			// Vault admits only that range and the workspace subnet.
			KeyVaultAllowedCidrs: jsii.Strings("198.51.100.0/24"),
		}),
		Owner:      jsii.String("alice@example.com"),
		CostCenter: jsii.String("ml-research"),
		Size:       mlworkspace.WorkspaceSize_MEDIUM,
		Gpu:        mlworkspace.Gpu_NVIDIA_T4(),
		// The office's egress range; everything else is refused by the network security group.
		// The default DNS name in public mode is the public IP's domain label, which Let's
		// Encrypt certifies without any DNS zone.
		Access:          mlworkspace.WorkspaceAccess_Public(&mlworkspace.PublicAccessOptions{AllowedCidrs: jsii.Strings("203.0.113.0/24")}),
		HomeDiskSizeGiB: jsii.Number(500),
		Labels:          &map[string]*string{"team": jsii.String("vision")},
	})
	// Alice (her Microsoft Entra object id) may read her connection token and see the VM.
	workspace.GrantAccess(env("ML_WORKSPACE_OWNER_OID", "11111111-2222-3333-4444-555555555555"))

	// The library's security rules; findings are reported as errors on the resources.
	cdktf.Aspects_Of(stack).Add(mlworkspace.NewWorkspacePolicyChecks(nil))
	return stack
}

func main() {
	app := cdktf.NewApp(nil)
	newAzureWorkspaceStack(app, "azure-workspace")
	app.Synth()
}
