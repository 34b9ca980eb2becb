#!/usr/bin/env bash
# Builds the Python binding with jsii-pacmak, installs it with cdktf from PyPI into
# .venv/python, synthesizes examples/python-gcp-workspace with it and checks that the result
# equals the TypeScript example's, resource by resource.
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

echo "== synthesize"
npm run synth:examples -- gcp-workspace >/dev/null
rm -rf examples/python-gcp-workspace/cdktf.out
(cd examples/python-gcp-workspace && CDKTF_OUTDIR=cdktf.out ../../.venv/python/bin/python main.py)

echo "== compare with the TypeScript example"
python3 scripts/compare-bindings.py examples/python-gcp-workspace examples/gcp-workspace
