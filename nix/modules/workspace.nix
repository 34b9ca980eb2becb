# mlWorkspace.workspace: a browser VS Code (openvscode-server) for one person,
# behind nginx with TLS, optionally behind oauth2-proxy single sign-on, with an
# optional NVIDIA datacenter GPU stack, rootless containers, and a persistent
# /home disk.
#
# The IDE listens only on a Unix socket that nothing but nginx and the
# workspace user can open; nginx is the only thing facing the network (ports
# 80 and 443). The IDE and everything started from it (terminals, containers)
# cannot reach the cloud's instance metadata service, so they cannot borrow
# the VM's identity. Every secret is referenced by a runtime path
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
    mkForce
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

  # The IDE's socket, in a directory only the workspace user and nginx may
  # enter (setgid, so the socket belongs to the nginx group).
  ideSocketDir = "/run/ml-workspace-ide";
  ideSocket = "${ideSocketDir}/ide.sock";
  ideUpstream = "http://unix:${ideSocket}:";

  # The address people open: the default is the domain, a tunnel's
  # `https://localhost:<port>/` or an IP address otherwise.
  url = if cfg.url != null then cfg.url else "https://${cfg.domain}/";

  # The instance metadata services (GCP, AWS and Azure share the IPv4 one;
  # AWS and GCP also answer on IPv6).
  metadataAddresses = [
    "169.254.169.254"
    "fd00:ec2::254"
    "fd20:ce::254"
  ];

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

  # HSTS only for the real domain: the IDE's virtual host also answers for
  # `localhost` (a tunnel) and for an IP address, and HSTS on localhost would
  # pin every `http://localhost:*` development server of the person's laptop
  # to HTTPS for two years. add_header sends nothing for an empty value.
  hstsVariable = "$ml_workspace_hsts";
  hsts = ''add_header Strict-Transport-Security ${hstsVariable} always;'';


  # oauth2-proxy reads its client and cookie secrets from the environment
  # (upstream `services.oauth2-proxy.keyFile`, an EnvironmentFile). This file is
  # assembled at service start from the two runtime secret files, in a root-only
  # tmpfs directory, so the values never appear in the store or on a command line.
  oauth2EnvDir = "/run/ml-workspace-oauth2-proxy";
  oauth2EnvFile = "${oauth2EnvDir}/environment";

  # The shapes TypeScript validates too (src/core/sso-strings.ts, src/core/email.ts).
  clientIdPattern = "[A-Za-z0-9][A-Za-z0-9._~-]{0,254}";
  issuerPattern = "https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~%!$&()*+,;=:@/-]*)?";
  domainPattern = "([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}";
  emailPattern = "[^[:space:]@]+@[^[:space:]@]+\\.[^[:space:]@]+";

  plainPath = "(/[A-Za-z0-9._-]+)+";

  isAbsolute = path: path != null && hasPrefix "/" path;
  inStore = path: path != null && hasPrefix "${builtins.storeDir}/" path;

  # A runtime secret path must be absolute and must not point into the store.
  secretPathAssertions =
    name: path:
    [
      {
        # It is written into nginx's configuration and unit files: a plain
        # path, nothing that could end a directive.
        assertion = isAbsolute path && builtins.match plainPath path != null;
        message = "${opt}.${name} must be an absolute path (letters, digits and . _ - /) to a file that exists at runtime (e.g. under /run/ml-workspace/secrets), got ${builtins.toJSON path}.";
      }
      {
        assertion = !(inStore path);
        message = "${opt}.${name} points into the Nix store (${toString path}); the store is world-readable, so secrets must live outside it. Use mlWorkspace.secrets to fetch the file into /run at boot.";
      }
    ];

  # mlWorkspace.secrets reads the secrets again on a timer, replaces only
  # files whose value changed, and then writes the list of those files to
  # `<directory>/.changed` in one step (../modules/secrets.nix). A path unit
  # per consumer watches that one file (a single event per refresh, so
  # nothing is missed while a reload runs) and hands the new value to the
  # service that reads it: nginx reloads (no connection drops) a renewed
  # certificate; oauth2-proxy and the IDE restart on a rotated secret or token
  # (the IDE's open terminals and containers end; the old token stops working).
  onSecretChange = name: description: files: command: {
    paths."ml-workspace-${name}-changed" = {
      description = "Watch for new values of ${concatStringsSep ", " files}";
      wantedBy = [ "multi-user.target" ];
      pathConfig = {
        PathChanged = [ "${dirOf (builtins.head files)}/.changed" ];
        Unit = "ml-workspace-${name}-changed.service";
      };
    };
    services."ml-workspace-${name}-changed" = {
      inherit description;
      serviceConfig.Type = "oneshot";
      script = ''
        if grep -qxF ${concatStringsSep " " (map (f: "-e ${lib.escapeShellArg f}") files)} ${lib.escapeShellArg "${dirOf (builtins.head files)}/.changed"}; then
          ${command}
        fi
      '';
    };
  };

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
        requests its certificate from Let's Encrypt. The same virtual host is
        nginx's default server and also answers for `localhost` (a tunnel) and
        for requests without a server name (an IP address), so every address
        the constructs print reaches the IDE; HSTS is sent only for this name.
      '';
    };

    url = mkOption {
      # A host name or IPv4 address and an optional port: nothing that could
      # end a quoted command-line argument.
      type = types.nullOr (types.strMatching "https://[A-Za-z0-9.-]+(:[0-9]{1,5})?/");
      default = null;
      example = "https://localhost:21433/";
      description = ''
        The address people open the IDE at, when it is not
        `https://<domain>/`: `https://localhost:<port>/` through a tunnel, or
        `https://<ip>/`. oauth2-proxy's sign-in callback is made from it, so
        register `<url>oauth2/callback` with the identity provider. `null`:
        `https://<domain>/`.
      '';
    };

    user = mkOption {
      type = types.strMatching "[a-z_][a-z0-9_-]*";
      default = "workspace";
      example = "alice";
      description = ''
        Name of the normal user that owns the workspace. The module creates
        it with home directory `/home/<user>`, no password and no sudo; the
        IDE runs as this user. With {option}`${opt}.containers` `"docker"`
        the user is in the `docker` group, which is root-equivalent on this
        host.
      '';
    };

    ide = {
      package = mkPackageOption pkgs "openvscode-server" { };

      allowInstanceMetadata = mkOption {
        type = types.bool;
        default = false;
        example = true;
        description = ''
          Let the IDE and everything started from it (terminals, containers)
          reach the cloud's instance metadata service, and with it the VM's
          credentials: every secret the VM may read, and whatever its role
          may do. Off, people use their own credentials (`gcloud auth login`,
          `aws sso login`, `az login`) in the IDE.
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
          and this is `null`, the IDE runs without a token: its socket admits
          only nginx (which lets nobody past oauth2-proxy) and the workspace
          user itself, so no other local account, shell or container reaches
          it.
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

    containers = mkOption {
      type = types.enum [
        "podman"
        "docker"
        "none"
      ];
      default = "podman";
      example = "none";
      description = ''
        Containers for the workspace user. `podman`: rootless Podman with a
        `docker`-compatible command, so containers run as the user and can do
        nothing the user cannot. `docker`: the Docker daemon, with the user in
        the `docker` group, which is root on this host (it can read every
        secret under /run/ml-workspace/secrets); choose it only when a tool
        needs the real daemon. `none`: no container engine. With
        {option}`${opt}.gpu.enable`, containers get the GPUs through CDI
        (`--device nvidia.com/gpu=all`).
      '';
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
          # It becomes an nginx server name, an ACME domain and part of
          # oauth2-proxy's command line: a host name and nothing else.
          assertion = builtins.match "[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?" cfg.domain != null;
          message = "${opt}.domain must be the DNS name the workspace is served on (letters, digits, dots and hyphens, e.g. \"alice.ml.example.com\"), got ${builtins.toJSON cfg.domain}.";
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
          assertion = acme.enable -> acme.email != null && builtins.match emailPattern acme.email != null;
          message = "${opt}.tls.acme.email must be an email address when ${opt}.tls.acme.enable is true (Let's Encrypt needs a contact address), got ${builtins.toJSON acme.email}.";
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
      )
      # Not a secret (it may be in the store), but nginx's configuration holds it.
      ++ optional (!acme.enable && cfg.tls.certificateFile != null) {
        assertion = builtins.match plainPath cfg.tls.certificateFile != null;
        message = "${opt}.tls.certificateFile must be an absolute path (letters, digits and . _ - /), got ${builtins.toJSON cfg.tls.certificateFile}.";
      };

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
        extraGroups = optional (cfg.containers == "docker") "docker";
      };

      # /home may be a separate disk mounted after activation created the home
      # directory on the root file system; tmpfiles runs after local-fs.target
      # and makes sure the directory exists on the mounted disk too.
      systemd.tmpfiles.rules = [
        "d ${home} 0700 ${cfg.user} ${cfg.user} -"
        "d ${ideSocketDir} 2750 ${cfg.user} nginx -"
      ];

      services.openvscode-server = {
        enable = true;
        package = cfg.ide.package;
        # The socket replaces the TCP listener (--socket-path wins over
        # --host/--port), so no other local account can reach the IDE.
        host = "127.0.0.1";
        socketPath = ideSocket;
        user = cfg.user;
        group = cfg.user;
        connectionTokenFile = cfg.ide.connectionTokenFile;
        # Only with oauth2-proxy (see the assertions above): the socket admits
        # nginx, which lets nobody past the proxy, and the workspace user.
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
        # A socket left behind by a crash would make the next start fail.
        preStart = "rm -f -- ${ideSocket}";
        serviceConfig = {
          WorkingDirectory = home;
          # The socket (and files made in the IDE) are not for other users;
          # the socket's group is nginx through the setgid directory.
          UMask = "0007";
          # The metadata service hands out the VM's credentials to whoever
          # asks; the IDE and its terminals and rootless containers (all in
          # this unit's cgroup) must not ask.
          IPAddressDeny = mkIf (!cfg.ide.allowInstanceMetadata) metadataAddresses;
        };
      };

      # Nor through the Nix daemon: a fixed-output build the workspace user
      # asks for runs there, with network access.
      systemd.services.nix-daemon.serviceConfig.IPAddressDeny = mkIf (!cfg.ide.allowInstanceMetadata) metadataAddresses;

      services.nginx = {
        enable = true;
        recommendedTlsSettings = mkDefault true;
        recommendedProxySettings = mkDefault true;
        recommendedOptimisation = mkDefault true;
        recommendedGzipSettings = mkDefault true;
        sslProtocols = mkDefault "TLSv1.2 TLSv1.3";
        sslCiphers = mkDefault intermediateCiphers;

        # The connection token arrives once as `?tkn=...` (and can linger in
        # a Referer): the IDE's access log records the path without the query
        # string, and no Referer.
        appendHttpConfig = ''
          log_format ml_workspace '$remote_addr - $remote_user [$time_local] "$request_method $uri $server_protocol" $status $body_bytes_sent "$http_user_agent"';
          map $host ${hstsVariable} {
            default "";
            ${builtins.toJSON (lib.toLower cfg.domain)} "max-age=63072000; includeSubDomains";
          }
        '';

        # The one virtual host, and the default server: a tunnel sends the
        # name `localhost`, a URL by IP address sends none, and both must reach
        # the IDE (an unknown name or none goes to the default server). (A catch-all that refuses the TLS handshake would refuse
        # exactly those.) Every request still needs the token or the sign-in.
        # (No serverAliases: being the default server is enough, and ACME
        # would ask Let's Encrypt for a certificate naming them.)
        virtualHosts.${cfg.domain} = {
          default = true;
          forceSSL = true;
          enableACME = acme.enable;
          sslCertificate = mkIf (!acme.enable) cfg.tls.certificateFile;
          sslCertificateKey = mkIf (!acme.enable) cfg.tls.keyFile;
          extraConfig = ''
            ${hsts}
            access_log /var/log/nginx/access.log ml_workspace;
          '';
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
        # Stronger than the cloud image profiles, which set
        # "prohibit-password" with mkDefault (GCE) or at normal priority
        # (Amazon, Azure), and weaker than mkForce, which stays the way to
        # change it. No account here needs root over SSH.
        PermitRootLogin = mkOverride 90 "no";
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

    {
      systemd = mkMerge [
        (mkIf (!acme.enable) (
          onSecretChange "tls" "Reload nginx with the renewed certificate" [
            cfg.tls.certificateFile
            cfg.tls.keyFile
          ] "systemctl try-reload-or-restart nginx.service"
        ))
        (mkIf (cfg.ide.connectionTokenFile != null) (
          onSecretChange "ide-token" "Restart the IDE with the rotated connection token" [
            cfg.ide.connectionTokenFile
          ] "systemctl try-restart openvscode-server.service"
        ))
      ];
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
      assertions = [
        {
          # It ends up in /etc/fstab and a mount unit's name.
          assertion = builtins.match "/dev/[A-Za-z0-9._/:+-]+" cfg.home.device != null;
          message = "${opt}.home.device must be a device path under /dev (e.g. \"/dev/disk/by-id/google-home\"), got ${builtins.toJSON cfg.home.device}.";
        }
      ];
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
        # nixpkgs renders these into ExecStart as --key='value', unescaped:
        # a quote or a newline would add arguments or break the unit.
        {
          assertion = builtins.match clientIdPattern oauth2.clientId != null;
          message = "${opt}.oauth2Proxy.clientId must be the OAuth client id (letters, digits and . _ ~ -), got ${builtins.toJSON oauth2.clientId}.";
        }
        {
          assertion = oauth2.provider == "oidc" -> oauth2.oidcIssuerUrl != null && builtins.match issuerPattern oauth2.oidcIssuerUrl != null;
          message = "${opt}.oauth2Proxy.oidcIssuerUrl must be an https:// issuer URL (a host name, an optional port and path; no quotes, spaces, credentials, query or fragment) when ${opt}.oauth2Proxy.provider is \"oidc\", got ${builtins.toJSON oauth2.oidcIssuerUrl}.";
        }
        {
          assertion = builtins.all (d: builtins.match domainPattern d != null) oauth2.allowedEmailDomains;
          message = "${opt}.oauth2Proxy.allowedEmailDomains must hold domain names (e.g. \"example.com\"), got ${builtins.toJSON oauth2.allowedEmailDomains}.";
        }
        {
          assertion = builtins.all (e: builtins.match emailPattern e != null) oauth2.allowedEmails;
          message = "${opt}.oauth2Proxy.allowedEmails must hold email addresses, one line each, got ${builtins.toJSON oauth2.allowedEmails}.";
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
        redirectURL = "${url}oauth2/callback";
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

      # Upstream sends people to `https://<domain>/oauth2/start`, which a
      # browser behind a tunnel (or on an IP address) cannot reach. A relative
      # redirect keeps whatever address they used, port included.
      services.nginx.virtualHosts.${cfg.domain}.locations."@redirectToAuth2ProxyLogin" = {
        return = mkForce "307 /oauth2/start?rd=$request_uri";
        extraConfig = "absolute_redirect off;";
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

    (mkIf oauth2.enable {
      systemd = onSecretChange "oauth2-proxy" "Restart oauth2-proxy with its rotated secrets" [
        oauth2.clientSecretFile
        oauth2.cookieSecretFile
      ] "systemctl try-restart oauth2-proxy.service";
    })

    (mkIf (cfg.containers == "podman") {
      virtualisation.podman = {
        enable = true;
        dockerCompat = true;
      };
    })

    (mkIf (cfg.containers == "docker") {
      virtualisation.docker.enable = true;
      warnings = [
        "${opt}.containers is \"docker\": ${cfg.user} is in the docker group, which is root on this host (it can read every secret the machine holds). \"podman\" runs containers rootless."
      ];
    })

    (mkIf cfg.gpu.enable {
      hardware.nvidia.datacenter.enable = true;
      # Closed kernel modules cover every datacenter GPU from Pascal (P100) to
      # Hopper; Blackwell and later need `hardware.nvidia.open = true`.
      hardware.nvidia.open = mkDefault false;
      hardware.nvidia.nvidiaPersistenced = mkDefault true;
      hardware.graphics.enable = true;
      # CDI specs for Podman and Docker alike.
      hardware.nvidia-container-toolkit.enable = mkIf (cfg.containers != "none") true;

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
