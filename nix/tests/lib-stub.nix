# A small stand-in for nixpkgs' `lib`, enough to evaluate this repository's
# NixOS modules and the models of nixpkgs in ./nixpkgs without nixpkgs (see
# option-paths.nix and eval-nixos.nix, which merges definitions with it).
#
# Option constructors and types record what they were given instead of doing
# what the module system does: `mkOption` returns its arguments tagged as an
# option, and every type carries a `name`, a `check` used to validate defaults,
# and the nested types a walker needs to find sub-options (`elemType`,
# `members`, `modules`). Functions that modules only use when building
# `config` are implemented plainly so that referencing them is harmless.
let
  inherit (builtins)
    all
    any
    attrNames
    attrValues
    concatMap
    concatStringsSep
    elem
    filter
    genList
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
    mapAttrs
    match
    replaceStrings
    stringLength
    substring
    typeOf
    ;

  isStringLike = v: isString v || isPath v || (isAttrs v && (v ? outPath || v ? __toString));
  isDerivation = v: isAttrs v && (v.type or null) == "derivation";
  isNumber = v: isInt v || isFloat v;

  toList = v: if isList v then v else [ v ];

  hasPrefix = prefix: s: substring 0 (stringLength prefix) s == prefix;
  hasSuffix =
    suffix: s:
    let
      ls = stringLength s;
      lx = stringLength suffix;
    in
    lx <= ls && substring (ls - lx) lx s == suffix;
  removePrefix =
    prefix: s:
    if hasPrefix prefix s then substring (stringLength prefix) (stringLength s - stringLength prefix) s else s;

  mapAttrsToList = f: attrs: map (n: f n attrs.${n}) (attrNames attrs);

  characters = s: genList (i: substring i 1 s) (stringLength s);
  toLower = replaceStrings (characters "ABCDEFGHIJKLMNOPQRSTUVWXYZ") (characters "abcdefghijklmnopqrstuvwxyz");
  filterAttrs =
    pred: attrs:
    listToAttrs (
      concatMap (n: if pred n attrs.${n} then [ { name = n; value = attrs.${n}; } ] else [ ]) (attrNames attrs)
    );
  genAttrs = names: f: listToAttrs (map (n: { name = n; value = f n; }) names);
  optional = cond: v: if cond then [ v ] else [ ];
  optionals = cond: l: if cond then l else [ ];
  optionalString = cond: s: if cond then s else "";
  optionalAttrs = cond: attrs: if cond then attrs else { };
  unique = builtins.foldl' (acc: x: if elem x acc then acc else acc ++ [ x ]) [ ];
  flatten = v: if isList v then concatMap flatten v else [ v ];
  escapeShellArg = arg: "'${replaceStrings [ "'" ] [ "'\\''" ] (toString arg)}'";
  escapeShellArgs = args: concatStringsSep " " (map escapeShellArg args);
  makeBinPath = pkgs: concatStringsSep ":" (map (p: "${toString p}/bin") pkgs);
  getName =
    x:
    if isAttrs x then
      x.pname or (builtins.parseDrvName x.name).name
    else
      (builtins.parseDrvName x).name;

  # Types ------------------------------------------------------------------

  mkType =
    name: check: extra:
    {
      _type = "option-type";
      inherit name check;
      description = name;
    }
    // extra;

  wrap = name: elemType: check: mkType name check { inherit elemType; };

  # How definitions of one priority merge (eval-nixos.nix): "equal" (the
  # default: different values conflict), "list" (concatenated), "separated"
  # (joined with `separator`), "attrs" (shallow update), "unit" (systemd unit
  # options: lists concatenated, single values equal).
  merging = kind: type: type // { merge = kind; };
  separated = separator: type: type // { merge = "separated"; inherit separator; };

  intBetween =
    lo: hi:
    mkType "intBetween" (v: isInt v && v >= lo && v <= hi) {
      inherit lo hi;
      description = "integer between ${toString lo} and ${toString hi} (both inclusive)";
    };

  submoduleWith =
    {
      modules,
      freeformType ? null,
      ...
    }:
    mkType "submodule" (v: isAttrs v || isFunction v) {
      modules = toList modules;
      inherit freeformType;
    };

  types = rec {
    str = mkType "str" isString { };
    nonEmptyStr = mkType "nonEmptyStr" (v: isString v && v != "") { };
    singleLineStr = mkType "singleLineStr" (v: isString v && match "[^\n]*" v != null) { };
    lines = separated "\n" (mkType "lines" isString { });
    commas = separated "," (mkType "commas" isString { });
    envVar = mkType "envVar" isString { };
    separatedString = sep: separated sep (mkType "separatedString" isString { });
    strMatching =
      regex:
      mkType "strMatching" (v: isString v && match regex v != null) {
        inherit regex;
        description = "string matching the pattern ${regex}";
      };
    passwdEntry = t: t;
    bool = mkType "bool" isBool { };
    int = mkType "int" isInt { };
    ints = {
      between = intBetween;
      unsigned = mkType "unsignedInt" (v: isInt v && v >= 0) { };
      positive = mkType "positiveInt" (v: isInt v && v > 0) { description = "positive integer, meaning >0"; };
      u8 = intBetween 0 255;
      u16 = intBetween 0 65535;
      u32 = intBetween 0 4294967295;
      s8 = intBetween (-128) 127;
      s16 = intBetween (-32768) 32767;
      s32 = intBetween (-2147483648) 2147483647;
    };
    port = intBetween 0 65535;
    float = mkType "float" isFloat { };
    number = mkType "number" isNumber { };
    numbers = {
      between =
        lo: hi:
        mkType "numberBetween" (v: isNumber v && v >= lo && v <= hi) {
          inherit lo hi;
          description = "integer or floating point number between ${builtins.toJSON lo} and ${builtins.toJSON hi} (both inclusive)";
        };
      nonnegative = mkType "numberNonnegative" (v: isNumber v && v >= 0) { };
      positive = mkType "numberPositive" (v: isNumber v && v > 0) {
        description = "positive integer or floating point number, meaning >0";
      };
    };
    path = mkType "path" (v: isStringLike v && hasPrefix "/" (toString v)) { };
    pathInStore = path;
    package = mkType "package" (v: isDerivation v || isStringLike v) { };
    raw = mkType "raw" (_: true) { };
    anything = mkType "anything" (_: true) { };
    unspecified = mkType "unspecified" (_: true) { };
    attrs = merging "attrs" (mkType "attrs" isAttrs { });
    enum =
      values:
      mkType "enum" (v: elem v values) {
        inherit values;
        description = "one of ${concatStringsSep ", " (map builtins.toJSON values)}";
      };

    nullOr =
      elemType:
      wrap "nullOr" elemType (v: v == null || elemType.check v)
      // builtins.intersectAttrs { merge = null; separator = null; } elemType;
    listOf = elemType: merging "list" (wrap "listOf" elemType (v: isList v && all elemType.check v));
    nonEmptyListOf =
      elemType: merging "list" (wrap "listOf" elemType (v: isList v && v != [ ] && all elemType.check v));
    attrsOf = elemType: wrap "attrsOf" elemType (v: isAttrs v && all elemType.check (attrValues v));
    lazyAttrsOf = attrsOf;
    uniq = elemType: wrap "uniq" elemType elemType.check;
    unique = _: uniq;
    functionTo = elemType: wrap "functionTo" elemType isFunction;
    coercedTo =
      fromType: _coerce: toType:
      wrap "coercedTo" toType (v: fromType.check v || toType.check v);
    either =
      a: b:
      mkType "either" (v: a.check v || b.check v) {
        members = [
          a
          b
        ];
      };
    oneOf =
      members: mkType "oneOf" (v: any (t: t.check v) members) { inherit members; };
    submodule = modules: submoduleWith { inherit modules; };
    inherit submoduleWith;
    deferredModule = mkType "deferredModule" (_: true) { };
  };

  # A type of one's own; `merge` is one of the kinds above (not a function,
  # as in nixpkgs).
  mkOptionType =
    {
      name,
      check ? (_: true),
      merge ? "equal",
      description ? name,
      ...
    }:
    mkType name check { inherit merge description; };

  # Options ----------------------------------------------------------------

  mkOption = attrs: attrs // { _type = "option"; };

  mkEnableOption =
    name:
    mkOption {
      type = types.bool;
      default = false;
      example = true;
      description = "Whether to enable ${name}.";
    };

  # Like nixpkgs' mkPackageOption, but the default is a placeholder naming the
  # attribute instead of the package itself, so no nixpkgs is needed.
  mkPackageOption =
    _pkgs: name:
    {
      nullable ? false,
      default ? name,
      example ? null,
      extraDescription ? "",
      pkgsText ? "pkgs",
    }:
    let
      attrPath = concatStringsSep "." (toList default);
      placeholder = {
        type = "derivation";
        name = attrPath;
        _stubPackage = attrPath;
      };
    in
    mkOption (
      {
        type = if nullable then types.nullOr types.package else types.package;
        default = placeholder;
        defaultText = literalExpression "${pkgsText}.${attrPath}";
        description = "The ${concatStringsSep "." (toList name)} package to use. ${extraDescription}";
      }
      // (if example == null then { } else { example = literalExpression "${pkgsText}.${toString example}"; })
    );

  literalExpression = text: {
    _type = "literalExpression";
    inherit text;
  };
  literalMD = text: {
    _type = "literalMD";
    inherit text;
  };

  # Definitions (only built, never merged, by the option walker) -------------

  mkIf = condition: content: {
    _type = "if";
    inherit condition content;
  };
  mkMerge = contents: {
    _type = "merge";
    inherit contents;
  };
  mkOverride = priority: content: {
    _type = "override";
    inherit priority content;
  };
  mkOrder = priority: content: {
    _type = "order";
    inherit priority content;
  };
in
{
  inherit
    types
    mkOptionType
    mkOption
    mkEnableOption
    mkPackageOption
    literalExpression
    literalMD
    mkIf
    mkMerge
    mkOverride
    mkOrder
    toList
    hasPrefix
    hasSuffix
    toLower
    removePrefix
    mapAttrsToList
    filterAttrs
    genAttrs
    optional
    optionals
    optionalString
    optionalAttrs
    unique
    flatten
    escapeShellArg
    escapeShellArgs
    makeBinPath
    getName
    isDerivation
    isStringLike
    ;
  inherit (builtins)
    all
    any
    attrNames
    attrValues
    concatMap
    concatStringsSep
    elem
    filter
    genList
    length
    listToAttrs
    map
    mapAttrs
    typeOf
    ;

  mkDefault = mkOverride 1000;
  mkForce = mkOverride 50;
  mkOptionDefault = mkOverride 1500;
  mkBefore = mkOrder 500;
  mkAfter = mkOrder 1500;

  getExe = pkg: "${toString pkg}/bin/${pkg.meta.mainProgram or (getName pkg)}";
  getExe' = pkg: exe: "${toString pkg}/bin/${exe}";
  getBin = pkg: pkg.bin or pkg;
  concatMapStringsSep = sep: f: list: concatStringsSep sep (map f list);
  concatMapStrings = f: list: concatStringsSep "" (map f list);
  boolToString = b: if b then "true" else "false";
  mdDoc = throw "lib.mdDoc is gone from nixpkgs: write option descriptions as plain Markdown strings.";
  maintainers = { };
}
