#!/usr/bin/env bash
# Builds the Go binding offline, synthesizes every examples/go-<name> with it and checks that
# each result equals the TypeScript example examples/<name>, resource by resource.
#
# The Go module proxy serves github.com/aws/jsii-runtime-go and constructs-go but refuses cdktf's
# and the providers' Go modules, so those are generated here with jsii-pacmak from the npm
# packages this repository has locked: cdktf whole, each provider from its assembly pruned to
# the submodules the library references (prune-assembly.js), each embedding the package's
# published tarball (published-tarballs.js). A go.work file replaces them and this library's
# four modules for the examples; an app on a machine that reaches the public proxy needs none of it.
#
#   npm run test:bindings:go
set -euo pipefail
cd "$(dirname "$0")/../.."
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 CHECKPOINT_DISABLE=1
work=dist/go-work
providers=(google aws azurerm tls random time)

echo "== jsii build (where stale)"
node scripts/jsii-build.js

echo "== generate Go: this library's modules, cdktf, and the providers pruned to what it references"
rm -rf "$work"
mkdir -p "$work"
for p in "${providers[@]}"; do
  node scripts/go/prune-assembly.js "node_modules/@cdktf/provider-$p" "$work/pruned/$p" packages/*/.jsii
done
# One pacmak run each: pacmak packs the library's packages (their prepack checks the build).
npx jsii-pacmak --target go --code-only --no-npmignore --outdir "$work/lib" packages/core packages/gcp packages/aws packages/azure
npx jsii-pacmak --target go --code-only --no-npmignore --outdir "$work/deps" node_modules/cdktf "$work"/pruned/*
node scripts/go/published-tarballs.js "$work/deps/go" cdktf "${providers[@]/#/@cdktf/provider-}"

# jsii-runtime-go must be the version jsii-pacmak generates for, constructs-go the npm constructs.
runtime=$(node -p "require('jsii-pacmak/package.json').version")
grep -q "github.com/aws/jsii-runtime-go v$runtime\$" "$work/lib/go/mlworkspace/go.mod" || { echo "the generated go.mod does not require jsii-runtime-go v$runtime"; exit 1; }

# README.md's Go blocks, each as a module beside the examples.
readme_blocks=$(python3 scripts/readme-blocks.py scripts/go/bindings.sh "$work/readme")
for block in $readme_blocks; do
  sed "s#^module .*#module example.com/ml-platform/$(basename "$block")#" examples/go-gcp-workspace/go.mod > "$block/go.mod"
done

{
  echo "go 1.25"
  echo
  echo "use ("
  for e in examples/go-*/; do echo "	../../${e%/}"; done
  for block in $readme_blocks; do echo "	./${block#"$work"/}"; done
  echo ")"
  echo
  echo "replace ("
  for m in "$work"/lib/go/* "$work"/deps/go/*; do echo "	$(sed -n 's/^module //p' "$m/go.mod") => ./${m#"$work"/}"; done
  echo ")"
} > "$work/go.work"

unformatted=$(gofmt -l examples/go-*/ $readme_blocks)
[ -z "$unformatted" ] || { echo "not gofmt-formatted: $unformatted"; exit 1; }

status=0
examples=(examples/go-*/)
examples=("${examples[@]%/}")
twins=("${examples[@]#examples/go-}")
echo "== synthesize the TypeScript twins: ${twins[*]}"
npm run synth:examples -- "${twins[@]}" >/dev/null
for example in "${examples[@]}"; do
  go_example=$(basename "$example")
  twin=${go_example#go-}
  echo "== synthesize $go_example"
  rm -rf "examples/$go_example/cdktf.out"
  (cd "examples/$go_example" && GOWORK="$PWD/../../$work/go.work" CDKTF_OUTDIR=cdktf.out go run .)
  echo "== compare $go_example with $twin"
  python3 scripts/compare-bindings.py "examples/$go_example" "examples/$twin" || status=1
  if ls "examples/$go_example"/*_test.go >/dev/null 2>&1; then
    echo "== go test $go_example"
    (cd "examples/$go_example" && GOWORK="$PWD/../../$work/go.work" go test ./...) || status=1
  fi
done
for block in $readme_blocks; do
  echo "== README.md's Go block $(basename "$block")"
  (cd "$block" && GOWORK="$PWD/../../go.work" CDKTF_OUTDIR=cdktf.out go run . >/dev/null) && python3 scripts/check-synthesized.py "$block/cdktf.out" || status=1
done
exit $status
