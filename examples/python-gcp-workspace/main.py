"""A GPU workspace on Google Cloud, from Python: the same stack as examples/gcp-workspace.

    GOOGLE_CLOUD_PROJECT=my-project ML_WORKSPACE_STATE_BUCKET=my-tfstate-bucket npx cdktf-cli@0.21 deploy
"""
import os

from cdktf import App, Aspects, GcsBackend, TerraformStack
from constructs import Construct

from cdktf_ml_workspace import (
    Gpu,
    GpuWorkspace,
    WorkspaceAccess,
    WorkspacePolicyChecks,
    WorkspaceSize,
)
from cdktf_ml_workspace_gcp import GcpTarget


class GcpWorkspaceStack(TerraformStack):
    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)

        # State holds the workspace's generated secrets: keep it in a versioned GCS bucket that
        # only the deployers can read (GCS encrypts it and locks it for each run).
        GcsBackend(
            self,
            bucket=os.environ.get("ML_WORKSPACE_STATE_BUCKET", "ml-research-tfstate"),
            prefix="ml-workspace/gcp",
        )

        workspace = GpuWorkspace(
            self,
            "alice",
            target=GcpTarget.of(
                project=os.environ.get("GOOGLE_CLOUD_PROJECT", "ml-research-sandbox"),
                region="europe-west4",
                zone="europe-west4-a",
            ),
            owner="alice@example.com",
            cost_center="ml-research",
            size=WorkspaceSize.MEDIUM,
            gpu=Gpu.NVIDIA_L4,
            # The office's egress range; everything else is refused at the firewall.
            access=WorkspaceAccess.public(allowed_cidrs=["203.0.113.0/24"]),
            home_disk_size_gib=500,
            labels={"team": "vision"},
        )
        # Alice may open the IAP tunnel / SSH with OS Login and read her connection token.
        workspace.grant_access("user:alice@example.com")

        # The library's security rules; findings are reported as errors on the resources.
        Aspects.of(self).add(WorkspacePolicyChecks())


app = App()
GcpWorkspaceStack(app, "gcp-workspace")
app.synth()
