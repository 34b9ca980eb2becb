package main

import (
	"fmt"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf-ml-workspace/cdktf-ml-workspace-go/mlworkspace"
	"github.com/cdktf-ml-workspace/cdktf-ml-workspace-go/mlworkspacegcp"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// The library's validation errors reach Go as panics carrying the library's own message.
func TestAValidationErrorPanicsWithTheLibraryMessage(t *testing.T) {
	want := "GpuWorkspace 'bob': owner 'bob' is not an email address; give the owner's email, e.g. 'alice@example.com'"
	defer func() {
		got := fmt.Sprint(recover())
		if got != want {
			t.Fatalf("panic %q, want %q", got, want)
		}
	}()
	stack := cdktf.NewTerraformStack(cdktf.NewApp(nil), jsii.String("test"))
	mlworkspace.NewGpuWorkspace(stack, jsii.String("bob"), &mlworkspace.GpuWorkspaceProps{
		Target: mlworkspacegcp.GcpTarget_Of(&mlworkspacegcp.GcpTargetOptions{
			Project: jsii.String("ml-prod"), Region: jsii.String("europe-west4"), Zone: jsii.String("europe-west4-a"),
		}),
		Owner: jsii.String("bob"),
	})
}

// The typed escape hatch is the provider's own type, and the workspace's default child.
func TestTheEscapeHatchIsTheProvidersComputeInstance(t *testing.T) {
	stack := cdktf.NewTerraformStack(cdktf.NewApp(nil), jsii.String("test"))
	workspace := mlworkspace.NewGpuWorkspace(stack, jsii.String("alice"), &mlworkspace.GpuWorkspaceProps{
		Target: mlworkspacegcp.GcpTarget_Of(&mlworkspacegcp.GcpTargetOptions{
			Project: jsii.String("ml-prod"), Region: jsii.String("europe-west4"), Zone: jsii.String("europe-west4-a"),
		}),
		Owner: jsii.String("alice@example.com"),
		Size:  mlworkspace.WorkspaceSize_SMALL,
	})
	instance := mlworkspacegcp.GcpResources_OfWorkspace(workspace).Instance
	if got := *instance.MachineTypeInput(); got != "n2-standard-4" {
		t.Fatalf("machine type %q, want n2-standard-4", got)
	}
	if *instance.Node().Path() != *workspace.Node().DefaultChild().Node().Path() {
		t.Fatalf("the instance %s is not the default child %s", *instance.Node().Path(), *workspace.Node().DefaultChild().Node().Path())
	}
}
