# Model of nixos/modules/virtualisation/amazon-image.nix and the amazon-init.nix
# it imports: the definitions that meet this repository's modules, at their
# upstream priorities. The profile sets PermitRootLogin at normal priority, so
# a plain definition of another value conflicts with it.
{ lib, config, ... }:

{
  imports = [
    {
      _file = "nixos/modules/virtualisation/amazon-init.nix";
      options.virtualisation.amazon-init.enable = lib.mkOption {
        type = lib.types.bool;
        default = true;
        description = "";
      };
    }
  ];

  _file = "nixos/modules/virtualisation/amazon-image.nix";

  config = {
    services.amazon-ssm-agent.enable = true;
    services.openssh.enable = true;
    services.openssh.settings.PermitRootLogin = "prohibit-password";
    networking.hostName = lib.mkDefault "";
  };
}
