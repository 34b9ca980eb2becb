#!/usr/bin/env bash
# The usage views, run for real: synthesizes an exporter per cloud, reads the SQL back from the
# Terraform it synthesized, and runs test/usage/views_test.py (sqlglot parses each view in its
# cloud's dialect; DuckDB runs it over synthetic rows shaped like the cloud's export schema).
# sqlglot and DuckDB come from PyPI, pinned, into .venv/sql.
set -euo pipefail
cd "$(dirname "$0")/.."
SQLGLOT_VERSION=30.31.0
DUCKDB_VERSION=2.0.1
venv=.venv/sql
if ! "$venv/bin/python" -c "import sqlglot, duckdb, sys; sys.exit(0 if (sqlglot.__version__, duckdb.__version__) == ('$SQLGLOT_VERSION', '$DUCKDB_VERSION') else 1)" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "sqlglot==$SQLGLOT_VERSION" "duckdb==$DUCKDB_VERSION"
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 CHECKPOINT_DISABLE=1 TS_NODE_TRANSPILE_ONLY=1 TS_NODE_PROJECT="$PWD/tsconfig.dev.json"
npx ts-node -r tsconfig-paths/register scripts/usage-sql.ts "$out"
"$venv/bin/python" test/usage/views_test.py "$out/usage-sql.json"
