# Model of nixos/modules/virtualisation/azure-image.nix and the azure-common.nix
# it imports: the option the bootstrap sets, and the definitions that meet
# this repository's modules, at their upstream priorities. azure-common.nix
# sets PermitRootLogin at normal priority.
{ lib, config, ... }:

{
  imports = [
    {
      _file = "nixos/modules/virtualisation/azure-common.nix";
      config = {
        services.openssh.enable = true;
        services.openssh.settings.PermitRootLogin = "prohibit-password";
        services.openssh.settings.ClientAliveInterval = 180;
        networking.hostName = lib.mkDefault "";
      };
    }
  ];

  _file = "nixos/modules/virtualisation/azure-image.nix";

  options.virtualisation.azureImage.vmGeneration = lib.mkOption {
    type = lib.types.enum [
      "v1"
      "v2"
    ];
    default = "v1";
    description = "";
  };
}
