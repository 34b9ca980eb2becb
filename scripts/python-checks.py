"""What the Python bindings promise beyond equal output, checked with the installed wheels:

- a GCP-only app imports the google provider and no other cloud's;
- the typed escape hatch is the provider's own class;
- a validation error is raised with the library's message.

    .venv/python/bin/python scripts/python-checks.py
"""
import sys

from cdktf import App, TerraformStack

from cdktf_ml_workspace import GpuWorkspace
from cdktf_ml_workspace_gcp import GcpResources, GcpTarget

loaded = sorted(m for m in sys.modules if m.startswith("cdktf_cdktf_provider_") and "." not in m)
assert loaded == ["cdktf_cdktf_provider_google", "cdktf_cdktf_provider_random", "cdktf_cdktf_provider_time", "cdktf_cdktf_provider_tls"], loaded

from cdktf_cdktf_provider_google.compute_instance import ComputeInstance  # noqa: E402

stack = TerraformStack(App(), "test")
target = GcpTarget.of(project="ml-prod", region="europe-west4", zone="europe-west4-a")
workspace = GpuWorkspace(stack, "alice", target=target, owner="alice@example.com")
instance = GcpResources.of_workspace(workspace).instance
assert isinstance(instance, ComputeInstance), type(instance)
assert instance.machine_type_input == workspace.machine_type == "n2-standard-4", (instance.machine_type_input, workspace.machine_type)

try:
    GpuWorkspace(stack, "bob", target=target, owner="bob")
except RuntimeError as e:
    expected = "GpuWorkspace 'bob': owner 'bob' is not an email address; give the owner's email, e.g. 'alice@example.com'"
    assert str(e) == expected, str(e)
else:
    raise AssertionError("an owner that is not an email address was accepted")

print(f"python checks: imports {', '.join(loaded)}; the escape hatch is a ComputeInstance; errors carry the library's message")
