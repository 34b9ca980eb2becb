# The `config` one of this repository's NixOS modules defines, evaluated
# without nixpkgs, for checks of what a module sets up (see test/nix):
#
#   let
#     m = import nix/tests/module-config.nix {
#       module = nix/modules/idle-stop.nix;
#       # Definitions of the module's own options, as a user would write them.
#       values = { mlWorkspace.idleStop = { enable = true; cloud = "gcp"; }; };
#       # Values of the other options the module reads.
#       config = { services.openssh.ports = [ 22 ]; };
#     };
#   in
#   m.value [ "systemd" "timers" "ml-workspace-idle-stop" "timerConfig" "OnBootSec" ]
#
# `value path` merges the definitions of one attribute path the way the module
# system does for a single module: `mkIf` conditions are honoured (and only
# evaluated when their content defines the path), `mkMerge` contents and
# `mkOverride` priorities (`mkDefault`, `mkOptionDefault`, ...) are resolved,
# the definitions with the highest priority win, lists are concatenated and
# differing values of anything else are a conflict. For the module's own
# options the option default joins in at `mkOptionDefault` priority and the
# merged value is checked against the option's type. The module sees its own
# options through `config` with these merged values, so option defaults that
# the module defines in `config` (from other options) work as they do in NixOS.
#
# Packages come from a stand-in `pkgs`: each is a fake derivation with a
# made-up store path, and `writeShellApplication`/`writeShellScript`/
# `writeText` return fake derivations named after their argument. Nothing is
# built and no store is needed.
{
  module,
  values ? { },
  config ? { },
  # The option declarations of the rest of NixOS the module tests for with
  # `options ? ...`, e.g. `{ virtualisation.azureImage.vmGeneration = { }; }`.
  # Reading anything else from `options` is an error.
  options ? null,
}:

let
  lib = import ./lib-stub.nix;

  inherit (builtins)
    all
    attrNames
    concatMap
    concatStringsSep
    filter
    foldl'
    head
    isAttrs
    isList
    listToAttrs
    map
    mapAttrs
    tail
    ;

  fakeDerivation = name: {
    type = "derivation";
    inherit name;
    outPath = "/nix/store/00000000000000000000000000000000-${name}";
  };

  pkgs =
    listToAttrs (
      map (name: {
        inherit name;
        value = fakeDerivation name;
      }) [
        "bash"
        "coreutils"
        "curl"
        "gawk"
        "git"
        "gnugrep"
        "gnutar"
        "gzip"
        "iproute2"
        "jq"
        "python3"
        "socat"
        "systemd"
      ]
    )
    // {
      writeShellApplication =
        args:
        fakeDerivation args.name
        // {
          meta.mainProgram = args.name;
        };
      writeShellScript = name: _text: fakeDerivation name;
      writeText = name: _text: fakeDerivation name;
    };

  evaluated = import module {
    inherit lib pkgs;
    config = effectiveConfig;
    options =
      if options == null then
        throw "module-config: the module reads `options`, which this evaluation does not provide."
      else
        options;
    modulesPath = "/nixpkgs/nixos/modules";
    utils = { };
  };

  declarations = evaluated.options or { };
  definitions = evaluated.config or { };

  isOption = v: isAttrs v && (v._type or null) == "option";
  dotted = concatStringsSep ".";

  # [ { priority; value; } ] for `path` in a definition tree.
  definitionsAt =
    path: priority: tree:
    let
      kind = if isAttrs tree then tree._type or null else null;
    in
    if kind == "if" then
      let
        inner = definitionsAt path priority tree.content;
      in
      if inner == [ ] || !tree.condition then [ ] else inner
    else if kind == "merge" then
      concatMap (definitionsAt path priority) tree.contents
    else if kind == "override" then
      definitionsAt path tree.priority tree.content
    else if kind == "order" then
      definitionsAt path priority tree.content
    else if path == [ ] then
      [ { inherit priority; value = tree; } ]
    else if isAttrs tree && kind == null && (tree.type or null) != "derivation" && tree ? ${head path} then
      definitionsAt (tail path) priority tree.${head path}
    else
      [ ];

  # Definitions without mkOverride have priority 100, option defaults 1500.
  mergeDefinitions =
    path: defs:
    let
      best = foldl' (p: d: if d.priority < p then d.priority else p) 9999 defs;
      winners = map (d: d.value) (filter (d: d.priority == best) defs);
    in
    if winners == [ ] then
      throw "module-config: ${dotted path} has no value."
    else if all isList winners then
      concatMap (v: v) winners
    else if all (v: v == head winners) winners then
      head winners
    else
      throw "module-config: ${dotted path} has conflicting definitions: ${builtins.toJSON winners}.";

  # The option declared at `path`, or null.
  declarationAt =
    path: tree:
    if isOption tree then
      (if path == [ ] then tree else null)
    else if path == [ ] || !(isAttrs tree) || !(tree ? ${head path}) then
      null
    else
      declarationAt (tail path) tree.${head path};

  value =
    path:
    let
      option = declarationAt path declarations;
    in
    if option != null then
      optionValue path option
    else
      mergeDefinitions path (definitionsAt path 100 values ++ definitionsAt path 100 definitions);

  optionValue =
    path: option:
    let
      merged = mergeDefinitions path (
        definitionsAt path 100 values
        ++ definitionsAt path 100 definitions
        ++ (if option ? default then [ { priority = 1500; value = option.default; } ] else [ ])
      );
    in
    if option ? type && !(option.type.check merged) then
      throw "module-config: ${dotted path} = ${builtins.toJSON merged} is not a valid ${option.type.name}."
    else
      merged;

  # `config` as the module sees it: the given values of other options, and
  # the module's own options (their attribute names come from the
  # declarations, so building this set evaluates no definition).
  withOwnOptions =
    base: path: tree:
    base
    // mapAttrs (
      name: node:
      if isOption node then
        optionValue (path ++ [ name ]) node
      else
        withOwnOptions (if isAttrs (base.${name} or null) then base.${name} else { }) (path ++ [ name ]) node
    ) tree;

  effectiveConfig = withOwnOptions config [ ] declarations;

  # The failing assertions' messages, as NixOS would report them.
  failedAssertions = map (a: a.message) (
    filter (a: !a.assertion) (if definitionsAt [ "assertions" ] 100 definitions == [ ] then [ ] else value [ "assertions" ])
  );
in
{
  inherit value failedAssertions;
  config = effectiveConfig;
  # Whether the module defines anything at `path`.
  defines = path: definitionsAt path 100 definitions != [ ];
  warnings = if definitionsAt [ "warnings" ] 100 definitions == [ ] then [ ] else value [ "warnings" ];
}
