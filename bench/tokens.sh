#!/usr/bin/env bash
# What cdktf's token stack traces cost: for each N, the library's workspaces (bench/fleet.ts
# library) and the baseline (bench/fleet.ts baseline) with the number of stack traces cdktf
# captured, and each once more with the capture skipped (bench/stack-traces.js; for this
# measurement only). One run each, in fresh processes.
#
#   bash bench/tokens.sh [N ...]        (default: N = 30 150)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -gt 0 ]; then SIZES=("$@"); else SIZES=(30 150); fi
for n in "${SIZES[@]}"; do [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "usage: bash bench/tokens.sh [N ...]" >&2; exit 2; }; done
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 CHECKPOINT_DISABLE=1 TS_NODE_TRANSPILE_ONLY=1
export TS_NODE_PROJECT="$PWD/tsconfig.dev.json"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
run() { node -r ts-node/register -r tsconfig-paths/register -r ./bench/stack-traces.js bench/fleet.ts "$@" 2>&1; }
row() { node -e '
  const lines = require("fs").readFileSync(0, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const m = Object.assign({}, ...lines);
  console.log(`| ${process.argv[1]} | ${process.argv[2]} | ${m.wall.toFixed(2)} s | ${m.stackTraces} |`);' "$@"; }
echo "| N | run | wall | stack traces captured |"
echo "|---|---|---|---|"
for n in "${SIZES[@]}"; do
  run describe "$n" "$tmp/describe-$n" "$tmp/baseline-$n.json" >/dev/null
  run library "$n" "$tmp/lib" | row "$n" "library"
  ML_BENCH_SKIP_STACK_TRACES=1 run library "$n" "$tmp/lib-skip" | row "$n" "library, capture skipped"
  run baseline "$n" "$tmp/base" "$tmp/baseline-$n.json" | row "$n" "baseline"
  ML_BENCH_SKIP_STACK_TRACES=1 run baseline "$n" "$tmp/base-skip" "$tmp/baseline-$n.json" | row "$n" "baseline, capture skipped"
done
