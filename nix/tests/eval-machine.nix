# A workspace machine evaluated offline exactly as the bootstrap builds it
# (nix/lib/machine-modules.nix: the cloud's image profile, the bootstrap and
# the machine document), with the models of nixpkgs in ./nixpkgs and the
# strict module system of ./eval-nixos.nix:
#
#   nix-instantiate --store dummy:// --eval --strict --json \
#     --argstr cloud gcp --argstr machineJson "$PWD/machine.json" \
#     --expr '{ cloud, machineJson }: (import nix/tests/eval-machine.nix { inherit cloud machineJson; }).result'
#
# `result` is { failedAssertions, warnings } and throws on an undeclared,
# conflicting or ill-typed definition. The flake checks (../flake.nix)
# evaluate the same module list against the pinned nixpkgs itself.
{
  cloud,
  # Absolute path of the machine document (a string).
  machineJson,
  # More modules, e.g. settings a test adds.
  extraModules ? [ ],
}:

import ./eval-nixos.nix {
  modules =
    import ../lib/machine-modules.nix {
      inherit cloud;
      machineJson = /. + machineJson;
      nixosModulesPath = ./nixpkgs;
    }
    ++ extraModules;
}
