# Model of nixos/modules/virtualisation/google-compute-image.nix (and the
# google-compute-config.nix it imports): the options it declares that the
# bootstrap sets, and the definitions of options this repository's modules
# also define, at their upstream priorities.
{ lib, config, ... }:

{
  imports = [ ./google-compute-config.nix ];

  _file = "nixos/modules/virtualisation/google-compute-image.nix";

  options.virtualisation.googleComputeImage.efi = lib.mkEnableOption "EFI booting";
}
