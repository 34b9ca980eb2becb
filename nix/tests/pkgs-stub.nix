# A stand-in for nixpkgs' package set, for evaluating this repository's NixOS
# modules without nixpkgs (see eval-nixos.nix and module-config.nix).
#
# Every package is a fake derivation with a made-up store path; asking for a
# package that is not listed here is an error, so a typo in a package name
# fails the offline evaluation. The trivial builders return fake derivations
# named after their argument and keep the script or text they were given, so
# tests can read (and run) what a module writes.
let
  fakeDerivation = name: {
    type = "derivation";
    inherit name;
    pname = name;
    outPath = "/nix/store/00000000000000000000000000000000-${name}";
    meta.mainProgram = name;
  };

  packageNames = [
    "awscli2"
    "bash"
    "coreutils"
    "curl"
    "diffutils"
    "gawk"
    "git"
    "gnugrep"
    "gnutar"
    "gzip"
    "iproute2"
    "jq"
    "nvidia-container-toolkit"
    "openvscode-server"
    "python3"
    "socat"
    "systemd"
    "util-linux"
  ];
in
builtins.listToAttrs (
  map (name: {
    inherit name;
    value = fakeDerivation name;
  }) packageNames
)
// {
  inherit fakeDerivation;
  writeShellApplication =
    args:
    fakeDerivation args.name
    // {
      meta.mainProgram = args.name;
      inherit (args) text;
      runtimeInputs = args.runtimeInputs or [ ];
    };
  writeShellScript = name: text: fakeDerivation name // { inherit text; };
  writeText = name: text: fakeDerivation name // { inherit text; };
}
