#!/usr/bin/env python3
"""Scan every synthesized example with checkov (terraform_json framework, offline).

Fails on any failed check that scripts/checkov-skips.json does not list, on a skip whose reason
is shorter than 20 characters, and on a skip that matches nothing (so the list cannot rot).

checkov's JSON parser crashes on `moved` and `import` blocks and on
`terraform.required_version`; those are stripped from a copy before scanning (they carry no
security-relevant settings). Run through `npm run scan`, which installs checkov first.
"""
import fnmatch
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(ROOT, "examples")
SKIPS = os.path.join(ROOT, "scripts", "checkov-skips.json")
CHECKOV = os.environ.get("CHECKOV", "checkov")


def stacks():
    for example in sorted(os.listdir(EXAMPLES)):
        out = os.path.join(EXAMPLES, example, "cdktf.out", "stacks")
        if not os.path.isdir(out):
            continue
        for stack in sorted(os.listdir(out)):
            path = os.path.join(out, stack, "cdk.tf.json")
            if os.path.isfile(path):
                yield example, stack, path


def strip(doc):
    doc = dict(doc)
    doc.pop("moved", None)
    doc.pop("import", None)
    if isinstance(doc.get("terraform"), dict):
        doc["terraform"] = {k: v for k, v in doc["terraform"].items() if k != "required_version"}
    return doc


def scan(path):
    with tempfile.TemporaryDirectory() as tmp:
        with open(path) as f:
            doc = strip(json.load(f))
        with open(os.path.join(tmp, "main.tf.json"), "w") as f:
            json.dump(doc, f)
        env = dict(os.environ, BC_SKIP_MAPPING="TRUE", CHECKOV_RUN_SCA_PACKAGE_SCAN_V2="false")
        run = subprocess.run(
            [CHECKOV, "-d", tmp, "--framework", "terraform_json", "--skip-download", "--quiet", "--compact", "-o", "json"],
            capture_output=True,
            text=True,
            env=env,
        )
        if run.returncode not in (0, 1):
            sys.exit(f"checkov failed on {path}:\n{run.stderr}")
        report = json.loads(run.stdout or "{}")
        if isinstance(report, list):
            report = next(r for r in report if r.get("check_type") == "terraform_json")
        return report


def main():
    with open(SKIPS) as f:
        skips = json.load(f)["skips"]
    problems = []
    for s in skips:
        if len(s.get("reason", "").strip()) < 20:
            problems.append(f"skip {s['check']} {s['resources']}: reason is shorter than 20 characters")
    used = set()
    totals = {"passed": 0, "failed": 0, "skipped": 0}
    found = False
    for example, stack, path in stacks():
        found = True
        report = scan(path)
        summary = report.get("summary", {})
        failed = report.get("results", {}).get("failed_checks", [])
        accepted = 0
        for check in failed:
            name = check["resource"].split(".", 1)[-1]
            match = next(
                (i for i, s in enumerate(skips) if s["check"] == check["check_id"] and fnmatch.fnmatch(name, s["resources"])),
                None,
            )
            if match is None:
                problems.append(f"{example}/{stack}: {check['check_id']} failed on {name}: {check['check_name']}")
            else:
                used.add(match)
                accepted += 1
        totals["passed"] += summary.get("passed", 0)
        totals["failed"] += len(failed) - accepted
        totals["skipped"] += accepted
        print(
            f"{example}/{stack}: {summary.get('passed', 0)} passed, {len(failed) - accepted} failed, "
            f"{accepted} skipped with a reason (checkov {summary.get('checkov_version', '?')})"
        )
    if not found:
        sys.exit("no synthesized examples found; run `npm run synth:examples` first")
    for i, s in enumerate(skips):
        if i not in used:
            problems.append(f"skip {s['check']} {s['resources']} matches no finding any more; remove it")
    print(f"checkov: {totals['passed']} passed, {totals['failed']} failed, {totals['skipped']} skipped")
    if problems:
        print("\n".join(f"  - {p}" for p in problems), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
