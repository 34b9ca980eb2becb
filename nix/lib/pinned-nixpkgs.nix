# The nixpkgs source a machine document pins, as a store path:
#
#   import ./pinned-nixpkgs.nix (builtins.fromJSON (builtins.readFile /etc/ml-workspace/machine.json))
#
# Only an exact commit is accepted, and the download is verified against the
# NAR hash, so a document always yields the same nixpkgs. Branch and tag names
# are refused: they move.
doc:

let
  pin = if builtins.isAttrs doc && doc ? nixpkgs then doc.nixpkgs else { };
  owner = pin.owner or "NixOS";
  repo = pin.repo or "nixpkgs";
  rev = pin.rev or null;
  narHash = pin.narHash or null;

  isString = builtins.isString;
  matches = regex: value: isString value && builtins.match regex value != null;
  show = builtins.toJSON;
in
if !(builtins.isAttrs pin) || pin == { } then
  throw "pinned nixpkgs: the machine document has no \"nixpkgs\" object with owner, repo, rev and narHash."
else if !(matches "[0-9a-fA-F]{40}" rev) then
  throw "pinned nixpkgs: rev ${show rev} is not a 40-character hexadecimal commit id; pin nixpkgs by commit (e.g. \"8fd9daa3db09ced9700431c5b7ad0e8ba199b575\"), never by a branch or tag name."
else if !(matches "sha256-[A-Za-z0-9+/]{43}=" narHash) then
  throw "pinned nixpkgs: narHash ${show narHash} is not an SRI sha256 hash; expected \"sha256-\" followed by 44 base64 characters, as in a flake.lock."
else if !(matches "[A-Za-z0-9_.-]+" owner && matches "[A-Za-z0-9_.-]+" repo) then
  throw "pinned nixpkgs: owner ${show owner} / repo ${show repo} must be plain GitHub names."
else
  builtins.fetchTarball {
    name = "nixpkgs-${builtins.substring 0 12 rev}";
    url = "https://github.com/${owner}/${repo}/archive/${rev}.tar.gz";
    sha256 = narHash;
  }
