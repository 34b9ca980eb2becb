# The modules a workspace machine is built from: what the bootstrap's
# generated /etc/nixos/configuration.nix imports (../modules/bootstrap.nix),
# and what the offline and flake checks evaluate, so both see one list.
#
#   imports = import ./machine-modules.nix {
#     cloud = "gcp";
#     machineJson = /etc/ml-workspace/machine.json;
#     nixosModulesPath = modulesPath;   # nixpkgs' nixos/modules
#   };
{
  cloud,
  machineJson,
  # nixpkgs' nixos/modules (the `modulesPath` module argument).
  nixosModulesPath,
  metadataKey ? "ml-workspace-config",
  stateVersion ? "25.11",
  # The nixpkgs commits a document may pin (mlWorkspace.bootstrap.trustedNixpkgsRevisions).
  trustedNixpkgsRevisions ? [ ],
}:

let
  profiles = {
    gcp = "virtualisation/google-compute-image.nix";
    aws = "virtualisation/amazon-image.nix";
    azure = "virtualisation/azure-image.nix";
  };
in
[
  (nixosModulesPath + "/${profiles.${cloud}}")
  ../modules/bootstrap.nix
  (import ./machine-configuration.nix {
    inherit machineJson cloud;
    modulesPath = ../modules;
  })
  (
    { lib, ... }:
    {
      mlWorkspace.bootstrap = {
        enable = true;
        inherit cloud metadataKey trustedNixpkgsRevisions;
      };
      system.stateVersion = lib.mkDefault stateVersion;
    }
  )
]
