#!/usr/bin/env bash
# The Python GCP example against a raw cdktf Python app of the same resources
# (bench/python-raw/main.py: every element built with its prebuilt provider class and typed
# props), side by side in one run: RUNS alternating runs of each, from a warm file cache. Reports
# the median wall time, the largest peak memory of the whole process tree (Python and the node
# kernel together) and the library's ratio to the raw app. Checks first that both synthesize the
# same elements. Needs `npm run test:bindings` first (it installs .venv/python).
#
#   bash bench/python.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 CHECKPOINT_DISABLE=1
py=$PWD/.venv/python/bin/python
[ -x "$py" ] || { echo "run 'npm run test:bindings' first (it installs the Python bindings)" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

npm run synth:examples -- gcp-workspace >/dev/null
json=$PWD/examples/gcp-workspace/cdktf.out/stacks/gcp-workspace/cdk.tf.json
library() { (cd examples/python-gcp-workspace && CDKTF_OUTDIR="$out/library" python3 ../../bench/peak.py "$py" main.py); }
raw() { (cd bench/python-raw && TERRAFORM_JSON="$json" CDKTF_OUTDIR="$out/raw" python3 ../peak.py "$py" main.py); }

library >/dev/null
raw >/dev/null
python3 - "$out/library/stacks/gcp-workspace/cdk.tf.json" "$out/raw/stacks/gcp-workspace/cdk.tf.json" <<'PY'
import json, sys
def strip(v):
    if isinstance(v, dict): return {k: strip(x) for k, x in v.items() if k != "//"}
    if isinstance(v, list): return [strip(x) for x in v]
    return v
a, b = (strip(json.load(open(p))) for p in sys.argv[1:])
for section in ("resource", "data", "output", "locals", "provider"):
    if a.get(section) != b.get(section):
        sys.exit(f"the raw app's {section} differs from the library example's")
print(f"same elements: {sum(len(v) for v in a['resource'].values())} resources, {len(a.get('output', {}))} outputs")
PY

lib_times=() raw_times=() lib_peak=0 raw_peak=0
for _ in $(seq "$RUNS"); do
  read -r s m < <(library); lib_times+=("$s"); [ "$m" -gt "$lib_peak" ] && lib_peak=$m
  read -r s m < <(raw); raw_times+=("$s"); [ "$m" -gt "$raw_peak" ] && raw_peak=$m
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
lm=$(median "${lib_times[@]}"); rm_=$(median "${raw_times[@]}")
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, node $(node --version), $($py --version)"
echo "| app | median wall | peak memory (tree) | all runs (s) |"
echo "|---|---|---|---|"
printf '| python-gcp-workspace (library) | %s s | %s MB | %s |\n' "$lm" "$lib_peak" "${lib_times[*]}"
printf '| raw cdktf, same resources | %s s | %s MB | %s |\n' "$rm_" "$raw_peak" "${raw_times[*]}"
awk -v a="$lm" -v b="$rm_" -v c="$lib_peak" -v d="$raw_peak" 'BEGIN { printf "library / raw: %.2fx time, %.2fx memory\n", a / b, c / d }'
