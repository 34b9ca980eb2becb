#!/usr/bin/env bash
# Synth time and peak memory of the GPU workspace examples (GCP, AWS, Azure) from TypeScript,
# Python and Go. Each example's main program runs RUNS times as a user would (`cdktf synth` runs
# exactly this command; for Go the binary `go run .` builds, timed apart from its build), from a
# warm file cache; the median wall time and the largest peak memory of the process tree (the
# language's process and the node kernel's together, bench/peak.py) are reported. Needs
# `npm run test:bindings` and `npm run test:bindings:go` first (.venv/python, dist/go-work).
#
#   bash bench/synth.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 CHECKPOINT_DISABLE=1 TS_NODE_TRANSPILE_ONLY=1
export TS_NODE_PROJECT="$PWD/tsconfig.dev.json"
command -v /usr/bin/time >/dev/null || { echo "needs GNU time: apt-get install -y time" >&2; exit 1; }
[ -x .venv/python/bin/python ] || { echo "run 'npm run test:bindings' first (it installs the Python binding)" >&2; exit 1; }
[ -f dist/go-work/go.work ] || { echo "run 'npm run test:bindings:go' first (it generates the Go modules)" >&2; exit 1; }
root=$PWD

measure() { # name dir command...
  local name=$1 dir=$2; shift 2
  local times=() peak=0
  for _ in $(seq "$RUNS"); do
    local secs mb
    read -r secs mb < <(cd "$dir" && CDKTF_OUTDIR=$(mktemp -d) python3 "$root/bench/peak.py" "$@")
    times+=("$secs"); [ "$mb" -gt "$peak" ] && peak=$mb
  done
  local median; median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '| %-17s | %8s s | %7d MB | %s |\n' "$name" "$median" "$peak" "${times[*]}"
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -m), node $(node --version), $(python3 --version)"
echo "| example | median wall | peak memory (tree) | all runs (s) |"
echo "|---|---|---|---|"
declare -A build
mkdir -p dist/go-work/bin
for cloud in gcp aws azure; do
  start=$(date +%s.%N)
  (cd "examples/go-$cloud-workspace" && GOWORK="$root/dist/go-work/go.work" go build -o "$root/dist/go-work/bin/go-$cloud-workspace" .)
  build[$cloud]=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
done
for cloud in gcp aws azure; do
  measure "$cloud, typescript" "examples/$cloud-workspace" node -r ts-node/register -r tsconfig-paths/register main.ts
  measure "$cloud, python" "examples/python-$cloud-workspace" ../../.venv/python/bin/python main.py
  measure "$cloud, go" "examples/go-$cloud-workspace" "$root/dist/go-work/bin/go-$cloud-workspace"
done
echo "go build of each example (module cache warm): gcp ${build[gcp]} s, aws ${build[aws]} s, azure ${build[azure]} s"
