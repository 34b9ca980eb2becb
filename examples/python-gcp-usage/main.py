"""What a team's GPU workspaces cost, from Python: the same stack as examples/gcp-usage.

    GOOGLE_CLOUD_PROJECT=my-project ML_WORKSPACE_BILLING_ACCOUNT=01ABCD-23EF45-6789AB \
    ML_WORKSPACE_STATE_BUCKET=my-tfstate-bucket npx cdktf-cli@0.21 deploy
"""
import os

from cdktf import App, Aspects, GcsBackend, TerraformStack
from constructs import Construct

from cdktf_ml_workspace import (
    Gpu,
    GpuPackage,
    UsageBudget,
    UsageExporter,
    WorkspaceFleet,
    WorkspaceFleetDefaults,
    WorkspaceFleetMember,
    WorkspacePolicyChecks,
    WorkspaceSize,
)
from cdktf_ml_workspace_gcp import GcpTarget


class GcpUsageStack(TerraformStack):
    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)

        GcsBackend(
            self,
            bucket=os.environ.get("ML_WORKSPACE_STATE_BUCKET", "ml-research-tfstate"),
            prefix="ml-workspace/gcp-usage",
        )

        target = GcpTarget.of(
            project=os.environ.get("GOOGLE_CLOUD_PROJECT", "ml-research-sandbox"),
            region="europe-west4",
            zone="europe-west4-a",
        )
        fleet = WorkspaceFleet(
            self,
            "vision",
            target=target,
            defaults=WorkspaceFleetDefaults(cpu=WorkspaceSize.MEDIUM, gpus=GpuPackage.of(Gpu.NVIDIA_L4), cost_center="ml-research"),
            members=[
                WorkspaceFleetMember(name="alice", owner="alice@example.com"),
                WorkspaceFleetMember(name="bob", owner="bob@example.com", gpus=GpuPackage.NONE),
            ],
        )

        usage = UsageExporter(
            self,
            "usage",
            target=target,
            billing_account=os.environ.get("ML_WORKSPACE_BILLING_ACCOUNT", "01ABCD-23EF45-6789AB"),
            # 400 EUR a month per person (alice trains more), told at 50, 90 and 100 %.
            budget=UsageBudget(
                monthly_amount=400,
                currency="EUR",
                notify=["ml-platform@example.com"],
                owner_amounts={"alice@example.com": 900},
            ),
        )
        # A budget for every member, those who join later too.
        usage.track_fleet(fleet)

        Aspects.of(self).add(WorkspacePolicyChecks())


app = App()
GcpUsageStack(app, "gcp-usage")
app.synth()
