# Turn a machine document (the JSON the TypeScript constructs render into
# instance metadata, see ../modules/bootstrap.nix) into a NixOS module.
#
#   imports = [ (import ./machine-configuration.nix { machineJson = /etc/ml-workspace/machine.json; cloud = "gcp"; }) ];
#
# `modulesPath` is the directory holding this repository's workspace.nix,
# secrets.nix and idle-stop.nix (not nixpkgs' nixos/modules); the bootstrap
# passes the copy that is pinned in the image's store.
#
# Whoever can write a VM's instance metadata or user data writes its machine
# document, and the document becomes the machine's configuration as root.
# So `config` may hold only the settings the constructs render (./document-settings.nix),
# each a plain JSON value: no other NixOS option (a stop command, a package, a
# systemd unit) and no `_type` object that the module system would read as
# `mkOverride`/`mkIf`. Anything else refuses the whole document.
{
  machineJson,
  modulesPath ? ../modules,
  # The cloud the machine runs on: some settings exist on one cloud only.
  cloud ? null,
}:

let
  doc = builtins.fromJSON (builtins.readFile machineJson);
  where = "machine document ${toString machineJson}";
  version = if builtins.isAttrs doc then doc.schemaVersion or null else null;
  refused = (import ./document-settings.nix { inherit cloud; }).problems (doc.config or { });
in
if !(builtins.isAttrs doc) then
  throw "${where}: expected a JSON object, got a ${builtins.typeOf doc}."
else if version != 1 then
  throw "${where}: schemaVersion ${builtins.toJSON version} is not supported; this image understands schemaVersion 1. Render the document with a cdktf-ml-workspace release that matches the image, or rebuild the image."
else if !(builtins.isAttrs (doc.config or null)) then
  throw "${where}: \"config\" must be a JSON object holding NixOS option values."
else if refused != [ ] then
  throw "${where}: refusing the document: ${builtins.concatStringsSep "; " refused}. A machine document may set only the settings cdktf-ml-workspace renders (nix/lib/document-settings.nix), so that writing instance metadata does not give root on the machine; configure anything else in a NixOS module of the image."
else
  {
    # Errors about its settings name the document.
    _file = toString machineJson;
    imports = [
      (modulesPath + "/workspace.nix")
      (modulesPath + "/secrets.nix")
      (modulesPath + "/idle-stop.nix")
    ];
    config = doc.config;
  }
