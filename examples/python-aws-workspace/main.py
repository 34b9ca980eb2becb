"""A GPU workspace on AWS, from Python: the same stack as examples/aws-workspace.

    ML_WORKSPACE_ZONE_ID=Z... AWS_REGION=eu-west-1 ML_WORKSPACE_STATE_BUCKET=my-tfstate-bucket npx cdktf-cli@0.21 deploy
"""
import os

from cdktf import App, Aspects, S3Backend, TerraformStack
from constructs import Construct

from cdktf_ml_workspace import (
    Gpu,
    GpuWorkspace,
    WorkspaceAccess,
    WorkspaceDns,
    WorkspacePolicyChecks,
    WorkspaceSize,
)
from cdktf_ml_workspace_aws import AwsTarget


class AwsWorkspaceStack(TerraformStack):
    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)

        # State holds the workspace's generated secrets: keep it in an S3 bucket that only the
        # deployers can read, encrypted, with S3-native locking (Terraform 1.10 and later; the
        # setting is newer than cdktf's S3BackendConfig, hence the override).
        state = S3Backend(
            self,
            bucket=os.environ.get("ML_WORKSPACE_STATE_BUCKET", "ml-research-tfstate"),
            key="ml-workspace/aws.tfstate",
            region=os.environ.get("AWS_REGION", "eu-west-1"),
            encrypt=True,
        )
        state.add_override("use_lockfile", True)

        workspace = GpuWorkspace(
            self,
            "alice",
            target=AwsTarget.of(region=os.environ.get("AWS_REGION", "eu-west-1")),
            owner="alice@example.com",
            cost_center="ml-research",
            size=WorkspaceSize.MEDIUM,
            gpu=Gpu.NVIDIA_L4,
            # The office's egress range; everything else is refused by the security group.
            access=WorkspaceAccess.public(allowed_cidrs=["203.0.113.0/24"]),
            # Let's Encrypt does not certify amazonaws.com names: the workspace gets a name in a
            # Route 53 hosted zone you own.
            dns=WorkspaceDns.zone(
                zone_name=os.environ.get("ML_WORKSPACE_ZONE_ID", "Z0123456789ABCDEFGHIJ"),
                record_name="alice.ml.example.com",
            ),
            home_disk_size_gib=500,
            labels={"team": "vision"},
        )
        # Alice's SSO role may open Session Manager sessions to this instance and read her token.
        workspace.grant_access("arn:aws:iam::123456789012:role/alice")

        # The library's security rules; findings are reported as errors on the resources.
        Aspects.of(self).add(WorkspacePolicyChecks())


app = App()
AwsWorkspaceStack(app, "aws-workspace")
app.synth()
