"""A GPU workspace on Azure, from Python: the same stack as examples/azure-workspace.

    ARM_SUBSCRIPTION_ID=... ML_WORKSPACE_IMAGE_ID=/subscriptions/.../images/ml-workspace-nixos \\
    ML_WORKSPACE_OWNER_OID=<your Entra object id> ML_WORKSPACE_STATE_ACCOUNT=<storage account> npx cdktf-cli@0.21 deploy
"""
import os

from cdktf import App, Aspects, AzurermBackend, TerraformStack
from constructs import Construct

from cdktf_ml_workspace import (
    Gpu,
    GpuWorkspace,
    WorkspaceAccess,
    WorkspacePolicyChecks,
    WorkspaceSize,
)
from cdktf_ml_workspace_azure import AzureTarget


class AzureWorkspaceStack(TerraformStack):
    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)

        # State holds the workspace's generated secrets: keep it in a blob container that only
        # the deployers can read (Azure Storage encrypts it and leases the blob as a lock),
        # reached with Entra ID rather than the account's shared keys.
        AzurermBackend(
            self,
            resource_group_name="ml-tfstate",
            storage_account_name=os.environ.get("ML_WORKSPACE_STATE_ACCOUNT", "mlresearchtfstate"),
            container_name="tfstate",
            key="ml-workspace/azure.tfstate",
            use_azuread_auth=True,
        )

        workspace = GpuWorkspace(
            self,
            "alice",
            target=AzureTarget.of(
                location="westeurope",
                # The NixOS image built from this repository's flake and uploaded once
                # (README: "Azure image"); Azure has no official NixOS image.
                image_id=os.environ.get(
                    "ML_WORKSPACE_IMAGE_ID",
                    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ml-images"
                    "/providers/Microsoft.Compute/galleries/mlworkspace/images/nixos/versions/1.0.0",
                ),
                # Where `cdktf deploy` runs from: the workspace's Key Vault admits only that
                # range and the workspace subnet.
                key_vault_allowed_cidrs=["198.51.100.0/24"],
            ),
            owner="alice@example.com",
            cost_center="ml-research",
            size=WorkspaceSize.MEDIUM,
            gpu=Gpu.NVIDIA_T4,
            # The default DNS name in public mode is the public IP's domain label, which Let's
            # Encrypt certifies without any DNS zone.
            access=WorkspaceAccess.public(allowed_cidrs=["203.0.113.0/24"]),
            home_disk_size_gib=500,
            labels={"team": "vision"},
        )
        # Alice (her Microsoft Entra object id) may read her connection token and see the VM.
        workspace.grant_access(os.environ.get("ML_WORKSPACE_OWNER_OID", "11111111-2222-3333-4444-555555555555"))

        # The library's security rules; findings are reported as errors on the resources.
        Aspects.of(self).add(WorkspacePolicyChecks())


app = App()
AzureWorkspaceStack(app, "azure-workspace")
app.synth()
