# Model of nixos/modules/virtualisation/google-compute-config.nix: the
# definitions that meet this repository's modules, at their upstream
# priorities (plain = 100, mkDefault = 1000).
{ lib, config, ... }:

{
  _file = "nixos/modules/virtualisation/google-compute-config.nix";

  config = {
    services.openssh.enable = true;
    services.openssh.settings.PermitRootLogin = lib.mkDefault "prohibit-password";
    services.openssh.settings.PasswordAuthentication = lib.mkDefault false;
    # OS Login also satisfies the users lock-out assertion.
    security.googleOsLogin.enable = true;
    networking.hostName = lib.mkDefault "";
    networking.firewall.enable = lib.mkDefault false;
    security.sudo.extraRules = lib.mkIf config.users.mutableUsers [
      {
        groups = [ "google-sudoers" ];
        commands = [
          {
            command = "ALL";
            options = [ "NOPASSWD" ];
          }
        ];
      }
    ];
    users.groups.google-sudoers = lib.mkIf config.users.mutableUsers { };
  };
}
