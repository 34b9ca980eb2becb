# Every option the workspace, secrets and idle-stop modules declare, evaluated
# without nixpkgs:
#
#   nix-instantiate --store dummy:// --eval --strict --json nix/tests/option-paths.nix
#
# returns
#
#   { paths = [ "mlWorkspace.secrets.directory" ... ];          # sorted
#     defaults = { "mlWorkspace.workspace.ide.port" = 3000; ... };
#     undocumented = [ ]; }
#
# `paths` follows nixpkgs' option documentation: an `attrsOf (submodule ...)`
# option appears itself and with its sub-options under `<name>` (`listOf`
# under `*`). `defaults` holds the defaults that are plain values (null,
# booleans, numbers, strings and lists/sets of those); package defaults and
# `literalExpression`s are left out. Each plain default is checked against its
# option's type. `undocumented` lists options without a type or description.
#
# The TypeScript tests use this to check that every key the renderer emits is
# a declared option.
let
  modules = [
    ../modules/workspace.nix
    ../modules/secrets.nix
    ../modules/idle-stop.nix
  ];

  lib = import ./lib-stub.nix;

  inherit (builtins)
    attrNames
    concatMap
    concatStringsSep
    filter
    functionArgs
    intersectAttrs
    isAttrs
    isBool
    isFloat
    isFunction
    isInt
    isList
    isPath
    isString
    length
    listToAttrs
    map
    all
    ;

  # Arguments a module function may ask for. Options must not depend on
  # `config`; a module whose option declarations read it fails loudly here.
  moduleArgs = name: {
    inherit lib name;
    config = throw "option-paths: option declarations read `config`; declare options statically (defaults may use `defaultText` for computed values).";
    options = throw "option-paths: option declarations read `options`.";
    pkgs = { };
    modulesPath = "/nixpkgs/nixos/modules";
    utils = { };
  };

  callModule =
    name: module:
    let
      value = if isPath module || isString module then import module else module;
      args = moduleArgs name;
      formals = functionArgs value;
    in
    if isFunction value then
      value (if formals == { } then args else intersectAttrs formals args)
    else
      value;

  # Option declarations of a module and of everything it imports.
  declarationsOf =
    name: module:
    let
      evaluated = callModule name module;
      declared =
        if evaluated ? options || evaluated ? config || evaluated ? imports then
          evaluated.options or { }
        else
          { };
    in
    [ declared ] ++ concatMap (declarationsOf name) (evaluated.imports or [ ]);

  isOption = v: isAttrs v && (v._type or null) == "option";

  dotted = concatStringsSep ".";

  # [ { path = [ ... ]; option = { ... }; } ] for an option tree.
  walk =
    prefix: tree:
    concatMap (
      attr:
      let
        value = tree.${attr};
        path = prefix ++ [ attr ];
      in
      if isOption value then
        [ { inherit path; option = value; } ] ++ subOptions path (value.type or null)
      else if isAttrs value then
        walk path value
      else
        throw "option-paths: ${dotted path} is neither an option nor a set of options."
    ) (attrNames tree);

  subOptions =
    path: type:
    if type == null then
      [ ]
    else if type.name == "submodule" then
      concatMap (walk path) (concatMap (declarationsOf "<name>") type.modules)
    else if type.name == "attrsOf" then
      subOptions (path ++ [ "<name>" ]) type.elemType
    else if type.name == "listOf" then
      subOptions (path ++ [ "*" ]) type.elemType
    else if type ? elemType then
      subOptions path type.elemType
    else if type ? members then
      concatMap (subOptions path) type.members
    else
      [ ];

  # Every module once, with what it imports: NixOS keys a module imported by
  # path by that path, so a module two others import is declared once.
  moduleClosure = builtins.genericClosure {
    startSet = map (m: {
      key = toString m;
      module = m;
    }) modules;
    operator =
      item:
      (
        let
          imports = (callModule "module" item.module).imports or [ ];
        in
        builtins.genList (
          i:
          let
            m = builtins.elemAt imports i;
          in
          {
            key = if isPath m || isString m then toString m else "${item.key}/<inline ${toString i}>";
            module = m;
          }
        ) (length imports)
      );
  };

  ownDeclarations =
    module:
    let
      evaluated = callModule "module" module;
    in
    if evaluated ? options || evaluated ? config || evaluated ? imports then evaluated.options or { } else { };

  declarations = concatMap (walk [ ]) (map (item: ownDeclarations item.module) moduleClosure);

  paths = map (d: dotted d.path) declarations;

  # attrNames sorts, so this is the sorted list without duplicates.
  uniquePaths = attrNames (listToAttrs (map (p: { name = p; value = null; }) paths));

  isPlain =
    v:
    v == null
    || isBool v
    || isInt v
    || isFloat v
    || isString v
    || (isList v && all isPlain v)
    || (isAttrs v && !(v ? _type) && (v.type or null) != "derivation" && all (n: isPlain v.${n}) (attrNames v));

  withPlainDefault = filter (d: d.option ? default && isPlain d.option.default) declarations;

  checkedDefault =
    d:
    let
      type = d.option.type or null;
    in
    if type == null || type.check d.option.default then
      d.option.default
    else
      throw "option-paths: the default of ${dotted d.path} (${builtins.toJSON d.option.default}) is not a valid ${type.name}.";

  undocumented = map (d: dotted d.path) (
    filter (d: !(d.option ? type) || !(d.option ? description) || d.option.description == "") declarations
  );
in
if length uniquePaths != length paths then
  throw "option-paths: some option is declared more than once: ${
    concatStringsSep ", " (filter (p: length (filter (q: q == p) paths) > 1) uniquePaths)
  }"
else
  {
    paths = uniquePaths;
    defaults = listToAttrs (
      map (d: {
        name = dotted d.path;
        value = checkedDefault d;
      }) withPlainDefault
    );
    inherit undocumented;
  }
