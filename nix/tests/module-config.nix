# One of this repository's NixOS modules, evaluated offline for checks of
# what it sets up (see test/nix), with the strict module system of
# eval-nixos.nix over the models of nixpkgs in ./nixpkgs:
#
#   let
#     m = import nix/tests/module-config.nix {
#       module = nix/modules/idle-stop.nix;
#       # Definitions of the module's own options, as a user would write them.
#       values = { mlWorkspace.idleStop = { enable = true; cloud = "gcp"; }; };
#       # Definitions of other options, e.g. { services.openssh.ports = [ 2222 ]; }.
#       config = { };
#       # More modules, e.g. a cloud image profile's model.
#       imports = [ ];
#     };
#   in
#   m.value [ "systemd" "timers" "ml-workspace-idle-stop" "timerConfig" "OnBootSec" ]
#
# `value path` is the merged value of an option (an undeclared path is an
# error), `defines path` whether anything defines the option at or below
# `path`, and `failedAssertions` and `warnings` those of every module,
# modelled nixpkgs ones included.
{
  module,
  values ? { },
  config ? { },
  imports ? [ ],
}:

let
  e = import ./eval-nixos.nix {
    modules = [
      module
      {
        _file = "values";
        inherit config;
      }
      {
        _file = "values";
        config = values;
      }
    ]
    ++ imports;
  };
  dotted = builtins.concatStringsSep ".";
  under =
    path: p:
    let
      prefix = dotted path;
    in
    p == prefix || builtins.substring 0 (builtins.stringLength prefix + 1) p == "${prefix}.";
in
{
  inherit (e) config failedAssertions warnings;
  value = e.value;
  defines = path: builtins.any (under path) e.definedOptions;
}
