"""A team's GPU workspaces on Google Cloud, from Python: the same stack as examples/gcp-fleet.

    GOOGLE_CLOUD_PROJECT=my-project ML_WORKSPACE_STATE_BUCKET=my-tfstate-bucket npx cdktf-cli@0.21 deploy
"""
import os

from cdktf import App, Aspects, GcsBackend, TerraformStack
from constructs import Construct

from cdktf_ml_workspace import (
    Gpu,
    GpuPackage,
    NixpkgsPin,
    WorkspaceFleet,
    WorkspaceFleetDefaults,
    WorkspaceFleetMember,
    WorkspaceFleetRollout,
    WorkspacePolicyChecks,
    WorkspaceSize,
)
from cdktf_ml_workspace_gcp import GcpTarget


class GcpFleetStack(TerraformStack):
    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)

        GcsBackend(
            self,
            bucket=os.environ.get("ML_WORKSPACE_STATE_BUCKET", "ml-research-tfstate"),
            prefix="ml-workspace/gcp-fleet",
        )

        fleet = WorkspaceFleet(
            self,
            "vision",
            target=GcpTarget.of(
                project=os.environ.get("GOOGLE_CLOUD_PROJECT", "ml-research-sandbox"),
                region="europe-west4",
                zone="europe-west4-a",
            ),
            # What every member gets unless it says otherwise: 8 vCPUs and one L4 (g2-standard-8).
            defaults=WorkspaceFleetDefaults(
                cpu=WorkspaceSize.MEDIUM,
                gpus=GpuPackage.of(Gpu.NVIDIA_L4),
                cost_center="ml-research",
                labels={"team": "vision"},
            ),
            members=[
                WorkspaceFleetMember(name="alice", owner="alice@example.com"),
                # A small CPU with four GPUs (g2-standard-48) for multi-GPU training.
                WorkspaceFleetMember(
                    name="bob",
                    owner="bob@example.com",
                    cpu=WorkspaceSize.SMALL,
                    gpus=GpuPackage.of(Gpu.NVIDIA_L4, 4),
                    home_disk_size_gib=1000,
                ),
                # Data preparation: no GPU, more cores (n2-standard-16).
                WorkspaceFleetMember(name="carol", owner="carol@example.com", cpu=WorkspaceSize.LARGE, gpus=GpuPackage.NONE),
                # The canary runs the rollout's nixpkgs revision before the rest.
                WorkspaceFleetMember(name="dave", owner="dave@example.com", canary=True),
            ],
            admins=["group:ml-platform@example.com"],
            # The commit to try on the canary first (the zeros are a placeholder: set both variables).
            rollout=WorkspaceFleetRollout(
                canary_nixpkgs=NixpkgsPin.of(
                    rev=os.environ.get("ML_WORKSPACE_CANARY_REV", "0" * 40),
                    nar_hash=os.environ.get("ML_WORKSPACE_CANARY_NAR_HASH", "sha256-" + "A" * 43 + "="),
                ),
            ),
        )
        # More members can join later; the key is the name, so nobody else's workspace changes.
        fleet.add_member(name="erin", owner="erin@example.com", gpus=GpuPackage.of(Gpu.NVIDIA_L4, 2))

        Aspects.of(self).add(WorkspacePolicyChecks())


app = App()
GcpFleetStack(app, "gcp-fleet")
app.synth()
