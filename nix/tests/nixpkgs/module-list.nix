# A model of the parts of nixpkgs' NixOS module list that this repository's
# modules meet, for the strict offline evaluation (../eval-nixos.nix):
#
#   - the declaration of every upstream option the modules set or read, with
#     its upstream type and default, under the nixpkgs file that declares it
#     (`_file`); a definition of anything else is an error, as in NixOS;
#   - the upstream definitions and assertions the modules can collide with or
#     trip (the users lock-out assertion, the root account, nginx's exclusive
#     TLS modes, the NVIDIA `open` choice, the SSM agent's account).
#
# Types are read from nixpkgs' module sources (nixos-25.11 line); the flake
# checks in ../../flake.nix evaluate the real configurations against the
# pinned nixpkgs itself, which is where a difference from this model shows.
# Sub-options nobody here sets are left out of submodules; where upstream has
# a freeform submodule (sshd and nix settings, system.build) so does the model.
#
# The cloud image profiles are modelled in ./virtualisation, at the paths the
# bootstrap imports them from (`modulesPath + "/virtualisation/..."`).
{ lib, pkgs, ... }:

let
  inherit (lib) mkOption mkEnableOption mkIf mkDefault types;

  bool = default: mkOption {
    type = types.bool;
    inherit default;
    description = "";
  };
  opt = type: default: mkOption {
    inherit type default;
    description = "";
  };
  required = type: mkOption {
    inherit type;
    description = "";
  };

  # nixpkgs' systemd `unitOption`: a value or a list of values; lists of
  # several definitions are concatenated, single values must agree.
  unitOption =
    let
      scalar = v: builtins.isBool v || builtins.isInt v || builtins.isString v || builtins.isPath v || lib.isDerivation v;
    in
    lib.mkOptionType {
      name = "unitOption";
      check = v: scalar v || (builtins.isList v && builtins.all scalar v);
      merge = "unit";
    };

  unitNames = opt (types.listOf types.str) [ ];

  # nixos/lib/systemd-unit-options.nix, the parts used here.
  serviceOptions = {
    options = {
      enable = bool true;
      description = opt types.singleLineStr "";
      wantedBy = unitNames;
      requiredBy = unitNames;
      upheldBy = unitNames;
      wants = unitNames;
      requires = unitNames;
      requisite = unitNames;
      bindsTo = unitNames;
      after = unitNames;
      before = unitNames;
      partOf = unitNames;
      conflicts = unitNames;
      path = opt (types.listOf (types.either types.package types.str)) [ ];
      environment = opt (types.attrsOf (types.nullOr (types.oneOf [ types.str types.path types.package ]))) { };
      serviceConfig = opt (types.attrsOf unitOption) { };
      unitConfig = opt (types.attrsOf unitOption) { };
      script = opt types.lines "";
      preStart = opt types.lines "";
      postStart = opt types.lines "";
      reload = opt types.lines "";
      restartIfChanged = bool true;
      reloadIfChanged = bool false;
      stopIfChanged = bool true;
      restartTriggers = opt (types.listOf types.unspecified) [ ];
      reloadTriggers = opt (types.listOf types.unspecified) [ ];
      startAt = opt (types.either types.str (types.listOf types.str)) [ ];
    };
  };

  timerOptions = {
    options = {
      enable = bool true;
      description = opt types.singleLineStr "";
      wantedBy = unitNames;
      after = unitNames;
      before = unitNames;
      timerConfig = opt (types.attrsOf unitOption) { };
      unitConfig = opt (types.attrsOf unitOption) { };
    };
  };

  pathOptions = {
    options = {
      description = opt types.singleLineStr "";
      wantedBy = unitNames;
      pathConfig = opt (types.attrsOf unitOption) { };
    };
  };

  sliceOptions = {
    options = {
      description = opt types.singleLineStr "";
      sliceConfig = opt (types.attrsOf unitOption) { };
    };
  };

  allowsLogin = hash: hash == "" || !(builtins.elem hash [ null "!" "!!" "*" ]);

  fakePackage = pkgs.fakeDerivation;
in
{
  imports = [
    {
      _file = "nixos/modules/misc/assertions.nix";
      options.assertions = opt (types.listOf types.unspecified) [ ];
      options.warnings = opt (types.listOf types.str) [ ];
    }

    {
      _file = "nixos/modules/misc/version.nix";
      options.system.stateVersion = required types.str;
    }

    {
      _file = "nixos/modules/system/activation/top-level.nix";
      # Upstream: submodule { freeformType = lazyAttrsOf (uniq unspecified); }.
      options.system.build = opt (types.lazyAttrsOf types.unspecified) { };
    }

    {
      _file = "nixos/modules/installer/tools/tools.nix";
      config.system.build.nixos-rebuild = fakePackage "nixos-rebuild";
    }

    {
      _file = "nixos/modules/misc/nixpkgs.nix";
      # Upstream `configType`: attribute sets merged recursively.
      options.nixpkgs.config = opt types.anything { };
      options.nixpkgs.hostPlatform = required types.anything;
    }

    {
      _file = "nixos/modules/config/system-path.nix";
      options.environment.systemPackages = opt (types.listOf types.package) [ ];
    }

    {
      _file = "nixos/modules/services/system/nix-daemon.nix";
      options.nix.package = opt types.package (fakePackage "nix");
      # Upstream: submodule { freeformType = semanticConfType; options = { ... }; }.
      options.nix.settings = opt (types.submoduleWith {
        modules = [ { } ];
        freeformType = types.attrsOf types.anything;
      }) { };
    }

    {
      _file = "nixos/modules/system/boot/systemd.nix";
      options.systemd = {
        package = opt types.package (fakePackage "systemd");
        services = opt (types.attrsOf (types.submodule serviceOptions)) { };
        timers = opt (types.attrsOf (types.submodule timerOptions)) { };
        slices = opt (types.attrsOf (types.submodule sliceOptions)) { };
        paths = opt (types.attrsOf (types.submodule pathOptions)) { };
      };
    }

    {
      _file = "nixos/modules/system/boot/systemd/tmpfiles.nix";
      options.systemd.tmpfiles.rules = opt (types.listOf types.str) [ ];
    }

    {
      _file = "nixos/modules/tasks/filesystems.nix";
      options.fileSystems = opt (types.attrsOf (types.submodule {
        options = {
          device = opt (types.nullOr types.nonEmptyStr) null;
          fsType = opt types.nonEmptyStr "auto";
          options = opt (types.nonEmptyListOf types.nonEmptyStr) [ "defaults" ];
          autoFormat = bool false;
          autoResize = bool false;
          label = opt (types.nullOr types.str) null;
          neededForBoot = bool false;
        };
      })) { };
    }

    {
      _file = "nixos/modules/tasks/network-interfaces.nix";
      options.networking.hostName = opt (types.strMatching "^$|^[[:alnum:]]([[:alnum:]_-]{0,61}[[:alnum:]])?$") "nixos";
    }

    {
      _file = "nixos/modules/services/networking/firewall.nix";
      options.networking.firewall = {
        enable = bool true;
        allowedTCPPorts = opt (types.listOf types.port) [ ];
        allowedUDPPorts = opt (types.listOf types.port) [ ];
      };
    }

    {
      _file = "nixos/modules/config/users-groups.nix";
      options.users = {
        mutableUsers = bool true;
        allowNoPasswordLogin = bool false;
        users = opt (types.attrsOf (types.submodule (
          { name, config, ... }:
          {
            options = {
              name = opt (types.passwdEntry types.str) name;
              isNormalUser = bool false;
              isSystemUser = bool false;
              description = opt (types.passwdEntry types.str) "";
              uid = opt (types.nullOr types.int) null;
              group = opt types.str "";
              extraGroups = opt (types.listOf types.str) [ ];
              home = opt (types.passwdEntry types.path) "/var/empty";
              homeMode = opt (types.strMatching "[0-7]{1,5}") "700";
              createHome = bool false;
              hashedPassword = opt (types.nullOr (types.passwdEntry types.str)) null;
              password = opt (types.nullOr types.str) null;
              hashedPasswordFile = opt (types.nullOr types.str) null;
              linger = opt (types.nullOr types.bool) null;
              packages = opt (types.listOf types.package) [ ];
            };
            config = mkIf config.isNormalUser {
              group = mkDefault "users";
              createHome = mkDefault true;
              home = mkDefault "/home/${name}";
            };
          }
        ))) { };
        groups = opt (types.attrsOf (types.submodule {
          options = {
            gid = opt (types.nullOr types.int) null;
            members = opt (types.listOf (types.passwdEntry types.str)) [ ];
          };
        })) { };
      };
    }

    (
      { config, ... }:
      let
        cfg = config.users;
      in
      {
        _file = "nixos/modules/config/users-groups.nix";
        config = {
          users.users.root = {
            uid = 0;
            description = "System administrator";
            home = "/root";
            group = "root";
          };
          users.groups.root.gid = 0;
          assertions =
            [
              {
                assertion =
                  !cfg.mutableUsers
                  -> !cfg.allowNoPasswordLogin
                  -> builtins.any (x: x) (
                    lib.mapAttrsToList (
                      name: u:
                      (name == "root" || u.group == "wheel" || builtins.elem "wheel" u.extraGroups)
                      && (
                        allowsLogin u.hashedPassword
                        || u.password != null
                        || u.hashedPasswordFile != null
                        || u.openssh.authorizedKeys.keys != [ ]
                        || u.openssh.authorizedKeys.keyFiles != [ ]
                      )
                    ) cfg.users
                    ++ [ config.security.googleOsLogin.enable ]
                  );
                message = ''
                  Neither the root account nor any wheel user has a password or SSH authorized key.
                  You must set one to prevent being locked out of your system.
                  If you really want to be locked out of your system, set users.allowNoPasswordLogin = true;
                  However you are most probably better off by setting users.mutableUsers = true; and
                  manually running passwd root to set the root password.
                '';
              }
            ]
            ++ lib.mapAttrsToList (name: u: {
              assertion = u.isSystemUser != u.isNormalUser || name == "root";
              message = "Exactly one of users.users.${name}.isSystemUser and users.users.${name}.isNormalUser must be set.";
            }) cfg.users
            ++ lib.mapAttrsToList (name: u: {
              assertion = u.group != "";
              message = "users.users.${name}.group is unset. This used to default to nogroup, but this is unsafe.";
            }) cfg.users;
        };
      }
    )

    {
      _file = "nixos/modules/services/networking/ssh/sshd.nix";
      options.services.openssh = {
        enable = bool false;
        ports = opt (types.listOf types.port) [ 22 ];
        settings = opt (types.submoduleWith {
          modules = [
            {
              options = {
                PermitRootLogin = opt (types.nullOr (types.enum [
                  "yes"
                  "without-password"
                  "prohibit-password"
                  "forced-commands-only"
                  "no"
                ])) "prohibit-password";
                PasswordAuthentication = opt (types.nullOr types.bool) true;
                KbdInteractiveAuthentication = opt (types.nullOr types.bool) true;
                X11Forwarding = opt (types.nullOr types.bool) false;
              };
            }
          ];
          freeformType = types.attrsOf (types.nullOr (types.oneOf [ types.bool types.int types.str (types.listOf types.str) ]));
        }) { };
      };
      # sshd.nix extends every user with its authorized keys.
      options.users.users = opt (types.attrsOf (types.submodule {
        options.openssh.authorizedKeys = {
          keys = opt (types.listOf types.singleLineStr) [ ];
          keyFiles = opt (types.listOf types.path) [ ];
        };
      })) { };
    }

    {
      _file = "nixos/modules/security/google_oslogin.nix";
      options.security.googleOsLogin.enable = bool false;
    }

    {
      _file = "nixos/modules/security/sudo.nix";
      options.security.sudo = {
        enable = bool true;
        extraRules = opt (types.listOf (types.submodule {
          options = {
            users = opt (types.listOf (types.either types.str types.int)) [ ];
            groups = opt (types.listOf (types.either types.str types.int)) [ ];
            host = opt types.str "ALL";
            runAs = opt types.str "ALL:ALL";
            commands = opt (types.listOf (types.either types.str types.attrs)) [ ];
          };
        })) [ ];
      };
    }

    {
      _file = "nixos/modules/security/acme/default.nix";
      options.security.acme = {
        acceptTerms = bool false;
        defaults = opt (types.submodule {
          options.email = opt (types.nullOr types.str) null;
        }) { };
      };
    }

    (
      { config, ... }:
      let
        location = {
          options = {
            proxyPass = opt (types.nullOr types.str) null;
            proxyWebsockets = bool false;
            extraConfig = opt types.lines "";
            return = opt (types.nullOr (types.oneOf [ types.str types.int ])) null;
            recommendedProxySettings = bool config.services.nginx.recommendedProxySettings;
          };
        };
        vhost = {
          options = {
            serverName = opt (types.nullOr types.str) null;
            serverAliases = opt (types.listOf types.str) [ ];
            default = bool false;
            addSSL = bool false;
            onlySSL = bool false;
            forceSSL = bool false;
            rejectSSL = bool false;
            enableACME = bool false;
            useACMEHost = opt (types.nullOr types.str) null;
            sslCertificate = required types.path;
            sslCertificateKey = required types.path;
            extraConfig = opt types.lines "";
            locations = opt (types.attrsOf (types.submodule location)) { };
          };
        };
        cfg = config.services.nginx;
      in
      {
        _file = "nixos/modules/services/web-servers/nginx/default.nix";
        options.services.nginx = {
          enable = bool false;
          recommendedTlsSettings = bool false;
          recommendedProxySettings = bool false;
          recommendedOptimisation = bool false;
          recommendedGzipSettings = bool false;
          sslProtocols = opt types.str "TLSv1.2 TLSv1.3";
          sslCiphers = opt (types.nullOr types.str) null;
          commonHttpConfig = opt types.lines "";
          appendHttpConfig = opt types.lines "";
          validateConfigFile = bool true;
          virtualHosts = opt (types.attrsOf (types.submodule vhost)) { localhost = { }; };
        };
        config.assertions = mkIf cfg.enable (
          lib.mapAttrsToList (name: v: {
            assertion = builtins.length (builtins.filter (x: x) [ v.addSSL v.onlySSL v.forceSSL v.rejectSSL ]) <= 1;
            message = ''
              Options services.nginx.service.virtualHosts.<name>.addSSL,
              services.nginx.virtualHosts.<name>.onlySSL,
              services.nginx.virtualHosts.<name>.forceSSL and
              services.nginx.virtualHosts.<name>.rejectSSL are mutually exclusive.
            '';
          }) cfg.virtualHosts
          ++ lib.mapAttrsToList (name: v: {
            assertion = !(v.enableACME && v.useACMEHost != null);
            message = "Options services.nginx.service.virtualHosts.<name>.enableACME and services.nginx.virtualHosts.<name>.useACMEHost are mutually exclusive.";
          }) cfg.virtualHosts
        );
      }
    )

    {
      _file = "nixos/modules/services/security/oauth2-proxy.nix";
      options.services.oauth2-proxy = {
        enable = bool false;
        provider = opt (types.enum [
          "adfs"
          "azure"
          "bitbucket"
          "digitalocean"
          "facebook"
          "github"
          "gitlab"
          "google"
          "keycloak"
          "keycloak-oidc"
          "linkedin"
          "login.gov"
          "nextcloud"
          "oidc"
        ]) "google";
        clientID = required (types.nullOr types.str);
        keyFile = opt (types.nullOr types.path) null;
        oidcIssuerUrl = opt (types.nullOr types.str) null;
        redirectURL = opt (types.nullOr types.str) null;
        scope = opt (types.nullOr types.str) null;
        email.domains = opt (types.listOf types.str) [ ];
        email.addresses = opt (types.nullOr types.lines) null;
        reverseProxy = bool false;
        setXauthrequest = opt (types.nullOr types.bool) false;
        upstream = opt (types.coercedTo types.str (x: [ x ]) (types.listOf types.str)) [ ];
        cookie.secure = bool true;
        httpAddress = opt types.str "http://127.0.0.1:4180";
        extraConfig = opt (types.attrsOf types.anything) { };
      };
    }

    {
      _file = "nixos/modules/services/security/oauth2-proxy-nginx.nix";
      options.services.oauth2-proxy.nginx = {
        domain = required types.str;
        virtualHosts = opt (types.coercedTo (types.listOf types.str) (x: x) (types.attrsOf (types.submodule {
          options = {
            allowed_groups = opt (types.nullOr (types.listOf types.str)) null;
            allowed_emails = opt (types.nullOr (types.listOf types.str)) null;
            allowed_email_domains = opt (types.nullOr (types.listOf types.str)) null;
          };
        }))) { };
      };
    }

    {
      _file = "nixos/modules/services/web-apps/openvscode-server.nix";
      options.services.openvscode-server = {
        enable = bool false;
        package = opt types.package pkgs.openvscode-server;
        extraPackages = opt (types.listOf types.package) [ ];
        extraEnvironment = opt (types.attrsOf types.str) { };
        extraArguments = opt (types.listOf types.str) [ ];
        host = opt types.str "localhost";
        port = opt types.port 3000;
        socketPath = opt (types.nullOr types.str) null;
        user = opt types.str "openvscode-server";
        group = opt types.str "openvscode-server";
        extraGroups = opt (types.listOf types.str) [ ];
        withoutConnectionToken = bool false;
        connectionToken = opt (types.nullOr types.str) null;
        connectionTokenFile = opt (types.nullOr types.str) null;
        telemetryLevel = opt (types.nullOr (types.enum [ "off" "crash" "error" "all" ])) null;
        userDataDir = opt (types.nullOr types.str) null;
        serverDataDir = opt (types.nullOr types.str) null;
        extensionsDir = opt (types.nullOr types.str) null;
      };
    }

    {
      _file = "nixos/modules/programs/direnv.nix";
      options.programs.direnv = {
        enable = bool false;
        nix-direnv.enable = bool true;
      };
    }

    {
      _file = "nixos/modules/virtualisation/docker.nix";
      options.virtualisation.docker = {
        enable = bool false;
        daemon.settings = opt (types.attrsOf types.anything) { };
      };
    }

    {
      _file = "nixos/modules/virtualisation/podman/default.nix";
      options.virtualisation.podman = {
        enable = bool false;
        dockerCompat = bool false;
        dockerSocket.enable = bool false;
      };
    }

    {
      _file = "nixos/modules/services/hardware/nvidia-container-toolkit/default.nix";
      options.hardware.nvidia-container-toolkit.enable = bool false;
    }

    (
      { config, ... }:
      {
        _file = "nixos/modules/hardware/video/nvidia.nix";
        options.hardware.nvidia = {
          datacenter.enable = bool false;
          open = opt (types.nullOr types.bool) null;
          nvidiaPersistenced = bool false;
          package = opt types.package (fakePackage "nvidia-x11");
        };
        # Drivers from 560 on ship both kernel modules and make the choice
        # explicit.
        config.assertions = mkIf config.hardware.nvidia.datacenter.enable [
          {
            assertion = config.hardware.nvidia.open != null;
            message = "You must configure `hardware.nvidia.open` on NVIDIA driver versions >= 560.";
          }
        ];
      }
    )

    {
      _file = "nixos/modules/hardware/graphics.nix";
      options.hardware.graphics.enable = bool false;
    }

    (
      { config, ... }:
      {
        _file = "nixos/modules/services/misc/amazon-ssm-agent.nix";
        options.services.amazon-ssm-agent.enable = bool false;
        config = mkIf config.services.amazon-ssm-agent.enable {
          users.users.ssm-user = {
            isNormalUser = true;
            group = "ssm-user";
          };
          users.groups.ssm-user = { };
          security.sudo.extraRules = [
            {
              users = [ "ssm-user" ];
              commands = [
                {
                  command = "ALL";
                  options = [ "NOPASSWD" ];
                }
              ];
            }
          ];
        };
      }
    )
  ];
}
