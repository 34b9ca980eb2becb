#!/usr/bin/env bash
# Independent check: scans every synthesized example and the scan configurations (each cloud's
# defaults and single sign-on, scripts/scan-configurations.ts) with checkov, installed from PyPI
# into a local virtualenv (.venv/checkov). Accepted findings and their reasons:
# scripts/checkov-skips.json.
set -euo pipefail
cd "$(dirname "$0")/.."
CHECKOV_VERSION=3.3.30
venv=.venv/checkov
if [ ! -x "$venv/bin/checkov" ] || ! "$venv/bin/checkov" --version 2>/dev/null | grep -qx "$CHECKOV_VERSION"; then
  python3 -m venv "$venv"
  # Without byte-compiling every module first: one scan imports a part of them.
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-compile "checkov==$CHECKOV_VERSION"
fi
npm run synth:examples >/dev/null
npx ts-node -r tsconfig-paths/register --project tsconfig.dev.json scripts/scan-configurations.ts
CHECKOV="$venv/bin/checkov" python3 scripts/checkov-scan.py
