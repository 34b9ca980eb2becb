#!/usr/bin/env bash
# Builds the Python binding of every package (the core and one per cloud) with jsii-pacmak,
# installs them with cdktf from PyPI into .venv/python, synthesizes every examples/python-<name>
# with them and checks that each result equals the TypeScript example examples/<name>, resource
# by resource.
#
#   npm run test:bindings
set -euo pipefail
cd "$(dirname "$0")/.."
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 CHECKPOINT_DISABLE=1

echo "== jsii build and Python packages"
npx projen compile
rm -rf dist/python packages/*/dist/python
# One run over the four packages: pacmak builds them in dependency order, the core first.
npx jsii-pacmak --target python --outdir dist packages/core packages/gcp packages/aws packages/azure
wheels=(dist/python/*.whl)

echo "== install ${wheels[*]##*/} into .venv/python"
[ -x .venv/python/bin/python ] || python3 -m venv .venv/python
.venv/python/bin/pip install --quiet --disable-pip-version-check -r examples/python-gcp-workspace/requirements.txt
.venv/python/bin/pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "${wheels[@]}"
.venv/python/bin/pip install --quiet --disable-pip-version-check "${wheels[@]}"

status=0
for example in examples/python-*/; do
  python_example=$(basename "$example")
  twin=${python_example#python-}
  echo "== synthesize $twin (TypeScript) and $python_example"
  npm run synth:examples -- "$twin" >/dev/null
  rm -rf "examples/$python_example/cdktf.out"
  (cd "examples/$python_example" && CDKTF_OUTDIR=cdktf.out ../../.venv/python/bin/python main.py)
  echo "== compare $python_example with $twin"
  python3 scripts/compare-bindings.py "examples/$python_example" "examples/$twin" || status=1
done
echo "== what the Python bindings promise beyond equal output"
.venv/python/bin/python scripts/python-checks.py || status=1

echo "== README.md's Python blocks"
rm -rf dist/readme-python
for block in $(python3 scripts/readme-blocks.py scripts/bindings.sh dist/readme-python); do
  (cd "$block" && CDKTF_OUTDIR=cdktf.out ../../../.venv/python/bin/python main.py >/dev/null) && python3 scripts/check-synthesized.py "$block/cdktf.out" || status=1
done
exit $status
