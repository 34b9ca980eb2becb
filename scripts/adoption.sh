#!/usr/bin/env bash
# Adoption as a new user does it, outside this repository: packs the four packages (`npm pack`:
# their prepack builds a package whose build is missing or stale), runs the shell block of
# README.md's "Add to your cdktf app / TypeScript" in a scratch directory with the core and GCP
# tarballs in place of the registry names, and the README's GCP main.ts. `cdktf synth` is
# replaced by the command it runs (cdktf.json's app), so no cdktf-cli download is needed.
# Checks: the app synthesizes one workspace with no policy error, the summary CLI runs, the
# app holds no other cloud's provider, Node 22 writes the same stack, and a validation error's
# stack starts in the app's own file, never in a source file the package does not ship. Then the
# AWS and Azure packages join the app and the README's snippets for them synthesize.
#
#   bash scripts/adoption.sh
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
scratch=$(mktemp -d /tmp/mlw-adoption-XXXXXX)
trap 'rm -rf "$scratch"' EXIT
export CHECKPOINT_DISABLE=1 JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20

echo "== npm pack"
for p in core gcp aws azure; do (cd "packages/$p" && npm pack --silent --pack-destination "$scratch" >/dev/null); done
core=$scratch/cdktf-ml-workspace-0.0.0.tgz
gcp=$scratch/cdktf-ml-workspace-gcp-0.0.0.tgz
aws=$scratch/cdktf-ml-workspace-aws-0.0.0.tgz
azure=$scratch/cdktf-ml-workspace-azure-0.0.0.tgz
has() { tar -tzf "$1" >"$scratch/list" && grep -qx "package/$2" "$scratch/list" || { echo "$(basename "$1") has no $2"; exit 1; }; }
for t in "$core" "$gcp" "$aws" "$azure"; do has "$t" lib/index.js; has "$t" .jsii; done
has "$core" node_modules/ipaddr.js/lib/ipaddr.js
has "$core" nix/flake.nix
has "$core" nix/tests/workspace.nix
has "$core" lib/cli/main.js

echo "== README.md's commands, in $scratch"
commands=$(awk '/<!-- run by scripts\/adoption.sh -->/ {getline; on=1; next} on && /^```/ {exit} on' README.md)
[ -n "$commands" ] || { echo "README.md marks no block for scripts/adoption.sh"; exit 1; }
python3 scripts/readme-blocks.py test/examples/readme.test.ts "$scratch/blocks" >/dev/null
cd "$scratch"
while IFS= read -r line; do
  line=${line%%   #*}
  line=${line/cdktf-ml-workspace cdktf-ml-workspace-gcp/$core $gcp}
  case "$line" in
    *"cdktf-cli@0.21 synth"*) cp "$scratch/blocks/block-1/main.ts" main.ts; line="CDKTF_OUTDIR=cdktf.out npx ts-node main.ts" ;;
  esac
  echo "\$ $line"
  eval "$line"
done <<<"$commands"

echo "== checks"
python3 "$repo/scripts/check-synthesized.py" cdktf.out
for other in aws azurerm; do
  [ ! -e "node_modules/@cdktf/provider-$other" ] || { echo "a GCP app installed @cdktf/provider-$other"; exit 1; }
done
echo "node_modules: $(du -sm node_modules | cut -f1) MB, providers: $(ls node_modules/@cdktf | tr '\n' ' ')"
# Node 22 (the npm registry's node@22 package): the same app synthesizes the same stack.
node22=$(npx -y -p node@22 -- sh -c 'command -v node')
rm -rf cdktf.out22
PATH="$(dirname "$node22"):$PATH" CDKTF_OUTDIR=cdktf.out22 npx ts-node main.ts
cmp cdktf.out/stacks/ml-platform/cdk.tf.json cdktf.out22/stacks/ml-platform/cdk.tf.json
echo "node $("$node22" --version): the same cdk.tf.json"

sed 's/owner: .alice@example.com.,/owner: "alice",/' main.ts > bad.ts
if npx ts-node bad.ts 2>err.txt; then echo "bad.ts synthesized"; exit 1; fi
grep -q "GpuWorkspace 'alice': owner 'alice' is not an email address" err.txt || { cat err.txt; exit 1; }
first=$(grep -m1 '^ *at ' err.txt)
case "$first" in *"/bad.ts:"*) echo "the error's first frame is the app's: $first" ;; *) echo "the error's first frame is not the app's: $first"; cat err.txt; exit 1 ;; esac
head -8 err.txt
if grep -q "cdktf-ml-workspace[^ ]*/src/" err.txt; then echo "the error points at a source file the package does not ship"; cat err.txt; exit 1; fi
# A fleet member's error is nine frames deep in the library, within Node's default of ten.
cat > bad-fleet.ts <<'TS'
import { App, TerraformStack } from 'cdktf';
import { WorkspaceFleet } from 'cdktf-ml-workspace';
import { GcpTarget } from 'cdktf-ml-workspace-gcp';

const stack = new TerraformStack(new App(), 'ml-platform');
new WorkspaceFleet(stack, 'vision', {
  target: GcpTarget.of({ project: 'ml-prod', region: 'europe-west4', zone: 'europe-west4-a' }),
  members: [{ name: 'alice', owner: 'alice' }],
});
TS
if npx ts-node bad-fleet.ts 2>err.txt; then echo "bad-fleet.ts synthesized"; exit 1; fi
first=$(grep -m1 '^ *at ' err.txt || true)
case "$first" in *"/bad-fleet.ts:"*) echo "a fleet member's error's first frame is the app's too: $first" ;; *) echo "a fleet member's error does not start at the app: $first"; cat err.txt; exit 1 ;; esac

echo "== the AWS and Azure packages in the same app, with the README's snippets for them"
npm install --no-audit --no-fund "$aws" "$azure" >/dev/null
for n in 2 3; do
  cp "$scratch/blocks/block-$n/main.ts" main.ts
  rm -rf cdktf.out
  CDKTF_OUTDIR=cdktf.out npx ts-node main.ts >/dev/null
  python3 "$repo/scripts/check-synthesized.py" cdktf.out
done
