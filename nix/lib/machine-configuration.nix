# Turn a machine document (the JSON the TypeScript constructs render into
# instance metadata, see ../modules/bootstrap.nix) into a NixOS module.
#
#   imports = [ (import ./machine-configuration.nix { machineJson = /etc/ml-workspace/machine.json; }) ];
#
# `modulesPath` is the directory holding this repository's workspace.nix,
# secrets.nix and idle-stop.nix (not nixpkgs' nixos/modules); the bootstrap
# passes the copy that is pinned in the image's store.
{
  machineJson,
  modulesPath ? ../modules,
}:

let
  doc = builtins.fromJSON (builtins.readFile machineJson);
  where = "machine document ${toString machineJson}";
  version = if builtins.isAttrs doc then doc.schemaVersion or null else null;
in
if !(builtins.isAttrs doc) then
  throw "${where}: expected a JSON object, got a ${builtins.typeOf doc}."
else if version != 1 then
  throw "${where}: schemaVersion ${builtins.toJSON version} is not supported; this image understands schemaVersion 1. Render the document with a cdktf-ml-workspace release that matches the image, or rebuild the image."
else if !(builtins.isAttrs (doc.config or null)) then
  throw "${where}: \"config\" must be a JSON object holding NixOS option values."
else
  {
    imports = [
      (modulesPath + "/workspace.nix")
      (modulesPath + "/secrets.nix")
      (modulesPath + "/idle-stop.nix")
    ];
    config = doc.config;
  }
