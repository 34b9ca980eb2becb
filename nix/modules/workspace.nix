# mlWorkspace.workspace: a browser VS Code (openvscode-server) for one person,
# behind nginx with TLS, optionally behind oauth2-proxy single sign-on, with an
# optional NVIDIA datacenter GPU stack, Docker, and a persistent /home disk.
#
# The IDE only ever listens on 127.0.0.1; nginx is the only thing facing the
# network (ports 80 and 443). Every secret is referenced by a runtime path
# (`*File` options), never by value, so none of them reaches the Nix store, a
# command line or the instance metadata. Pair this module with
# `mlWorkspace.secrets`, which fetches those files from the cloud's secret store
# into a tmpfs at boot.
{
  config,
  lib,
  pkgs,
  ...
}:

let
  inherit (lib)
    mkOption
    mkEnableOption
    mkPackageOption
    mkIf
    mkMerge
    mkDefault
    mkOverride
    types
    literalExpression
    optional
    optionals
    concatStringsSep
    hasPrefix
    ;

  cfg = config.mlWorkspace.workspace;
  opt = "mlWorkspace.workspace";

  oauth2 = cfg.oauth2Proxy;
  acme = cfg.tls.acme;

  home = "/home/${cfg.user}";
  ideUpstream = "http://127.0.0.1:${toString cfg.ide.port}";

  # Mozilla "intermediate" TLS 1.2 cipher list (TLS 1.3 suites are not
  # configurable through ssl_ciphers and are all acceptable).
  # https://ssl-config.mozilla.org/#server=nginx&config=intermediate
  intermediateCiphers = concatStringsSep ":" [
    "ECDHE-ECDSA-AES128-GCM-SHA256"
    "ECDHE-RSA-AES128-GCM-SHA256"
    "ECDHE-ECDSA-AES256-GCM-SHA384"
    "ECDHE-RSA-AES256-GCM-SHA384"
    "ECDHE-ECDSA-CHACHA20-POLY1305"
    "ECDHE-RSA-CHACHA20-POLY1305"
  ];

  hsts = ''add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;'';

  # oauth2-proxy reads its client and cookie secrets from the environment
  # (upstream `services.oauth2-proxy.keyFile`, an EnvironmentFile). This file is
  # assembled at service start from the two runtime secret files, in a root-only
  # tmpfs directory, so the values never appear in the store or on a command line.
  oauth2EnvDir = "/run/ml-workspace-oauth2-proxy";
  oauth2EnvFile = "${oauth2EnvDir}/environment";

  isAbsolute = path: path != null && hasPrefix "/" path;
  inStore = path: path != null && hasPrefix "${builtins.storeDir}/" path;

  # A runtime secret path must be absolute and must not point into the store.
  secretPathAssertions =
    name: path:
    [
      {
        assertion = isAbsolute path;
        message = "${opt}.${name} must be an absolute path to a file that exists at runtime (e.g. under /run/ml-workspace/secrets), got ${builtins.toJSON path}.";
      }
      {
        assertion = !(inStore path);
        message = "${opt}.${name} points into the Nix store (${toString path}); the store is world-readable, so secrets must live outside it. Use mlWorkspace.secrets to fetch the file into /run at boot.";
      }
    ];

  assembleOauth2Env = pkgs.writeShellScript "ml-workspace-oauth2-proxy-env" ''
    set -euo pipefail
    umask 0077
    export PATH=${lib.makeBinPath [ pkgs.coreutils ]}

    # Emit KEY='value' for systemd's EnvironmentFile parser. $(<file) and
    # printf are handled by bash itself, so the value never appears in the
    # argv of any process.
    emit() {
      local key=$1 file=$2 value
      if [ ! -r "$file" ]; then
        echo "oauth2-proxy secret $file is missing or unreadable" >&2
        return 1
      fi
      value=$(<"$file")
      if [ -z "$value" ]; then
        echo "oauth2-proxy secret $file is empty" >&2
        return 1
      fi
      case "$value" in
        *$'\n'* | *"'"*)
          echo "oauth2-proxy secret $file must be a single line without single quotes" >&2
          return 1
          ;;
      esac
      printf "%s='%s'\n" "$key" "$value"
    }

    install -d -m 0700 ${oauth2EnvDir}
    tmp=$(mktemp ${oauth2EnvDir}/.environment.XXXXXX)
    trap 'rm -f -- "$tmp"' EXIT
    {
      emit OAUTH2_PROXY_CLIENT_SECRET ${lib.escapeShellArg oauth2.clientSecretFile}
      emit OAUTH2_PROXY_COOKIE_SECRET ${lib.escapeShellArg oauth2.cookieSecretFile}
    } >"$tmp"
    chmod 0400 "$tmp"
    mv -f -- "$tmp" ${oauth2EnvFile}
    trap - EXIT
  '';
in
{
  options.mlWorkspace.workspace = {
    enable = mkEnableOption "the ML workspace: openvscode-server behind nginx with TLS";

    domain = mkOption {
      type = types.str;
      example = "alice.ml.example.com";
      description = ''
        Fully qualified DNS name the workspace is served on. nginx serves the
        IDE on this virtual host and, with {option}`${opt}.tls.acme.enable`,
        requests its certificate from Let's Encrypt.
      '';
    };

    user = mkOption {
      type = types.strMatching "[a-z_][a-z0-9_-]*";
      default = "workspace";
      example = "alice";
      description = ''
        Name of the normal user that owns the workspace. The module creates
        it with home directory `/home/<user>`, no password and no sudo; the
        IDE runs as this user. When {option}`${opt}.docker.enable` is set the
        user is in the `docker` group, which is root-equivalent on this host.
      '';
    };

    ide = {
      package = mkPackageOption pkgs "openvscode-server" { };

      port = mkOption {
        type = types.port;
        default = 3000;
        example = 3100;
        description = ''
          Port openvscode-server listens on. It always binds to 127.0.0.1
          only; nginx proxies to it.
        '';
      };

      connectionTokenFile = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "/run/ml-workspace/secrets/connection-token";
        description = ''
          Runtime path of a file holding the IDE connection token, readable by
          {option}`${opt}.user`. Browsers pass it once as `?tkn=<token>`; the
          IDE then keeps it in a cookie. Required unless
          {option}`${opt}.oauth2Proxy.enable` is set; when the proxy is enabled
          and this is `null`, the IDE runs without a token because it is only
          reachable on loopback through the authenticating proxy.
        '';
      };
    };

    home = {
      device = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "/dev/disk/by-id/google-home";
        description = ''
          Block device holding `/home`, typically a separate cloud disk that
          outlives the VM so the user's files survive recreation. `null`
          keeps `/home` on the root disk.
        '';
      };

      fsType = mkOption {
        type = types.str;
        default = "ext4";
        example = "xfs";
        description = "File system type of {option}`${opt}.home.device`.";
      };

      autoFormat = mkOption {
        type = types.bool;
        default = true;
        example = false;
        description = ''
          Format {option}`${opt}.home.device` with
          {option}`${opt}.home.fsType` if it holds no file system yet (a
          brand-new disk). An existing file system is never touched.
        '';
      };
    };

    tls = {
      acme = {
        enable = mkOption {
          type = types.bool;
          default = true;
          example = false;
          description = ''
            Obtain and renew the certificate for {option}`${opt}.domain` from
            Let's Encrypt (HTTP-01 challenge on port 80). Setting this accepts
            the Let's Encrypt terms of service.
          '';
        };

        email = mkOption {
          type = types.nullOr types.str;
          default = null;
          example = "platform-team@example.com";
          description = "Contact address registered with Let's Encrypt. Required when ACME is enabled.";
        };
      };

      certificateFile = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "/run/ml-workspace/secrets/tls-certificate";
        description = ''
          Runtime path of the PEM certificate chain, used when
          {option}`${opt}.tls.acme.enable` is `false`.
        '';
      };

      keyFile = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "/run/ml-workspace/secrets/tls-key";
        description = ''
          Runtime path of the PEM private key, used when
          {option}`${opt}.tls.acme.enable` is `false`. Must be readable by
          the `nginx` user and must not be in the Nix store.
        '';
      };
    };

    oauth2Proxy = {
      enable = mkOption {
        type = types.bool;
        default = false;
        example = true;
        description = ''
          Put the workspace behind oauth2-proxy (nginx `auth_request`), so
          only the listed accounts reach the IDE.
        '';
      };

      provider = mkOption {
        type = types.enum [
          "google"
          "github"
          "oidc"
        ];
        default = "google";
        example = "oidc";
        description = "Identity provider oauth2-proxy authenticates against.";
      };

      clientId = mkOption {
        type = types.str;
        example = "123456789012-abc.apps.googleusercontent.com";
        description = "OAuth client ID registered with the provider (not a secret).";
      };

      clientSecretFile = mkOption {
        type = types.str;
        example = "/run/ml-workspace/secrets/oauth2-client-secret";
        description = "Runtime path of a file holding the OAuth client secret, on one line.";
      };

      cookieSecretFile = mkOption {
        type = types.str;
        example = "/run/ml-workspace/secrets/oauth2-cookie-secret";
        description = ''
          Runtime path of a file holding the cookie signing secret: 32 random
          bytes, URL-safe base64 encoded, e.g.
          `openssl rand -base64 32 | tr -- '+/' '-_'`.
        '';
      };

      oidcIssuerUrl = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0";
        description = "OpenID Connect issuer URL. Required when the provider is `oidc`.";
      };

      allowedEmails = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [ "alice@example.com" ];
        description = ''
          Email addresses allowed to sign in. At least one of this and
          {option}`${opt}.oauth2Proxy.allowedEmailDomains` must be non-empty.
        '';
      };

      allowedEmailDomains = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [ "example.com" ];
        description = ''
          Email domains whose accounts may sign in. `*` is rejected: the
          workspace never admits every account of a provider.
        '';
      };
    };

    gpu.enable = mkOption {
      type = types.bool;
      default = false;
      example = true;
      description = ''
        Install the NVIDIA datacenter driver (headless) with CUDA user-space
        libraries, and the NVIDIA container toolkit when Docker is enabled.
        Only the NVIDIA packages are allowed as unfree.
      '';
    };

    docker.enable = mkOption {
      type = types.bool;
      default = true;
      example = false;
      description = "Run the Docker daemon and put {option}`${opt}.user` in the `docker` group.";
    };

    extraPackages = mkOption {
      type = types.listOf types.package;
      default = [ ];
      example = literalExpression "[ pkgs.python3 pkgs.uv ]";
      description = "Additional packages installed system-wide and visible to the IDE and its terminals.";
    };

    admin = {
      user = mkOption {
        type = types.nullOr (types.strMatching "[a-z_][a-z0-9_-]*");
        default = null;
        example = "azureuser";
        description = ''
          A break-glass administrator for when the IDE is down: a `wheel`
          account with passwordless sudo that logs in over SSH with
          {option}`${opt}.admin.authorizedKeys` only. Declared here because
          users are managed declaratively (`users.mutableUsers = false`), so
          an account a cloud agent creates at provisioning would not survive
          the next rebuild. On Azure the constructs set it to the VM's admin
          account, reached through Azure Bastion; GCP (OS Login) and AWS
          (Session Manager) need none. `null`: no such account.
        '';
      };

      authorizedKeys = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA... admin" ];
        description = "OpenSSH public keys that may log in as {option}`${opt}.admin.user`.";
      };
    };
  };

  config = mkIf cfg.enable (mkMerge [
    {
      assertions = [
        {
          assertion = cfg.domain != "";
          message = "${opt}.domain must be the DNS name the workspace is served on (e.g. \"alice.ml.example.com\"), got an empty string.";
        }
        {
          assertion = cfg.user != "root";
          message = "${opt}.user must not be \"root\"; the IDE runs as an unprivileged user.";
        }
        {
          assertion = oauth2.enable || cfg.ide.connectionTokenFile != null;
          message = "${opt}.ide.connectionTokenFile must be set when ${opt}.oauth2Proxy.enable is false; without a token or a proxy the IDE would be open to anyone who can reach it.";
        }
        {
          assertion = !(builtins.elem cfg.ide.port ([ 80 443 ] ++ optional oauth2.enable 4180));
          message = "${opt}.ide.port ${toString cfg.ide.port} collides with nginx (80, 443) or oauth2-proxy (4180); pick another port such as 3000.";
        }
        {
          assertion = acme.enable -> acme.email != null && acme.email != "";
          message = "${opt}.tls.acme.email must be set when ${opt}.tls.acme.enable is true (Let's Encrypt needs a contact address).";
        }
        {
          assertion = !acme.enable -> cfg.tls.certificateFile != null && cfg.tls.keyFile != null;
          message = "${opt}.tls.certificateFile and ${opt}.tls.keyFile must both be set when ${opt}.tls.acme.enable is false.";
        }
      ]
      ++ optionals (cfg.ide.connectionTokenFile != null) (
        secretPathAssertions "ide.connectionTokenFile" cfg.ide.connectionTokenFile
      )
      ++ optionals (!acme.enable && cfg.tls.keyFile != null) (
        secretPathAssertions "tls.keyFile" cfg.tls.keyFile
      );

      users.mutableUsers = mkDefault false;
      users.groups.${cfg.user} = { };
      users.users.${cfg.user} = {
        isNormalUser = true;
        description = "ML workspace user";
        group = cfg.user;
        inherit home;
        createHome = true;
        # Locked password: sign-in is through the IDE (token or SSO) or SSH keys.
        hashedPassword = mkDefault "!";
        extraGroups = optional cfg.docker.enable "docker";
      };

      # /home may be a separate disk mounted after activation created the home
      # directory on the root file system; tmpfiles runs after local-fs.target
      # and makes sure the directory exists on the mounted disk too.
      systemd.tmpfiles.rules = [ "d ${home} 0700 ${cfg.user} ${cfg.user} -" ];

      services.openvscode-server = {
        enable = true;
        package = cfg.ide.package;
        host = "127.0.0.1";
        port = cfg.ide.port;
        user = cfg.user;
        group = cfg.user;
        connectionTokenFile = cfg.ide.connectionTokenFile;
        # Only reachable when oauth2-proxy is enabled (see assertions above):
        # the IDE is loopback-only and every request has passed the proxy.
        withoutConnectionToken = cfg.ide.connectionTokenFile == null;
        telemetryLevel = mkDefault "off";
        extraPackages = cfg.extraPackages;
      };

      systemd.services.openvscode-server = {
        # Extensions and language servers spawn tools from the service's PATH;
        # give them the system profile and the user's profile, like a login shell.
        path = [
          "/run/current-system/sw"
          "/etc/profiles/per-user/${cfg.user}"
        ];
        unitConfig.RequiresMountsFor = [ home ];
        serviceConfig.WorkingDirectory = home;
      };

      services.nginx = {
        enable = true;
        recommendedTlsSettings = mkDefault true;
        recommendedProxySettings = mkDefault true;
        recommendedOptimisation = mkDefault true;
        recommendedGzipSettings = mkDefault true;
        sslProtocols = mkDefault "TLSv1.2 TLSv1.3";
        sslCiphers = mkDefault intermediateCiphers;

        # Requests for any other name (scanners hitting the bare IP) get no
        # certificate and no answer.
        virtualHosts."_" = {
          default = true;
          rejectSSL = true;
          locations."/".return = "444";
        };

        virtualHosts.${cfg.domain} = {
          forceSSL = true;
          enableACME = acme.enable;
          sslCertificate = mkIf (!acme.enable) cfg.tls.certificateFile;
          sslCertificateKey = mkIf (!acme.enable) cfg.tls.keyFile;
          extraConfig = hsts;
          locations."/" = {
            proxyPass = ideUpstream;
            proxyWebsockets = true;
            # A location with its own add_header (oauth2-proxy adds one) does
            # not inherit the server's, so HSTS is repeated here.
            extraConfig = hsts;
          };
        };
      };

      # Cloud images (GCE, EC2) turn the host firewall off by default and rely
      # on the cloud firewall alone; keep it on as a second layer, overridable.
      networking.firewall.enable = mkOverride 900 true;
      networking.firewall.allowedTCPPorts = [
        80
        443
      ];

      services.openssh.settings = {
        PasswordAuthentication = mkDefault false;
        PermitRootLogin = mkDefault "no";
      };

      nix.settings.experimental-features = [
        "nix-command"
        "flakes"
      ];

      programs.direnv = {
        enable = true;
        nix-direnv.enable = true;
      };

      environment.systemPackages = [ pkgs.git ] ++ cfg.extraPackages;
    }

    (mkIf acme.enable {
      # Enabling ACME for the workspace is the user's acceptance of the terms.
      security.acme.acceptTerms = true;
      security.acme.defaults.email = mkDefault acme.email;
    })

    (mkIf (cfg.admin.user != null) {
      assertions = [
        {
          assertion = cfg.admin.authorizedKeys != [ ];
          message = "${opt}.admin.authorizedKeys must list at least one SSH public key for ${opt}.admin.user \"${cfg.admin.user}\"; the account has no password.";
        }
        {
          assertion = cfg.admin.user != cfg.user && cfg.admin.user != "root";
          message = "${opt}.admin.user must differ from ${opt}.user and from \"root\"; the IDE user stays unprivileged.";
        }
      ];
      users.users.${cfg.admin.user} = {
        isNormalUser = true;
        description = "ML workspace break-glass administrator";
        extraGroups = [ "wheel" ];
        hashedPassword = mkDefault "!";
        openssh.authorizedKeys.keys = cfg.admin.authorizedKeys;
      };
      # Key-only account without a password: sudo cannot ask for one.
      security.sudo.extraRules = [
        {
          users = [ cfg.admin.user ];
          commands = [
            {
              command = "ALL";
              options = [ "NOPASSWD" ];
            }
          ];
        }
      ];
    })

    (mkIf (cfg.home.device != null) {
      fileSystems."/home" = {
        device = cfg.home.device;
        fsType = cfg.home.fsType;
        autoFormat = cfg.home.autoFormat;
        # Grow the file system when the cloud disk is enlarged.
        autoResize = hasPrefix "ext" cfg.home.fsType;
        # No "nofail": without its home disk the workspace must not come up
        # and write the user's files to the throw-away root disk.
        options = [
          "defaults"
          "nodev"
          "nosuid"
        ];
      };
    })

    (mkIf oauth2.enable {
      assertions = [
        {
          assertion = oauth2.clientId != "";
          message = "${opt}.oauth2Proxy.clientId must be set when ${opt}.oauth2Proxy.enable is true.";
        }
        {
          assertion = oauth2.provider == "oidc" -> oauth2.oidcIssuerUrl != null && hasPrefix "https://" oauth2.oidcIssuerUrl;
          message = "${opt}.oauth2Proxy.oidcIssuerUrl must be an https:// issuer URL when ${opt}.oauth2Proxy.provider is \"oidc\", got ${builtins.toJSON oauth2.oidcIssuerUrl}.";
        }
        {
          assertion = oauth2.allowedEmails != [ ] || oauth2.allowedEmailDomains != [ ];
          message = "${opt}.oauth2Proxy.allowedEmails or ${opt}.oauth2Proxy.allowedEmailDomains must list at least one entry; an empty allow-list would admit every account of the provider.";
        }
        {
          assertion = !(builtins.elem "*" oauth2.allowedEmailDomains);
          message = "${opt}.oauth2Proxy.allowedEmailDomains must not contain \"*\"; list the organisation's domains instead.";
        }
      ]
      ++ secretPathAssertions "oauth2Proxy.clientSecretFile" oauth2.clientSecretFile
      ++ secretPathAssertions "oauth2Proxy.cookieSecretFile" oauth2.cookieSecretFile;

      services.oauth2-proxy = {
        enable = true;
        provider = oauth2.provider;
        clientID = oauth2.clientId;
        keyFile = oauth2EnvFile;
        oidcIssuerUrl = mkIf (oauth2.provider == "oidc") oauth2.oidcIssuerUrl;
        redirectURL = "https://${cfg.domain}/oauth2/callback";
        email.domains = oauth2.allowedEmailDomains;
        email.addresses = mkIf (oauth2.allowedEmails != [ ]) (concatStringsSep "\n" oauth2.allowedEmails);
        scope = mkIf (oauth2.provider == "github") (mkDefault "user:email");
        reverseProxy = true;
        setXauthrequest = true;
        # auth_request mode: nginx proxies to the IDE, oauth2-proxy only answers
        # /oauth2/auth; it still needs an upstream to start.
        upstream = mkDefault [ "static://202" ];
        cookie.secure = true;
        nginx = {
          domain = cfg.domain;
          virtualHosts.${cfg.domain} = { };
        };
      };

      systemd.services.ml-workspace-oauth2-proxy-env = {
        description = "Assemble the oauth2-proxy environment file from runtime secrets";
        requiredBy = [ "oauth2-proxy.service" ];
        before = [ "oauth2-proxy.service" ];
        # Restarting oauth2-proxy re-reads rotated secrets.
        partOf = [ "oauth2-proxy.service" ];
        after = [ "ml-workspace-secrets.service" ];
        serviceConfig = {
          Type = "oneshot";
          RemainAfterExit = true;
          ExecStart = assembleOauth2Env;
          UMask = "0077";
        };
      };
    })

    (mkIf cfg.docker.enable {
      virtualisation.docker.enable = true;
    })

    (mkIf cfg.gpu.enable {
      hardware.nvidia.datacenter.enable = true;
      # Closed kernel modules cover every datacenter GPU from Pascal (P100) to
      # Hopper; Blackwell and later need `hardware.nvidia.open = true`.
      hardware.nvidia.open = mkDefault false;
      hardware.nvidia.nvidiaPersistenced = mkDefault true;
      hardware.graphics.enable = true;
      hardware.nvidia-container-toolkit.enable = mkIf cfg.docker.enable true;

      nixpkgs.config.allowUnfreePredicate =
        pkg:
        let
          name = lib.getName pkg;
        in
        hasPrefix "nvidia-" name
        || name == "fabricmanager";
    })
  ]);
}
