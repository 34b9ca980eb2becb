#!/usr/bin/env bash
# Parse every .nix file in the repository with the real Nix parser, then run
# the pure evaluations that need no nixpkgs:
#   - nix/tests/option-paths.nix (the option declarations of the NixOS modules)
#   - nix/lib/pinned-nixpkgs.nix must refuse a branch name instead of a commit
#
# Needs only `nix-instantiate` (Debian/Ubuntu: apt-get install nix-bin).
# Exits non-zero if any file fails to parse or any check fails.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if ! command -v nix-instantiate >/dev/null 2>&1; then
  echo "nix-parse: nix-instantiate not found. Install Nix's command-line tools, e.g. 'apt-get install -y nix-bin' on Debian/Ubuntu." >&2
  exit 127
fi

# Parsing and pure evaluation never touch a store; the dummy store keeps this
# working for users without access to a Nix daemon or /nix/var.
nix_instantiate() {
  nix-instantiate --store dummy:// "$@"
}

failures=0
count=0

while IFS= read -r -d '' file; do
  file="${file#./}"
  count=$((count + 1))
  if output="$(nix_instantiate --parse "$file" 2>&1 >/dev/null)"; then
    echo "ok $file"
  else
    echo "FAIL $file"
    printf '%s\n' "$output" | sed 's/^/    /'
    failures=$((failures + 1))
  fi
done < <(
  find . \
    \( -name node_modules -o -name .git -o -name cdktf.out -o -name .gen -o -name .jsii -o -name dist -o -name dist-bindings \) -prune \
    -o -type f -name '*.nix' -print0 | sort -z
)

if [ "$count" -eq 0 ]; then
  echo "nix-parse: no .nix files found under $root" >&2
  exit 1
fi

echo
echo "smoke checks"

if paths="$(nix_instantiate --eval --strict --json nix/tests/option-paths.nix 2>&1)"; then
  declared="$(printf '%s' "$paths" | grep -o '"mlWorkspace\.[^"]*"' | sort -u | wc -l)"
  echo "ok nix/tests/option-paths.nix evaluates ($declared option paths)"
else
  echo "FAIL nix/tests/option-paths.nix does not evaluate"
  printf '%s\n' "$paths" | sed 's/^/    /'
  failures=$((failures + 1))
fi

bad_pin='{ nixpkgs = { owner = "NixOS"; repo = "nixpkgs"; rev = "nixos-25.11"; narHash = "sha256-Ti+ZBvW6yrWWAg2szExVTwCd4qOJ3KlVr1tFHfyfi8Q="; }; }'
if output="$(nix_instantiate --eval --strict --expr "import ./nix/lib/pinned-nixpkgs.nix $bad_pin" 2>&1)"; then
  echo "FAIL nix/lib/pinned-nixpkgs.nix accepted a branch name as the nixpkgs revision"
  failures=$((failures + 1))
elif printf '%s' "$output" | grep -q 'is not a 40-character hexadecimal commit id'; then
  echo "ok nix/lib/pinned-nixpkgs.nix refuses a branch name as the nixpkgs revision"
else
  echo "FAIL nix/lib/pinned-nixpkgs.nix failed for an unexpected reason"
  printf '%s\n' "$output" | sed 's/^/    /'
  failures=$((failures + 1))
fi

echo
if [ "$failures" -ne 0 ]; then
  echo "nix-parse: $failures failure(s)" >&2
  exit 1
fi
echo "nix-parse: $count file(s) parsed, smoke checks passed"
