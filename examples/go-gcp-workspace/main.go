// A GPU workspace on Google Cloud, from Go: the same stack as examples/gcp-workspace.
//
//	GOOGLE_CLOUD_PROJECT=my-project ML_WORKSPACE_STATE_BUCKET=my-tfstate-bucket npx cdktf-cli@0.21 deploy
package main

import (
	"os"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf-ml-workspace/cdktf-ml-workspace-go/mlworkspace"
	"github.com/cdktf-ml-workspace/cdktf-ml-workspace-go/mlworkspacegcp"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

func env(name, fallback string) *string {
	if value, ok := os.LookupEnv(name); ok {
		return jsii.String(value)
	}
	return jsii.String(fallback)
}

func newGcpWorkspaceStack(scope constructs.Construct, id string) cdktf.TerraformStack {
	stack := cdktf.NewTerraformStack(scope, jsii.String(id))

	// State holds the workspace's generated secrets: keep it in a versioned GCS bucket that
	// only the deployers can read (GCS encrypts it and locks it for each run).
	cdktf.NewGcsBackend(stack, &cdktf.GcsBackendConfig{
		Bucket: env("ML_WORKSPACE_STATE_BUCKET", "ml-research-tfstate"),
		Prefix: jsii.String("ml-workspace/gcp"),
	})

	// Validation errors reach Go as panics, with the library's message.
	workspace := mlworkspace.NewGpuWorkspace(stack, jsii.String("alice"), &mlworkspace.GpuWorkspaceProps{
		Target: mlworkspacegcp.GcpTarget_Of(&mlworkspacegcp.GcpTargetOptions{
			Project: env("GOOGLE_CLOUD_PROJECT", "ml-research-sandbox"),
			Region:  jsii.String("europe-west4"),
			Zone:    jsii.String("europe-west4-a"),
		}),
		Owner:      jsii.String("alice@example.com"),
		CostCenter: jsii.String("ml-research"),
		Size:       mlworkspace.WorkspaceSize_MEDIUM,
		Gpu:        mlworkspace.Gpu_NVIDIA_L4(),
		// The office's egress range; everything else is refused at the firewall.
		Access:          mlworkspace.WorkspaceAccess_Public(&mlworkspace.PublicAccessOptions{AllowedCidrs: jsii.Strings("203.0.113.0/24")}),
		HomeDiskSizeGiB: jsii.Number(500),
		Labels:          &map[string]*string{"team": jsii.String("vision")},
	})
	// Alice may open the IAP tunnel / SSH with OS Login and read her connection token.
	workspace.GrantAccess(jsii.String("user:alice@example.com"))

	// The library's security rules; findings are reported as errors on the resources.
	cdktf.Aspects_Of(stack).Add(mlworkspace.NewWorkspacePolicyChecks(nil))
	return stack
}

func main() {
	app := cdktf.NewApp(nil)
	newGcpWorkspaceStack(app, "gcp-workspace")
	app.Synth()
}
