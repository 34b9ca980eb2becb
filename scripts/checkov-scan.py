#!/usr/bin/env python3
"""Scan every synthesized example and scan configuration with checkov (terraform_json, offline).

The scan configurations (scripts/scan-configurations.ts) are each cloud's defaults and each
cloud with single sign-on, synthesized into cdktf.out/scan/. Fails on any failed check that
scripts/checkov-skips.json does not list for that exact resource address, on a skip whose reason
is shorter than 20 characters, and on a listed address of a scanned configuration that no
longer fails (so the list cannot rot).

Before scanning, a copy of each stack is prepared:
- checkov's JSON parser crashes on `moved` and `import` blocks and on
  `terraform.required_version`; those are stripped (they carry no security-relevant settings);
- the pinned nixpkgs revision and NAR hash (nix/flake.lock) are replaced by placeholders: they
  are public, but look like secrets to checkov's entropy check (CKV_AWS_46, CKV_AZURE_45), which
  then still sees everything else in user data and custom data.
Run through `npm run scan`, which installs checkov first.
"""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(ROOT, "examples")
SCAN_CONFIGURATIONS = os.path.join(ROOT, "cdktf.out", "scan")
FLAKE_LOCK = os.path.join(ROOT, "nix", "flake.lock")
SKIPS = os.path.join(ROOT, "scripts", "checkov-skips.json")
CHECKOV = os.environ.get("CHECKOV", "checkov")


def stacks():
    """(configuration, stack, cdk.tf.json path) for every example and scan configuration."""
    # The TypeScript examples: a Python or Go example is compared with its TypeScript twin
    # resource by resource (scripts/bindings.sh), so it holds nothing to scan twice.
    typescript = [e for e in sorted(os.listdir(EXAMPLES)) if os.path.isfile(os.path.join(EXAMPLES, e, "main.ts"))]
    roots = [(f"examples/{e}", os.path.join(EXAMPLES, e, "cdktf.out")) for e in typescript]
    if os.path.isdir(SCAN_CONFIGURATIONS):
        roots += [(f"scan/{c}", os.path.join(SCAN_CONFIGURATIONS, c)) for c in sorted(os.listdir(SCAN_CONFIGURATIONS))]
    for name, outdir in roots:
        out = os.path.join(outdir, "stacks")
        if not os.path.isdir(out):
            continue
        for stack in sorted(os.listdir(out)):
            path = os.path.join(out, stack, "cdk.tf.json")
            if os.path.isfile(path):
                yield name, stack, path


def pinned_nixpkgs():
    """The pinned nixpkgs revision and NAR hash, with the placeholders that replace them."""
    with open(FLAKE_LOCK) as f:
        locked = json.load(f)["nodes"]["nixpkgs"]["locked"]
    return {locked["rev"]: "pinned-nixpkgs-revision", locked["narHash"]: "pinned-nixpkgs-nar-hash"}


def prepare(doc, replacements):
    text = json.dumps(doc)
    for value, placeholder in replacements.items():
        text = text.replace(value, placeholder)
    doc = json.loads(text)
    doc.pop("moved", None)
    doc.pop("import", None)
    if isinstance(doc.get("terraform"), dict):
        doc["terraform"] = {k: v for k, v in doc["terraform"].items() if k != "required_version"}
    return doc


def address(resource, doc):
    """checkov names some terraform_json resources `resource.<name>`: give them their type back."""
    kind, _, name = resource.partition(".")
    if kind != "resource":
        return resource
    types = [t for t, byName in doc.get("resource", {}).items() if name in byName]
    return f"{types[0]}.{name}" if len(types) == 1 else resource


def scan_all(paths, replacements):
    """One checkov run over every stack (its start-up is most of a run's time), each stack in its
    own directory; returns one report per path: {"passed": n, "failed_checks": [...]}."""
    with tempfile.TemporaryDirectory() as tmp:
        docs = {}
        for i, path in enumerate(paths):
            with open(path) as f:
                docs[str(i)] = prepare(json.load(f), replacements)
            os.mkdir(os.path.join(tmp, str(i)))
            with open(os.path.join(tmp, str(i), "main.tf.json"), "w") as f:
                json.dump(docs[str(i)], f)
        env = dict(os.environ, BC_SKIP_MAPPING="TRUE", CHECKOV_RUN_SCA_PACKAGE_SCAN_V2="false")
        run = subprocess.run(
            [CHECKOV, "-d", tmp, "--framework", "terraform_json", "--skip-download", "--compact", "-o", "json"],
            capture_output=True,
            text=True,
            env=env,
        )
        if run.returncode not in (0, 1):
            sys.exit(f"checkov failed:\n{run.stderr}")
        report = json.loads(run.stdout or "{}")
        if isinstance(report, list):
            report = next(r for r in report if r.get("check_type") == "terraform_json")
        version = report.get("summary", {}).get("checkov_version", "?")
        reports = {key: {"passed": 0, "failed_checks": [], "version": version} for key in docs}

        def stack_of(check):
            key = check["file_path"].strip("/").split("/", 1)[0]
            if key not in reports:
                sys.exit(f"checkov reported a file no stack was written to: {check['file_path']}")
            return key

        for check in report.get("results", {}).get("passed_checks", []):
            reports[stack_of(check)]["passed"] += 1
        for check in report.get("results", {}).get("failed_checks", []):
            key = stack_of(check)
            check["resource"] = address(check["resource"], docs[key])
            reports[key]["failed_checks"].append(check)
        return [reports[str(i)] for i in range(len(paths))]


def main():
    with open(SKIPS) as f:
        skips = json.load(f)["skips"]
    problems = []
    # (check, configuration/stack, address) -> index of the skip that accepts it
    accepted_by = {}
    for i, s in enumerate(skips):
        if len(s.get("reason", "").strip()) < 20:
            problems.append(f"skip {s['check']}: reason is shorter than 20 characters")
        for where, addresses in s["resources"].items():
            kind, _, rest = where.partition("/")
            configuration = rest.split("/", 1)[0]
            root = EXAMPLES if kind == "examples" else SCAN_CONFIGURATIONS if kind == "scan" else None
            is_typescript = kind != "examples" or os.path.isfile(os.path.join(EXAMPLES, configuration, "main.ts"))
            if root is None or not configuration or not os.path.isdir(os.path.join(root, configuration)) or not is_typescript:
                problems.append(f"skip {s['check']}: '{where}' is not a TypeScript example or scan configuration (examples/<name>/<stack> or scan/<name>/<stack>)")
            for address in addresses:
                if any(c in address for c in "*?["):
                    problems.append(f"skip {s['check']} {where}: '{address}' is a pattern; name the exact resource address")
                accepted_by[(s["check"], where, address)] = i
    replacements = pinned_nixpkgs()
    used = set()
    scanned = set()
    totals = {"passed": 0, "failed": 0, "skipped": 0}
    found = list(stacks())
    for (configuration, stack, path), report in zip(found, scan_all([p for _, _, p in found], replacements)):
        where = f"{configuration}/{stack}"
        scanned.add(where)
        failed = report["failed_checks"]
        accepted = 0
        for check in failed:
            key = (check["check_id"], where, check["resource"])
            if key not in accepted_by:
                problems.append(f"{where}: {check['check_id']} failed on {check['resource']}: {check['check_name']}")
            else:
                used.add(key)
                accepted += 1
        totals["passed"] += report["passed"]
        totals["failed"] += len(failed) - accepted
        totals["skipped"] += accepted
        print(
            f"{where}: {report['passed']} passed, {len(failed) - accepted} failed, "
            f"{accepted} skipped with a reason (checkov {report['version']})"
        )
    if not found:
        sys.exit("no synthesized examples found; run `npm run synth:examples` first")
    for key in accepted_by:
        # A skip for a configuration that was not scanned is reported above as naming no
        # example; one for a scanned configuration must still match a finding.
        if key[1] in scanned and key not in used:
            problems.append(f"skip {key[0]} {key[1]}: {key[2]} matches no finding any more; remove it")
    print(f"checkov: {totals['passed']} passed, {totals['failed']} failed, {totals['skipped']} skipped")
    if problems:
        print("\n".join(f"  - {p}" for p in problems), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
