#!/usr/bin/env bash
# Synthesis cost of many workspaces against two raw-cdktf baselines of the same elements. For
# each N, the workspaces (a third per cloud, half of them public, the policy checks on) and two
# baselines that replay their own output through the prebuilt provider classes (bench/fleet.ts):
# typed, with typed props and reference tokens as a hand-written stack has them, and overrides,
# with every attribute set through an override (a lower bound). All three are built and
# synthesized in fresh processes, interleaved, RUNS times each; medians of wall time, CPU time
# and peak RSS are printed with the library/baseline ratios and the library's cost per
# workspace. Each baseline is first checked to synthesize exactly the library's JSON (cdktf
# metadata aside). Module loading is not timed (all load the same modules).
#
#   bash bench/fleet.sh [RUNS] [N ...]        (default: 3 runs of N = 10 100 300)
set -euo pipefail
cd "$(dirname "$0")/.."
usage() { echo "usage: bash bench/fleet.sh [RUNS] [N ...]   (RUNS and each N a whole number >= 1)" >&2; exit 2; }
RUNS=${1:-3}; shift || true
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || usage
if [ $# -gt 0 ]; then SIZES=("$@"); else SIZES=(10 100 300); fi
for n in "${SIZES[@]}"; do [[ $n =~ ^[1-9][0-9]*$ ]] || usage; done
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 CHECKPOINT_DISABLE=1 TS_NODE_TRANSPILE_ONLY=1
export TS_NODE_PROJECT="$PWD/tsconfig.dev.json"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
run() { node -r ts-node/register -r tsconfig-paths/register bench/fleet.ts "$@"; }
# The middle value, or the mean of the two middle ones.
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -m), node $(node --version)"
echo "| N | library wall | typed baseline wall | wall ratio | CPU ratio | overrides baseline wall | wall ratio | library RSS | typed RSS | library ms per workspace |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for n in "${SIZES[@]}"; do
  run describe "$n" "$tmp/describe-$n" "$tmp/baseline-$n.json" >/dev/null
  run baseline "$n" "$tmp/check-$n" "$tmp/baseline-$n.json" >/dev/null
  run compare "$n" "$tmp/describe-$n" "$tmp/check-$n"
  run typed "$n" "$tmp/check-typed-$n" "$tmp/baseline-$n.json" >/dev/null
  run compare "$n" "$tmp/describe-$n" "$tmp/check-typed-$n"
  : >"$tmp/lib-$n"; : >"$tmp/base-$n"; : >"$tmp/typed-$n"
  for _ in $(seq "$RUNS"); do
    run library "$n" "$tmp/out-lib" >>"$tmp/lib-$n"
    run typed "$n" "$tmp/out-typed" "$tmp/baseline-$n.json" >>"$tmp/typed-$n"
    run baseline "$n" "$tmp/out-base" "$tmp/baseline-$n.json" >>"$tmp/base-$n"
  done
  field() { node -e "for (const l of require('fs').readFileSync('$1','utf8').trim().split('\n')) console.log(JSON.parse(l).$2)" | median; }
  lw=$(field "$tmp/lib-$n" wall); tw=$(field "$tmp/typed-$n" wall); bw=$(field "$tmp/base-$n" wall)
  lc=$(field "$tmp/lib-$n" cpu); tc=$(field "$tmp/typed-$n" cpu)
  lr=$(field "$tmp/lib-$n" rss); tr=$(field "$tmp/typed-$n" rss)
  awk -v n="$n" -v lw="$lw" -v tw="$tw" -v bw="$bw" -v lc="$lc" -v tc="$tc" -v lr="$lr" -v tr="$tr" \
    'BEGIN { printf "| %d | %.2f s | %.2f s | %.2f× | %.2f× | %.2f s | %.2f× | %d MB | %d MB | %.1f |\n", n, lw, tw, lw / tw, lc / tc, bw, lw / bw, lr, tr, 1000 * lw / n }'
done
