#!/usr/bin/env bash
# Builds the Python binding with jsii-pacmak, installs it with cdktf from PyPI into
# .venv/python, synthesizes every examples/python-<name> with it and checks that each result
# equals the TypeScript example examples/<name>, resource by resource.
#
#   npm run test:bindings
set -euo pipefail
cd "$(dirname "$0")/.."
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 CHECKPOINT_DISABLE=1

echo "== jsii build and Python package"
npx projen compile
rm -rf dist/python
npx jsii-pacmak --target python
wheel=$(ls dist/python/*.whl)

echo "== install $(basename "$wheel") into .venv/python"
[ -x .venv/python/bin/python ] || python3 -m venv .venv/python
.venv/python/bin/pip install --quiet --disable-pip-version-check -r examples/python-gcp-workspace/requirements.txt
.venv/python/bin/pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$wheel"
.venv/python/bin/pip install --quiet --disable-pip-version-check "$wheel"

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
exit $status
