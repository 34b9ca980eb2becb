module github.com/cdktf-ml-workspace/cdktf-ml-workspace/examples/go-azure-workspace

go 1.25

require (
	github.com/aws/constructs-go/constructs/v10 v10.4.2
	github.com/aws/jsii-runtime-go v1.140.0
	github.com/cdktf-ml-workspace/cdktf-ml-workspace-go/mlworkspace v0.0.0
	github.com/cdktf-ml-workspace/cdktf-ml-workspace-go/mlworkspaceazure v0.0.0
	github.com/hashicorp/terraform-cdk-go/cdktf v0.21.0
)
