// A GPU workspace on AWS, from Go: the same stack as examples/aws-workspace.
//
//	ML_WORKSPACE_ZONE_ID=Z... AWS_REGION=eu-west-1 ML_WORKSPACE_STATE_BUCKET=my-tfstate-bucket npx cdktf-cli@0.21 deploy
package main

import (
	"os"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf-ml-workspace/cdktf-ml-workspace-go/mlworkspace"
	"github.com/cdktf-ml-workspace/cdktf-ml-workspace-go/mlworkspaceaws"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

func env(name, fallback string) *string {
	if value, ok := os.LookupEnv(name); ok {
		return jsii.String(value)
	}
	return jsii.String(fallback)
}

func newAwsWorkspaceStack(scope constructs.Construct, id string) cdktf.TerraformStack {
	stack := cdktf.NewTerraformStack(scope, jsii.String(id))

	// State holds the workspace's generated secrets: keep it in an S3 bucket that only the
	// deployers can read, encrypted, with S3-native locking (Terraform 1.10 and later; the
	// setting is newer than cdktf's S3BackendConfig, hence the override).
	state := cdktf.NewS3Backend(stack, &cdktf.S3BackendConfig{
		Bucket:  env("ML_WORKSPACE_STATE_BUCKET", "ml-research-tfstate"),
		Key:     jsii.String("ml-workspace/aws.tfstate"),
		Region:  env("AWS_REGION", "eu-west-1"),
		Encrypt: jsii.Bool(true),
	})
	state.AddOverride(jsii.String("use_lockfile"), true)

	// Validation errors reach Go as panics, with the library's message.
	workspace := mlworkspace.NewGpuWorkspace(stack, jsii.String("alice"), &mlworkspace.GpuWorkspaceProps{
		Target:     mlworkspaceaws.AwsTarget_Of(&mlworkspaceaws.AwsTargetOptions{Region: env("AWS_REGION", "eu-west-1")}),
		Owner:      jsii.String("alice@example.com"),
		CostCenter: jsii.String("ml-research"),
		Size:       mlworkspace.WorkspaceSize_MEDIUM,
		Gpu:        mlworkspace.Gpu_NVIDIA_L4(),
		// The office's egress range; everything else is refused by the security group.
		Access: mlworkspace.WorkspaceAccess_Public(&mlworkspace.PublicAccessOptions{AllowedCidrs: jsii.Strings("203.0.113.0/24")}),
		// Let's Encrypt does not certify amazonaws.com names: the workspace gets a name in a
		// Route 53 hosted zone you own.
		Dns: mlworkspace.WorkspaceDns_Zone(&mlworkspace.DnsZoneOptions{
			ZoneName:   env("ML_WORKSPACE_ZONE_ID", "Z0123456789ABCDEFGHIJ"),
			RecordName: jsii.String("alice.ml.example.com"),
		}),
		HomeDiskSizeGiB: jsii.Number(500),
		Labels:          &map[string]*string{"team": jsii.String("vision")},
	})
	// Alice's SSO role may open Session Manager sessions to this instance and read her token.
	workspace.GrantAccess(jsii.String("arn:aws:iam::123456789012:role/alice"))

	// The library's security rules; findings are reported as errors on the resources.
	cdktf.Aspects_Of(stack).Add(mlworkspace.NewWorkspacePolicyChecks(nil))
	return stack
}

func main() {
	app := cdktf.NewApp(nil)
	newAwsWorkspaceStack(app, "aws-workspace")
	app.Synth()
}
