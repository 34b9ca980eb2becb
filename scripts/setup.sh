#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine with Node 20 for building and testing this library:
# Debian's nix-bin (the real Nix parser and evaluator, used by the Nix checks) and the locked
# npm dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v nix-instantiate >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nix-bin >/dev/null
fi
nix-instantiate --version

npm ci --no-audit --no-fund
