# mlWorkspace.secrets: fetch secrets from the cloud's secret store at boot into
# a tmpfs directory, one file per secret.
#
# Only references to secrets (a Secret Manager resource name, a Secrets Manager
# ARN, a Key Vault secret URL) are part of the configuration; the values are
# read at runtime with the VM's own identity (GCP service account, AWS instance
# profile, Azure managed identity) and written to `directory` on /run, so they
# never reach the Nix store, a command line or the instance metadata. Access
# tokens stay in shell variables and are handed to curl on stdin.
#
# Services that read these files (nginx, oauth2-proxy, openvscode-server) are
# ordered after `ml-workspace-secrets.service` and require it.
{
  config,
  lib,
  pkgs,
  ...
}:

let
  helpers = import ../lib/shell-helpers.nix;
  inherit (lib)
    mkOption
    mkEnableOption
    mkIf
    mkMerge
    types
    literalExpression
    escapeShellArg
    concatStringsSep
    mapAttrsToList
    attrNames
    hasPrefix
    unique
    filter
    ;

  cfg = config.mlWorkspace.secrets;
  opt = "mlWorkspace.secrets";

  # Group that may enter `directory`; every non-root secret owner is a member.
  # Each file is still protected by its own owner, group and mode.
  directoryGroup = "ml-workspace-secrets";

  # Units that read secret files. `before` on a unit that does not exist is
  # harmless; `requires` is added only for units that are enabled (below).
  consumers = [
    "nginx.service"
    "oauth2-proxy.service"
    "openvscode-server.service"
    "ml-workspace-oauth2-proxy-env.service"
  ];

  sourcePatterns = {
    gcp = {
      regex = "projects/[A-Za-z0-9_-]+/secrets/[A-Za-z0-9_-]+";
      example = "projects/my-project/secrets/connection-token";
    };
    aws = {
      regex = "arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+";
      example = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:connection-token-AbCdEf";
    };
    azure = {
      regex = "https://[A-Za-z0-9-]+\\.vault\\.azure\\.net/secrets/[A-Za-z0-9-]+";
      example = "https://my-vault.vault.azure.net/secrets/connection-token";
    };
  };

  secretOptions = {
    options = {
      source = mkOption {
        type = types.str;
        example = "projects/my-project/secrets/connection-token";
        description = ''
          Where the secret lives, depending on {option}`${opt}.provider`:
          - `gcp`: a Secret Manager secret, `projects/<project>/secrets/<name>`; the latest version is read.
          - `aws`: a Secrets Manager secret ARN; its `SecretString` is read.
          - `azure`: a Key Vault secret URL, `https://<vault>.vault.azure.net/secrets/<name>`; the current version is read.
        '';
      };

      owner = mkOption {
        # A user or group name; it also reaches /etc/group.
        type = types.strMatching "[a-z_][a-z0-9_-]*";
        default = "root";
        example = "workspace";
        description = "User that owns the secret file.";
      };

      group = mkOption {
        # A user or group name; it also reaches /etc/group.
        type = types.strMatching "[a-z_][a-z0-9_-]*";
        default = "root";
        example = "nginx";
        description = "Group of the secret file.";
      };

      mode = mkOption {
        type = types.strMatching "0?[0-7]{3}";
        default = "0400";
        example = "0440";
        description = "Permission bits of the secret file, in octal.";
      };
    };
  };

  providerTools = {
    gcp = [ ];
    aws = [ pkgs.awscli2 ];
    azure = [ ];
  };

  fetchFunctions = {
    # Secret Manager REST API with the token of the VM's service account.
    gcp = ''
      ${helpers.gceMetadata}
      gcp_token() {
        gce_metadata instance/service-accounts/default/token -fsS --max-time 10 | jq -er .access_token
      }

      # fetch_secret SOURCE OUTPUT
      fetch_secret() {
        local token
        token=$(gcp_token) || return 1
        printf 'Authorization: Bearer %s\n' "$token" \
          | curl -fsS --max-time 30 -H @- \
            "https://secretmanager.googleapis.com/v1/$1/versions/latest:access" \
          | jq -er .payload.data \
          | base64 -d >"$2"
      }
    '';

    # Secrets Manager through the AWS CLI, which signs requests with the
    # instance profile. The region is the one in the ARN (a secret can only be
    # read in its own region); IMDSv2 is the fallback.
    aws = ''
      ${helpers.awsImds}
      imds_region() {
        aws_imds meta-data/placement/region -fsS --max-time 5
      }

      fetch_secret() {
        local region
        region=$(printf '%s' "$1" | cut -d: -f4)
        if [ -z "$region" ]; then
          region=$(imds_region) || return 1
        fi
        # --output json + jq -j writes the exact SecretString, without the
        # trailing newline that --output text would add.
        aws secretsmanager get-secret-value \
          --region "$region" --secret-id "$1" \
          --query SecretString --output json \
          --cli-connect-timeout 10 --cli-read-timeout 30 \
          | jq -je 'if type == "string" then . else error("SecretString is empty; binary secrets are not supported") end' >"$2"
      }
    '';

    # Key Vault REST API with the token of the VM's managed identity.
    azure = ''
      ${helpers.azureImdsToken}
      azure_token() {
        azure_imds_token https://vault.azure.net
      }

      fetch_secret() {
        local token
        token=$(azure_token) || return 1
        printf 'Authorization: Bearer %s\n' "$token" \
          | curl -fsS --max-time 30 -H @- "$1?api-version=7.4" \
          | jq -je .value >"$2"
      }
    '';
  };

  fetchPath = [
    pkgs.coreutils
    pkgs.diffutils
    pkgs.curl
    pkgs.jq
  ]
  ++ providerTools.${cfg.provider};

  # The units' `script` (bash). At boot it writes every secret; the refresh
  # timer runs it again and replaces only the files whose value changed, so
  # consumers watching them (systemd path units, e.g. nginx reloading a
  # renewed certificate) see a change only when there is one.
  fetchScript = ''
    set -euo pipefail
    umask 0077

    dir=${escapeShellArg cfg.directory}
    max_attempts=12

    ${helpers.retry}

    ${fetchFunctions.${cfg.provider}}

    # The file being written, removed if the script stops half-way.
    partial=
    trap 'if [ -n "$partial" ]; then rm -f -- "$partial"; fi' EXIT

    changed=()

    # install_secret NAME SOURCE OWNER GROUP MODE
    install_secret() {
      local name=$1 source=$2 owner=$3 group=$4 mode=$5
      partial=$(mktemp -p "$dir" ".$name.XXXXXX")
      if ! retry fetch_secret "$source" "$partial"; then
        echo "could not read secret '$name' from $source" >&2
        return 1
      fi
      if [ ! -s "$partial" ]; then
        echo "secret '$name' from $source is empty" >&2
        return 1
      fi
      chown "$owner:$group" "$partial"
      chmod "$mode" "$partial"
      if [ -f "$dir/$name" ] && cmp -s -- "$partial" "$dir/$name" \
        && [ "$(stat -c '%U:%G %a' -- "$dir/$name")" = "$(stat -c '%U:%G %a' -- "$partial")" ]; then
        rm -f -- "$partial"
        partial=
        echo "$dir/$name is up to date"
        return 0
      fi
      mv -f -- "$partial" "$dir/$name"
      partial=
      changed+=("$dir/$name")
      echo "wrote $dir/$name"
    }

    install -d -m 0755 "$(dirname "$dir")"
    mkdir -p "$dir"
    chown root:${directoryGroup} "$dir"
    chmod 0750 "$dir"

    ${concatStringsSep "\n" (
      mapAttrsToList (
        name: s:
        "install_secret ${escapeShellArg name} ${escapeShellArg s.source} ${escapeShellArg s.owner} ${escapeShellArg s.group} ${escapeShellArg s.mode}"
      ) cfg.secrets
    )}

    # The files replaced in this run, in one step, for the consumers' path
    # units (see workspace.nix): one event per run, however many changed.
    if [ "''${#changed[@]}" -gt 0 ]; then
      printf '%s\n' "''${changed[@]}" >"$dir/.changed.tmp"
      mv -f -- "$dir/.changed.tmp" "$dir/.changed"
    fi

    # Remove files of secrets that are no longer configured.
    declare -A wanted=([.changed]=1 ${concatStringsSep " " (map (n: "[${escapeShellArg n}]=1") (attrNames cfg.secrets))})
    shopt -s nullglob dotglob
    for path in "$dir"/*; do
      name=$(basename -- "$path")
      if [ -z "''${wanted[$name]:-}" ]; then
        rm -rf -- "$path"
        echo "removed stale $path"
      fi
    done
  '';

  # What the boot-time unit and the refresh unit share.
  fetchUnit = {
    wants = [ "network-online.target" ];
    # awscli wants a writable home for its caches; give it the private /tmp.
    environment = {
      HOME = "/tmp";
      AWS_PAGER = "";
    };
    path = fetchPath;
    script = fetchScript;
    serviceConfig = {
      Type = "oneshot";
      TimeoutStartSec = "15min";
      UMask = "0077";
      PrivateTmp = true;
      ProtectHome = true;
      ProtectSystem = "full";
      NoNewPrivileges = true;
    };
  };

  requireSecrets = {
    requires = [ "ml-workspace-secrets.service" ];
    after = [ "ml-workspace-secrets.service" ];
  };

  workspace = config.mlWorkspace.workspace;
in
{
  # The workspace's options are always declared (each role is gated by its own
  # enable), so this module reads them directly.
  imports = [ ./workspace.nix ];

  options.mlWorkspace.secrets = {
    enable = mkEnableOption "fetching secrets from the cloud secret store into a tmpfs at boot";

    provider = mkOption {
      type = types.enum [
        "gcp"
        "aws"
        "azure"
      ];
      example = "gcp";
      description = ''
        Secret store to read from: GCP Secret Manager, AWS Secrets Manager or
        Azure Key Vault. The VM's own identity must be allowed to read each
        secret.
      '';
    };

    refreshInterval = mkOption {
      type = types.nullOr (types.strMatching "[0-9]+ ?(s|min|h|d)");
      default = "1h";
      example = "15min";
      description = ''
        How often to read the secrets again, as a systemd time span: a
        renewed certificate or a rotated token reaches the machine within
        this time. Only files whose value changed are replaced. `null` reads
        them at boot only.
      '';
    };

    directory = mkOption {
      type = types.str;
      default = "/run/ml-workspace/secrets";
      example = "/run/keys/ml-workspace";
      description = ''
        Directory the secret files are written to, `<directory>/<name>`. Must
        be under `/run` so the secrets only ever live in memory. It is owned
        by `root:${directoryGroup}` with mode 0750; every non-root secret
        owner is made a member of that group so it can reach its file.
      '';
    };

    secrets = mkOption {
      type = types.attrsOf (types.submodule secretOptions);
      default = { };
      example = literalExpression ''
        {
          connection-token = {
            source = "projects/my-project/secrets/alice-connection-token";
            owner = "workspace";
          };
          oauth2-client-secret.source = "projects/my-project/secrets/oauth2-client-secret";
        }
      '';
      description = ''
        Secrets to fetch, keyed by file name. Each ends up as
        `<directory>/<name>`, written atomically with the given owner, group
        and mode.
      '';
    };
  };

  config = mkIf cfg.enable (mkMerge [
    {
      assertions = [
        {
          assertion = hasPrefix "/run/" cfg.directory && builtins.match ".*/\\.\\.?(/.*)?" cfg.directory == null;
          message = "${opt}.directory must be a directory under /run (a tmpfs) so secrets never touch a disk, got \"${cfg.directory}\".";
        }
      ]
      ++ mapAttrsToList (name: _: {
        assertion = builtins.match "[A-Za-z0-9_][A-Za-z0-9._-]*" name != null;
        message = "${opt}.secrets.\"${name}\": the name is used as a file name and may only contain letters, digits, '.', '_' and '-' (not starting with '.' or '-').";
      }) cfg.secrets
      ++ mapAttrsToList (name: s: {
        assertion = builtins.match sourcePatterns.${cfg.provider}.regex s.source != null;
        message = "${opt}.secrets.\"${name}\".source \"${s.source}\" is not a ${cfg.provider} secret reference; expected something like \"${sourcePatterns.${cfg.provider}.example}\".";
      }) cfg.secrets;

      users.groups.${directoryGroup}.members = unique (
        filter (owner: owner != "root") (mapAttrsToList (_: s: s.owner) cfg.secrets)
      );

      systemd.services.ml-workspace-secrets = fetchUnit // {
        description = "Fetch ML workspace secrets from the ${cfg.provider} secret store";
        wantedBy = [ "multi-user.target" ];
        after = [ "network-online.target" ];
        before = consumers;
        serviceConfig = fetchUnit.serviceConfig // {
          RemainAfterExit = true;
        };
      };
    }

    (mkIf (cfg.refreshInterval != null) {
      systemd.services.ml-workspace-secrets-refresh = fetchUnit // {
        description = "Read the ML workspace secrets again from the ${cfg.provider} secret store";
        # Not Requisite: a refresh also recovers a boot whose fetch failed.
        after = [ "ml-workspace-secrets.service" ];
      };
      systemd.timers.ml-workspace-secrets-refresh = {
        description = "Read the ML workspace secrets again every ${cfg.refreshInterval}";
        wantedBy = [ "timers.target" ];
        timerConfig = {
          OnActiveSec = cfg.refreshInterval;
          OnUnitActiveSec = cfg.refreshInterval;
          RandomizedDelaySec = "5min";
        };
      };
    })

    (mkIf config.services.nginx.enable { systemd.services.nginx = requireSecrets; })
    (mkIf config.services.oauth2-proxy.enable { systemd.services.oauth2-proxy = requireSecrets; })
    (mkIf config.services.openvscode-server.enable {
      systemd.services.openvscode-server = requireSecrets;
    })
    (mkIf (workspace.enable && workspace.oauth2Proxy.enable) {
      systemd.services.ml-workspace-oauth2-proxy-env = requireSecrets;
    })
  ]);
}
