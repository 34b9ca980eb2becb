#!/usr/bin/env bash
# Synth time and peak memory of the GPU workspace examples (GCP, AWS, Azure) from TypeScript
# and Python. Each example's main program runs RUNS times as a user would (`cdktf synth` runs
# exactly this command), from a warm file cache; the median wall time and the largest peak RSS
# are reported. Needs `npm run test:bindings` first (it installs .venv/python).
#
#   bash bench/synth.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 CHECKPOINT_DISABLE=1 TS_NODE_TRANSPILE_ONLY=1
export TS_NODE_PROJECT="$PWD/tsconfig.dev.json"
command -v /usr/bin/time >/dev/null || { echo "needs GNU time: apt-get install -y time" >&2; exit 1; }
[ -x .venv/python/bin/python ] || { echo "run 'npm run test:bindings' first (it installs the Python binding)" >&2; exit 1; }

measure() { # name dir command...
  local name=$1 dir=$2; shift 2
  local times=() peak=0
  for _ in $(seq "$RUNS"); do
    local out; out=$(mktemp)
    (cd "$dir" && CDKTF_OUTDIR=$(mktemp -d) /usr/bin/time -f '%e %M' -o "$out" "$@" >/dev/null 2>&1)
    read -r secs kb <"$out"; rm -f "$out"
    times+=("$secs"); [ "$kb" -gt "$peak" ] && peak=$kb
  done
  local median; median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '| %-17s | %8s s | %7d MB | %s |\n' "$name" "$median" "$((peak / 1024))" "${times[*]}"
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -m), node $(node --version), $(python3 --version)"
echo "| example | median wall | peak RSS | all runs (s) |"
echo "|---|---|---|---|"
for cloud in gcp aws azure; do
  measure "$cloud, typescript" "examples/$cloud-workspace" node -r ts-node/register -r tsconfig-paths/register main.ts
  measure "$cloud, python" "examples/python-$cloud-workspace" ../../.venv/python/bin/python main.py
done
