#!/usr/bin/env python3
"""Compare the stacks a Python (or Go) example synthesized with its TypeScript twin.

Resource by resource: every resource, output, provider and terraform-block entry must be equal.
Only the local state path differs legitimately (it is absolute, from each example's working
directory) and is compared by file name. Prints one line per compared item that differs and a
closing `bindings: N passed, N failed` line; exits 1 on any difference.

    python3 scripts/compare-bindings.py examples/python-aws-workspace examples/aws-workspace
"""
import json
import os
import sys


def load_stacks(example):
    out = os.path.join(example, "cdktf.out")
    with open(os.path.join(out, "manifest.json")) as f:
        manifest = json.load(f)
    stacks = {}
    for name, stack in manifest["stacks"].items():
        with open(os.path.join(out, stack["synthesizedStackPath"])) as f:
            stacks[name] = json.load(f)
    return stacks


def items(stack):
    """Every comparable unit of a stack, keyed by a readable address."""
    doc = json.loads(json.dumps(stack))
    backend = doc.get("terraform", {}).get("backend", {}).get("local")
    if backend and "path" in backend:
        backend["path"] = os.path.basename(backend["path"])
    yield "//", doc.get("//")
    for key, value in sorted(doc.get("terraform", {}).items()):
        yield f"terraform.{key}", value
    for kind in ("provider", "output", "variable", "data", "locals"):
        for name, value in sorted(doc.get(kind, {}).items()):
            yield f"{kind}.{name}", value
    for rtype, by_name in sorted(doc.get("resource", {}).items()):
        for name, value in sorted(by_name.items()):
            yield f"{rtype}.{name}", value


def main(candidate, reference):
    got, want = load_stacks(candidate), load_stacks(reference)
    passed = failed = 0
    if sorted(got) != sorted(want):
        print(f"stacks differ: {sorted(got)} vs {sorted(want)}")
        failed += 1
    for stack in sorted(set(got) & set(want)):
        a, b = dict(items(got[stack])), dict(items(want[stack]))
        for address in sorted(set(a) | set(b)):
            if address not in a:
                print(f"{stack}: {address} missing from {candidate}")
                failed += 1
            elif address not in b:
                print(f"{stack}: {address} only in {candidate}")
                failed += 1
            elif a[address] != b[address]:
                print(f"{stack}: {address} differs:\n  {json.dumps(a[address], sort_keys=True)}\n  {json.dumps(b[address], sort_keys=True)}")
                failed += 1
            else:
                passed += 1
    print(f"{os.path.basename(candidate)} vs {os.path.basename(reference)}: {passed} items equal, {failed} different")
    return passed, failed


if __name__ == "__main__":
    pairs = sys.argv[1:]
    if not pairs or len(pairs) % 2:
        sys.exit("usage: compare-bindings.py <example> <typescript-example> [...]")
    total_passed = total_failed = 0
    for i in range(0, len(pairs), 2):
        p, f = main(pairs[i], pairs[i + 1])
        total_passed += p
        total_failed += f
    print(f"bindings: {total_passed} passed, {total_failed} failed")
    sys.exit(1 if total_failed else 0)
