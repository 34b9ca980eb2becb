# Whether the bootstrap may apply a machine document, checked before
# anything of it is used: `true`, or an error naming every reason.
#
#   import ./check-document.nix {
#     machineJson = /etc/ml-workspace/.machine.json.XXXXXX;
#     cloud = "gcp";
#     trustedNixpkgsRevisions = [ "<40 hex>" ];
#   }
#
# The document must be a schemaVersion 1 document whose settings are the
# ones the constructs render (./machine-configuration.nix), and it must pin a
# nixpkgs revision the image trusts: whoever writes the document chooses the
# nixpkgs that `nixos-rebuild` runs as root, so it may only choose among the
# revisions the image was built to accept (mlWorkspace.bootstrap.trustedNixpkgsRevisions).
{
  machineJson,
  cloud,
  trustedNixpkgsRevisions,
}:

let
  doc = builtins.fromJSON (builtins.readFile machineJson);
  rev = if builtins.isAttrs doc && builtins.isAttrs (doc.nixpkgs or null) then doc.nixpkgs.rev or null else null;
  module = import ./machine-configuration.nix { inherit machineJson cloud; };
in
builtins.seq module (
  if builtins.elem rev trustedNixpkgsRevisions then
    true
  else
    throw "machine document ${toString machineJson}: refusing the document: nixpkgs revision ${builtins.toJSON rev} is not one this image trusts (${
      if trustedNixpkgsRevisions == [ ] then "none" else builtins.concatStringsSep ", " trustedNixpkgsRevisions
    }). The revision decides what runs as root at the rebuild, so the image names the ones a document may pin (mlWorkspace.bootstrap.trustedNixpkgsRevisions); build an image that trusts it, or pin one of those."
)
