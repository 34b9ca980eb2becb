"""Checks that a cdktf output directory holds the stack `ml-platform` with one workspace VM
and its outputs, as the README's snippets make.

    python3 scripts/check-synthesized.py <cdktf.out>
"""
import json
import os
import sys

outdir = sys.argv[1]
with open(os.path.join(outdir, "manifest.json")) as f:
    manifest = json.load(f)
with open(os.path.join(outdir, manifest["stacks"]["ml-platform"]["synthesizedStackPath"])) as f:
    stack = json.load(f)
vms = [t for t in ("google_compute_instance", "aws_instance", "azurerm_linux_virtual_machine") if t in stack.get("resource", {})]
missing = {"alice_url", "alice_sign_in"} - set(stack.get("output", {}))
errors = [a["message"] for a in manifest["stacks"]["ml-platform"]["annotations"] if a["level"] == "@cdktf/error"]
if len(vms) != 1 or missing or errors:
    sys.exit(f"{outdir}: VMs {vms}, missing outputs {sorted(missing)}, errors {errors}")
print(f"{outdir}: {sum(len(v) for v in stack['resource'].values())} resources, {vms[0]}, no policy errors")
