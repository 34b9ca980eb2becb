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

echo "== jsii build (where stale) and Python packages"
node scripts/jsii-build.js
rm -rf dist/python packages/*/dist/python
# One run over the four packages: pacmak builds them in dependency order, the core first.
npx jsii-pacmak --target python --outdir dist packages/core packages/gcp packages/aws packages/azure
wheels=(dist/python/*.whl)

echo "== install ${wheels[*]##*/} into .venv/python"
[ -x .venv/python/bin/python ] || python3 -m venv .venv/python
# pip byte-compiles one file at a time, most of an install's time with the provider packages:
# install without, then compile on every core.
pip=(.venv/python/bin/pip install --quiet --disable-pip-version-check --no-compile)
"${pip[@]}" -r examples/python-gcp-workspace/requirements.txt "${wheels[@]}"
"${pip[@]}" --force-reinstall --no-deps "${wheels[@]}"
.venv/python/bin/python -m compileall -q -j 0 "$(.venv/python/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" >/dev/null

status=0
examples=(examples/python-*/)
examples=("${examples[@]%/}")
twins=("${examples[@]#examples/python-}")
echo "== synthesize the TypeScript twins: ${twins[*]}"
npm run synth:examples -- "${twins[@]}" >/dev/null
# Two examples at a time (each is a Python process and a jsii kernel), each into its own log,
# printed in order once all have finished.
logs=dist/python-examples
rm -rf "$logs" && mkdir -p "$logs"
for example in "${examples[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n || true; done
  name=$(basename "$example")
  (
    rc=0
    echo "== synthesize $name"
    rm -rf "$example/cdktf.out"
    (cd "$example" && CDKTF_OUTDIR=cdktf.out ../../.venv/python/bin/python main.py) || rc=1
    echo "== compare $name with ${name#python-}"
    [ $rc -ne 0 ] || python3 scripts/compare-bindings.py "$example" "examples/${name#python-}" || rc=1
    echo $rc > "$logs/$name.rc"
  ) > "$logs/$name.log" 2>&1 &
done
wait
for example in "${examples[@]}"; do
  name=$(basename "$example")
  cat "$logs/$name.log"
  [ "$(cat "$logs/$name.rc" 2>/dev/null)" = 0 ] || { echo "== $name failed"; status=1; }
done
echo "== what the Python bindings promise beyond equal output"
.venv/python/bin/python scripts/python-checks.py || status=1

echo "== README.md's Python blocks"
rm -rf dist/readme-python
for block in $(python3 scripts/readme-blocks.py scripts/bindings.sh dist/readme-python); do
  (cd "$block" && CDKTF_OUTDIR=cdktf.out ../../../.venv/python/bin/python main.py >/dev/null) && python3 scripts/check-synthesized.py "$block/cdktf.out" || status=1
done
exit $status
