# A strict offline evaluation of a NixOS configuration, without nixpkgs: this
# repository's modules, plus models of the nixpkgs modules they meet
# (nix/tests/nixpkgs: the declarations of every upstream option they set or
# read, with its upstream type, the cloud image profiles' definitions with
# their priorities, and the upstream assertions they can trip), evaluated by a
# small module system written against the stub lib (lib-stub.nix).
#
#   let
#     e = import nix/tests/eval-nixos.nix { modules = [ ./my-configuration.nix ]; };
#   in
#   e.value [ "services" "openssh" "settings" "PermitRootLogin" ]
#
# What it checks, as NixOS does:
#   - every definition is of a declared option (under a false `mkIf` too, as
#     in NixOS: a definition of an option that does not exist is an error
#     whatever its condition), so a typo fails;
#   - definitions are merged by priority (`mkDefault` 1000, `mkForce` 50,
#     `mkOverride n`, plain 100, option defaults 1500); of the definitions at
#     the best priority, lists are concatenated, `lines` joined, attribute
#     sets of `attrsOf`/submodule options merged per attribute, and two
#     different values of any other option are a "conflicting definition
#     values" error;
#   - every merged value is checked against its option's type;
#   - the assertions and warnings of all modules, modelled nixpkgs ones
#     included, are collected.
#
# `result` forces every defined option (and so throws on the first undeclared,
# conflicting or ill-typed definition) and returns the failed assertions'
# messages and the warnings. `value path` is one merged option value,
# `config` the whole configuration as the modules see it.
{
  modules,
  # nixpkgs' `modulesPath` as the modules see it; the models mirror its layout.
  modulesPath ? ./nixpkgs,
  # The model of nixpkgs' module list.
  baseModules ? [ (modulesPath + "/module-list.nix") ],
}:

let
  lib = import ./lib-stub.nix;
  pkgs = import ./pkgs-stub.nix;

  inherit (builtins)
    all
    any
    attrNames
    concatMap
    concatStringsSep
    deepSeq
    elem
    filter
    foldl'
    functionArgs
    genList
    genericClosure
    head
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
    mapAttrs
    sort
    tail
    toJSON
    ;

  imap = f: list: genList (i: f i (builtins.elemAt list i)) (length list);
  dotted = concatStringsSep ".";
  isOption = v: isAttrs v && (v._type or null) == "option";
  isDerivation = v: isAttrs v && (v.type or null) == "derivation";

  # A value as an error message shows it.
  show =
    v:
    if isFunction v then
      "<function>"
    else if isDerivation v then
      "<derivation ${v.name}>"
    else if isString v || isBool v || isInt v || isFloat v || v == null then
      toJSON v
    else if isPath v then
      toString v
    else if isList v then
      "[ ${concatStringsSep " " (map show v)} ]"
    else if isAttrs v then
      "{ ${concatStringsSep " " (map (n: "${n} = ${show v.${n}};") (attrNames v))} }"
    else
      "<${builtins.typeOf v}>";

  # Modules ---------------------------------------------------------------

  moduleArgs = {
    inherit
      lib
      pkgs
      config
      options
      modulesPath
      ;
    utils = { };
  };

  call =
    f: extra:
    let
      args = moduleArgs // extra;
      formals = functionArgs f;
    in
    f (if formals == { } then args else intersectAttrs formals args);

  # A module as { key, file, imports, options, config }.
  unpack =
    key: module: extra:
    let
      value = if isPath module || isString module then import module else module;
      called = if isFunction value then call value extra else value;
      structured = called ? options || called ? config;
    in
    {
      inherit key;
      file = called._file or key;
      imports = called.imports or [ ];
      options = called.options or { };
      config =
        if structured then
          called.config or { }
        else
          removeAttrs called [
            "imports"
            "_file"
            "key"
            "meta"
            "disabledModules"
          ];
    };

  keyOf = parent: i: m: if isPath m || isString m then toString m else "${parent}#${toString i}";

  # Every module and what it imports, each path once.
  units = map (item: item.unit) (genericClosure {
    startSet = imap (
      i: m:
      let
        key = keyOf "<modules>" i m;
      in
      {
        inherit key;
        unit = unpack key m { };
      }
    ) (baseModules ++ modules);
    operator =
      item:
      imap (
        i: m:
        let
          key = keyOf item.key i m;
        in
        {
          inherit key;
          unit = unpack key m { };
        }
      ) item.unit.imports;
  });

  # Declarations ----------------------------------------------------------

  # Records the declaring file on every option of a tree.
  annotate =
    file: tree:
    if isOption tree then
      tree // { declarations = [ file ]; }
    else
      mapAttrs (_: annotate file) tree;

  isSubmodule = t: t.name == "submodule";
  isSubmoduleContainer = t: isSubmodule t || (t.name == "attrsOf" && isSubmodule t.elemType);

  # Two declarations of one option merge only when both are submodules (or
  # attribute sets of them) that extend each other, as nixpkgs allows.
  mergeOptionDeclarations =
    path: a: b:
    let
      combine =
        ta: tb:
        if isSubmodule ta then
          lib.types.submoduleWith {
            modules = ta.modules ++ tb.modules;
            freeformType = ta.freeformType or tb.freeformType or null;
          }
        else
          lib.types.attrsOf (combine ta.elemType tb.elemType);
    in
    if isSubmoduleContainer a.type && isSubmoduleContainer b.type && a.type.name == b.type.name then
      a // { type = combine a.type b.type; declarations = a.declarations ++ b.declarations; }
    else
      throw "The option `${dotted path}' is declared more than once, in `${concatStringsSep "' and `" (a.declarations ++ b.declarations)}'.";

  mergeDeclarations =
    path: a: b:
    if isOption a && isOption b then
      mergeOptionDeclarations path a b
    else if isOption a || isOption b then
      throw "`${dotted path}' is declared both as an option and as a set of options."
    else
      a // mapAttrs (n: bv: if a ? ${n} then mergeDeclarations (path ++ [ n ]) a.${n} bv else bv) b;

  declarationsOf = foldl' (acc: u: mergeDeclarations [ ] acc (annotate u.file u.options)) { };

  options = declarationsOf units;

  # Definitions -----------------------------------------------------------

  # A definition is { file, priority, value }; `discharge` resolves the
  # mkIf / mkMerge / mkOverride / mkOrder wrappers at its top.
  dischargeWith =
    honourConditions: d:
    let
      v = d.value;
      kind = if isAttrs v then v._type or null else null;
    in
    if kind == "if" then
      (if !honourConditions || v.condition then dischargeWith honourConditions (d // { value = v.content; }) else [ ])
    else if kind == "merge" then
      concatMap (c: dischargeWith honourConditions (d // { value = c; })) v.contents
    else if kind == "override" then
      dischargeWith honourConditions (d // { value = v.content; priority = v.priority; })
    else if kind == "order" then
      dischargeWith honourConditions (d // { value = v.content; order = v.priority; })
    else
      [ d ];

  discharge = concatMap (dischargeWith true);
  dischargeAll = concatMap (dischargeWith false);

  isSet = v: isAttrs v && !(isDerivation v) && !(v ? _type);

  # The definitions of attribute `name` within definitions of a set: the
  # mkIf / mkMerge / mkOverride / mkOrder wrappers around the set are pushed
  # down onto the attribute, without evaluating any condition, as nixpkgs'
  # pushDownProperties does. (Evaluating a condition here could need the
  # option being defined: `config = mkIf cfg.enable { ... }`.)
  childOf =
    name: d:
    let
      v = d.value;
      kind = if isAttrs v then v._type or null else null;
      wrapped = f: map (c: c // { value = f c.value; }) (childOf name (d // { value = v.content; }));
    in
    if kind == "if" then
      wrapped (lib.mkIf v.condition)
    else if kind == "merge" then
      concatMap (c: childOf name (d // { value = c; })) v.contents
    else if kind == "override" then
      wrapped (lib.mkOverride v.priority)
    else if kind == "order" then
      wrapped (lib.mkOrder v.priority)
    else if isSet v && v ? ${name} then
      [ (d // { value = v.${name}; }) ]
    else
      [ ];

  childDefinitions = name: concatMap (childOf name);

  # The set a definition defines, under its wrappers, or null.
  setOf =
    v:
    let
      kind = if isAttrs v then v._type or null else null;
    in
    if kind == "if" || kind == "override" || kind == "order" then
      setOf v.content
    else if kind == "merge" then
      (
        let
          sets = map setOf v.contents;
        in
        if builtins.elem null sets then null else foldl' (a: b: a // b) { } sets
      )
    else if isSet v then
      v
    else
      null;

  namesIn = ds: attrNames (foldl' (acc: d: acc // (if setOf d.value == null then { } else setOf d.value)) { } ds);

  definitionsOf = map (u: {
    inherit (u) file;
    priority = 100;
    value = u.config;
  }) units;

  # A level of the option tree: declared children, and for a freeform
  # submodule the type of the undeclared ones.
  tree = children: freeformType: { _tree = children; inherit freeformType; };
  nodeOf = declaration: if isOption declaration then declaration else tree declaration null;

  notASet =
    path: d:
    "The option `${dotted path}' is a set of options, but `${d.file}' defines it as ${show d.value}.";

  # Submodules: the sub-options and sub-definitions of one attribute.
  submoduleParts =
    path: type: subConfig:
    let
      name = if path == [ ] then "<name>" else builtins.elemAt path (length path - 1);
      subUnits = imap (i: m: unpack "${dotted path}#${toString i}" m {
        inherit name;
        config = subConfig;
      }) type.modules;
    in
    {
      node = tree (declarationsOf subUnits) (type.freeformType or null);
      definitions = map (u: {
        inherit (u) file;
        priority = 100;
        value = u.config;
      }) subUnits;
    };

  # Merging ---------------------------------------------------------------

  mergeNode =
    path: node: defs:
    if node ? _tree then mergeTree path node defs else mergeOption path node defs;

  # A level of the option tree. Its definitions are pushed down to the
  # options below, conditions unevaluated.
  mergeTree =
    path: node: ds:
    let
      bad = filter (d: setOf d.value == null) ds;
      extra =
        if node.freeformType == null then
          [ ]
        else
          filter (n: !(node._tree ? ${n}) && discharge (childDefinitions n ds) != [ ]) (namesIn ds);
    in
    if bad != [ ] then
      throw (notASet path (head bad))
    else
      mapAttrs (n: declaration: mergeNode (path ++ [ n ]) (nodeOf declaration) (childDefinitions n ds)) node._tree
      // listToAttrs (
        map (n: {
          name = n;
          # A freeform type is a type of the whole set (`attrsOf t`); each
          # undeclared attribute is a `t`.
          value = mergeType (path ++ [ n ]) node.freeformType.elemType (childDefinitions n ds);
        }) extra
      );

  mergeOption =
    path: option: defs:
    let
      default =
        if option ? default then
          [
            {
              file = "the default of `${dotted path}'";
              priority = 1500;
              value = option.default;
            }
          ]
        else
          [ ];
    in
    if !(option ? type) then
      throw "The option `${dotted path}' has no type."
    else
      mergeType path option.type (defs ++ default);

  # An option's definitions are filtered by priority first, as in NixOS: only
  # those of the best priority count. Their attributes (of a submodule or an
  # `attrsOf`) are options again, whose own `mkOverride`s decide among them.
  mergeType =
    path: type: defs:
    let
      ds = discharge defs;
      best = foldl' (p: d: if d.priority < p then d.priority else p) 9999 ds;
      winners = sort (a: b: (a.order or 1000) < (b.order or 1000)) (filter (d: d.priority == best) ds);
      fresh = map (d: removeAttrs d [ "order" ] // { priority = 100; }) winners;
      bad = filter (d: !(isSet d.value)) winners;
      notOfType =
        d:
        "The option `${dotted path}' is not of type `${type.description}': `${d.file}' defines it as ${show d.value}.";
    in
    if ds == [ ] then
      throw "The option `${dotted path}' is used but not defined."
    else if isSubmodule type then
      (
        if bad != [ ] then
          throw (notOfType (head bad))
        else
          let
            parts = submoduleParts path type merged;
            merged = mergeTree path parts.node (fresh ++ parts.definitions);
          in
          merged
      )
    else if type.name == "anything" && all (d: isSet d.value) winners then
      mergeType path (lib.types.attrsOf type) fresh
    else if type.name == "attrsOf" then
      (
        if bad != [ ] then
          throw (notOfType (head bad))
        else
          # An attribute whose every definition is under a false mkIf is not
          # there at all, as in NixOS.
          listToAttrs (
            map (n: {
              name = n;
              value = mergeType (path ++ [ n ]) type.elemType (childDefinitions n fresh);
            }) (filter (n: discharge (childDefinitions n fresh) != [ ]) (namesIn fresh))
          )
      )
    else
      mergeLeaf path type winners;

  # The definitions of a leaf option that won on priority, merged.
  mergeLeaf =
    path: type: winners:
    let
      values = map (d: d.value) winners;
      kind = type.merge or "equal";
      conflict = throw ''
        The option `${dotted path}' has conflicting definition values:
        ${concatStringsSep "\n" (map (d: "- In `${d.file}': ${show d.value}") winners)}
        Use `lib.mkForce value` or `lib.mkDefault value` to change the priority on any of these definitions.'';
      merged =
        if length winners == 1 then
          head values
        else if kind == "list" then
          (if all isList values then concatMap (v: v) values else conflict)
        else if kind == "separated" then
          concatStringsSep type.separator values
        else if kind == "unit" then
          (
            if any isList values then
              concatMap lib.toList values
            else if all (v: v == head values) values then
              head values
            else
              conflict
          )
        else if kind == "attrs" then
          foldl' (a: b: a // b) { } values
        else if all (v: v == head values) values then
          head values
        else
          conflict;
    in
    if !(type.check merged) then
      throw "The option `${dotted path}' is not of type `${type.description}'. Definition values:\n${
        concatStringsSep "\n" (map (d: "- In `${d.file}': ${show d.value}") winners)
      }"
    else
      merged;

  config = mergeTree [ ] (tree options null) definitionsOf;

  # Checks ----------------------------------------------------------------

  # Definitions of options that do not exist, whatever their conditions.
  undeclared =
    path: node: defs:
    let
      ds = dischargeAll defs;
    in
    if node ? _tree then
      concatMap (
        d:
        if !(isSet d.value) then
          [ (notASet path d) ]
        else
          concatMap (
            n:
            if node._tree ? ${n} || node.freeformType != null then
              [ ]
            else
              [ "The option `${dotted (path ++ [ n ])}' does not exist. Definition in `${d.file}'." ]
          ) (attrNames d.value)
      ) ds
      ++ concatMap (n: if node._tree ? ${n} then undeclared (path ++ [ n ]) (nodeOf node._tree.${n}) (childDefinitions n ds) else [ ]) (
        namesIn ds
      )
    else
      undeclaredIn path (node.type or null) ds;

  undeclaredIn =
    path: type: ds:
    if type == null then
      [ ]
    else if isSubmodule type then
      undeclared path (submoduleParts path type { }).node ds
    else if type.name == "attrsOf" then
      concatMap (n: undeclaredIn (path ++ [ n ]) type.elemType (childDefinitions n ds)) (namesIn ds)
    else
      [ ];

  # The paths of every option that has a definition (conditions honoured).
  definedPaths =
    path: node: defs:
    let
      ds = discharge defs;
    in
    if ds == [ ] then
      [ ]
    else if node ? _tree then
      concatMap (
        n:
        if node._tree ? ${n} then
          definedPaths (path ++ [ n ]) (nodeOf node._tree.${n}) (childDefinitions n ds)
        else
          [ (path ++ [ n ]) ]
      ) (namesIn ds)
    else
      definedPathsIn path node.type ds;

  definedPathsIn =
    path: type: ds:
    if discharge ds == [ ] then
      [ ]
    else if isSubmodule type then
      definedPaths path (submoduleParts path type { }).node ds
    else if type.name == "attrsOf" then
      concatMap (n: definedPathsIn (path ++ [ n ]) type.elemType (childDefinitions n ds)) (namesIn ds)
    else
      [ path ];

  valueAt = path: foldl' (v: n: v.${n}) config path;

  problems = undeclared [ ] (tree options null) definitionsOf;
  defined = definedPaths [ ] (tree options null) definitionsOf;

  failedAssertions = map (a: a.message) (filter (a: !a.assertion) config.assertions);
in
{
  inherit config options failedAssertions;
  inherit (config) warnings;
  value = valueAt;
  definedOptions = map dotted defined;
  result =
    if problems != [ ] then
      throw (concatStringsSep "\n" problems)
    else
      deepSeq (map valueAt defined) {
        inherit failedAssertions;
        inherit (config) warnings;
      };
}
