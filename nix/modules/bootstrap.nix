# mlWorkspace.bootstrap: turn a generic base image into a configured workspace
# from a JSON document in the cloud's instance metadata.
#
# How a workspace VM gets its configuration
# -----------------------------------------
# 1. The base image (e.g. `packages.x86_64-linux.gce-image` of nix/flake.nix) is
#    built with this module enabled. Building it copies this repository's
#    `nix/modules` and `nix/lib` into the image's store as one store path, so
#    the modules a VM runs are pinned by the image build.
# 2. The TypeScript constructs render one JSON document per machine and put it
#    in instance metadata: the `<metadataKey>` attribute on GCP, user data on
#    AWS and Azure. It contains only non-secret settings and references to
#    secrets, never secret values:
#
#      { "schemaVersion": 1,
#        "nixpkgs": { "owner": "NixOS", "repo": "nixpkgs",
#                     "rev": "<40 hex>", "narHash": "sha256-..." },
#        "config": { "networking": { "hostName": "..." },
#                    "mlWorkspace": { "workspace": { ... }, "secrets": { ... },
#                                     "idleStop": { ... } } } }
#
# 3. At every boot `ml-workspace-bootstrap.service` (after network-online and
#    multi-user.target) fetches the document, retrying while the metadata
#    service is not yet reachable, checks its shape and writes it to
#    /etc/ml-workspace/machine.json. No document (a bare base image) means
#    nothing to do.
# 4. If the document's sha256 equals /var/lib/ml-workspace/applied.sha256 the
#    running system already matches it and the service stops here.
# 5. Otherwise it writes /etc/nixos/configuration.nix, which imports the
#    cloud's image profile from nixpkgs, this module (so later boots bootstrap
#    again) and nix/lib/machine-configuration.nix. That function reads the
#    document, refuses any schemaVersion other than 1 and turns `config` into
#    a NixOS module on top of nix/modules/workspace.nix, secrets.nix and
#    idle-stop.nix.
# 6. nixpkgs comes from nix/lib/pinned-nixpkgs.nix: a GitHub archive of exactly
#    `rev`, verified against `narHash`. Branch names are refused, so the same
#    document always builds the same system.
# 7. `nixos-rebuild switch -I nixpkgs=<that tarball>` builds and activates the
#    system; only on success is the document's hash recorded, so a failed
#    build is retried on the next boot.
#
# Secrets are not part of this flow: mlWorkspace.secrets fetches them at boot
# with the VM's own identity, into /run.
#
# To apply a changed document without a reboot:
#   systemctl restart ml-workspace-bootstrap.service
{
  config,
  lib,
  pkgs,
  options,
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
    escapeShellArg
    removePrefix
    hasPrefix
    optionalAttrs
    ;

  cfg = config.mlWorkspace.bootstrap;

  # This repository's nix/modules and nix/lib as one store path. `../.` (and
  # not `../modules`) keeps the two directories side by side, so the copy is
  # self-contained: evaluated again from the store, this file finds the same
  # tree and yields the same path.
  nixRoot = ../.;
  src = builtins.path {
    name = "ml-workspace-nix";
    path = nixRoot;
    filter =
      path: _type:
      let
        rel = removePrefix (toString nixRoot + "/") (toString path);
      in
      rel == "modules" || rel == "lib" || hasPrefix "modules/" rel || hasPrefix "lib/" rel;
  };

  documentPath = "/etc/ml-workspace/machine.json";
  stateDir = "/var/lib/ml-workspace";
  appliedHashPath = "${stateDir}/applied.sha256";

  # The same module list the offline and flake checks evaluate
  # (nix/lib/machine-modules.nix): the cloud's image profile, this module (so
  # later boots bootstrap again) and the document's configuration.
  # The trusted revisions as a Nix list (they match [0-9a-f]{40}).
  trustedList = "[ ${lib.concatMapStringsSep " " (rev: ''"${rev}"'') cfg.trustedNixpkgsRevisions} ]";

  configurationNix = pkgs.writeText "ml-workspace-configuration.nix" ''
    # Written by ml-workspace-bootstrap.service from ${documentPath}.
    # Local changes are overwritten whenever the machine document changes.
    { modulesPath, ... }:
    {
      imports = import ${src}/lib/machine-modules.nix {
        cloud = "${cfg.cloud}";
        machineJson = ${documentPath};
        nixosModulesPath = modulesPath;
        metadataKey = "${cfg.metadataKey}";
        stateVersion = "${config.system.stateVersion}";
        trustedNixpkgsRevisions = ${trustedList};
      };
    }
  '';

  # fetch_document OUTPUT: 0 = fetched, 2 = no document, anything else = retry.
  fetchFunctions = {
    gcp = ''
      ${helpers.gceMetadata}
      fetch_document() {
        local code
        code=$(gce_metadata ${escapeShellArg "instance/attributes/${cfg.metadataKey}"} -sS --max-time 10 -o "$1" -w '%{http_code}') \
          || return 1
        case "$code" in
          200) return 0 ;;
          404) return 2 ;;
          *) echo "metadata server answered HTTP $code" >&2; return 1 ;;
        esac
      }
    '';

    aws = ''
      ${helpers.awsImds}
      fetch_document() {
        local code
        code=$(aws_imds user-data -sS --max-time 10 -o "$1" -w '%{http_code}') || return 1
        case "$code" in
          200) return 0 ;;
          404) return 2 ;;
          *) echo "instance metadata service answered HTTP $code" >&2; return 1 ;;
        esac
      }
    '';

    # IMDS userData (base64), falling back to the provisioning agent's copy of
    # custom data (base64 unless the agent already decoded it).
    azure = ''
      fetch_document() {
        local code raw
        raw=$(mktemp)
        code=$(curl -sS --max-time 10 -o "$raw" -w '%{http_code}' -H 'Metadata: true' \
          'http://169.254.169.254/metadata/instance/compute/userData?api-version=2021-01-01&format=text') \
          || { rm -f -- "$raw"; return 1; }
        if [ "$code" = 200 ] && [ -s "$raw" ]; then
          base64 -d <"$raw" >"$1" || { rm -f -- "$raw"; return 1; }
          rm -f -- "$raw"
          return 0
        fi
        rm -f -- "$raw"
        case "$code" in
          200 | 404) ;;
          *) echo "instance metadata service answered HTTP $code" >&2; return 1 ;;
        esac
        if [ -s /var/lib/waagent/CustomData ]; then
          if jq -e . /var/lib/waagent/CustomData >/dev/null 2>&1; then
            cp /var/lib/waagent/CustomData "$1"
          else
            base64 -d </var/lib/waagent/CustomData >"$1" || return 1
          fi
          return 0
        fi
        return 2
      }
    '';
  };

  bootstrapScript = pkgs.writeShellScript "ml-workspace-bootstrap" ''
    set -euo pipefail
    umask 0022

    max_attempts=12

    # Status 2 from fetch_document means "no document" and is not retried.
    RETRY_GIVE_UP_ON=2
    ${helpers.retry}

    ${fetchFunctions.${cfg.cloud}}

    install -d -m 0755 /etc/ml-workspace /etc/nixos
    install -d -m 0700 ${stateDir}

    tmp=$(mktemp /etc/ml-workspace/.machine.json.XXXXXX)
    trap 'rm -f -- "$tmp"' EXIT

    if retry fetch_document "$tmp"; then
      :
    else
      rc=$?
      if [ "$rc" -eq 2 ]; then
        echo "no machine document in instance metadata; leaving the system as it is"
        exit 0
      fi
      echo "could not read the machine document from instance metadata" >&2
      exit 1
    fi

    if ! jq -e '
        (.schemaVersion == 1)
        and (.nixpkgs | type == "object")
        and (.nixpkgs.rev | type == "string")
        and (.nixpkgs.narHash | type == "string")
        and (.config | type == "object")
      ' "$tmp" >/dev/null; then
      echo "the machine document is not a schemaVersion 1 ml-workspace document; not applying it" >&2
      exit 1
    fi

    chmod 0600 "$tmp"

    # Only the settings the constructs render, and a nixpkgs revision this
    # image trusts; anything else (a stop command, a package, an `_type`
    # override, another nixpkgs) is refused before it can become root's
    # configuration (nix/lib/check-document.nix). The running system stays
    # as it is.
    if ! refusal=$(nix-instantiate --eval --strict 2>&1 \
        --argstr machineJson "$tmp" \
        --expr '{ machineJson }: import ${src}/lib/check-document.nix { machineJson = /. + machineJson; cloud = "${cfg.cloud}"; trustedNixpkgsRevisions = ${trustedList}; }'); then
      echo "$refusal" >&2
      echo "not applying the machine document" >&2
      exit 1
    fi

    hash=$(sha256sum "$tmp" | cut -d ' ' -f 1)
    if [ -f ${appliedHashPath} ] && [ "$(cat ${appliedHashPath})" = "$hash" ]; then
      mv -f -- "$tmp" ${documentPath}
      trap - EXIT
      echo "machine document $hash is already applied"
      exit 0
    fi

    # Check the pin and fetch (or find in the store) the nixpkgs revision the
    # document names, before the document replaces the current one.
    nixpkgs=$(nix-instantiate --eval --json \
      --argstr machineJson "$tmp" \
      --expr '{ machineJson }: toString (import ${src}/lib/pinned-nixpkgs.nix (builtins.fromJSON (builtins.readFile machineJson)))' \
      | jq -er .)

    mv -f -- "$tmp" ${documentPath}
    trap - EXIT
    install -m 0644 ${configurationNix} /etc/nixos/configuration.nix
    echo "applying machine document $hash with nixpkgs $nixpkgs"

    export NIX_PATH="nixpkgs=$nixpkgs:nixos-config=/etc/nixos/configuration.nix"
    nixos-rebuild switch --no-flake \
      -I "nixpkgs=$nixpkgs" \
      -I nixos-config=/etc/nixos/configuration.nix

    printf '%s\n' "$hash" >${appliedHashPath}.tmp
    mv -f -- ${appliedHashPath}.tmp ${appliedHashPath}
    echo "machine document $hash applied"
  '';
in
{
  options.mlWorkspace.bootstrap = {
    enable = mkEnableOption "configuring this machine at boot from the ML workspace document in instance metadata";

    cloud = mkOption {
      type = types.enum [
        "gcp"
        "aws"
        "azure"
      ];
      example = "gcp";
      description = ''
        Cloud the image runs on. Selects where the machine document is read
        from (GCP instance attribute, AWS or Azure user data) and which
        nixpkgs image profile the generated configuration imports.
      '';
    };

    trustedNixpkgsRevisions = mkOption {
      type = types.listOf (types.strMatching "[0-9a-f]{40}");
      default = [ ];
      example = [ "8fd9daa3db09ced9700431c5b7ad0e8ba199b575" ];
      description = ''
        The nixpkgs commits a machine document may pin. Whoever can write the
        VM's metadata writes its document, and the pinned nixpkgs is what the
        rebuild runs as root, so a document naming any other revision is
        refused. The images of this repository's flake trust the nixpkgs they
        were built from; to roll machines to a newer nixpkgs, build an image
        that lists it too. Empty: every document is refused.
      '';
    };

    metadataKey = mkOption {
      type = types.strMatching "[A-Za-z0-9_-]+";
      default = "ml-workspace-config";
      example = "workspace-config";
      description = ''
        Instance metadata attribute holding the machine document on GCP.
        AWS and Azure have a single user-data blob, which holds the document.
      '';
    };
  };

  config = mkIf cfg.enable (mkMerge [
    {
      systemd.services.ml-workspace-bootstrap = {
        description = "Apply the ML workspace machine document from instance metadata";
        wantedBy = [ "multi-user.target" ];
        # Ordered after multi-user.target (not before it, as a target's wanted
        # units normally are): `nixos-rebuild switch` starts units that are part
        # of multi-user.target and must not wait for this job to finish.
        after = [
          "multi-user.target"
          "network-online.target"
        ];
        wants = [ "network-online.target" ];
        path = [
          config.nix.package
          config.system.build.nixos-rebuild
          pkgs.coreutils
          pkgs.curl
          pkgs.jq
          pkgs.gnutar
          pkgs.gzip
          pkgs.git
          pkgs.systemd
        ];
        environment.HOME = "/root";
        # The service runs nixos-rebuild switch itself; switching must neither
        # restart nor stop it half-way.
        restartIfChanged = false;
        unitConfig.X-StopOnRemoval = false;
        serviceConfig = {
          Type = "oneshot";
          RemainAfterExit = true;
          ExecStart = bootstrapScript;
          # Building a configuration (a GPU driver, say) can take a while.
          TimeoutStartSec = "2h";
        };
      };
    }

    # No SSH port is open on AWS workspaces: people come in through Session
    # Manager, whose agent registers the instance with its instance profile.
    (mkIf (cfg.cloud == "aws") {
      services.amazon-ssm-agent.enable = lib.mkDefault true;
      # Users are declarative (`users.mutableUsers = false`), and NixOS then
      # refuses a system where neither root nor a wheel user has a password or
      # SSH key. On AWS nobody logs in that way: Session Manager's agent opens
      # shells as `ssm-user` (with sudo), through the instance role, and no SSH
      # port is open. GCP passes through OS Login, Azure through the declared
      # break-glass admin.
      users.allowNoPasswordLogin = lib.mkDefault true;
    })

    # The boot firmware the base images are built for, kept by every rebuild
    # (this module is part of the generated configuration too): UEFI on GCP,
    # for Shielded VM, and on Azure, Generation 2, the only generation the
    # A100 and H100 sizes run. Without these the cloud profiles default to
    # BIOS, and the first `nixos-rebuild switch` would install a boot loader
    # the machine cannot boot. AWS images stay BIOS (`--boot-mode legacy-bios`).
    (mkIf (cfg.cloud == "gcp") (
      optionalAttrs (options ? virtualisation.googleComputeImage.efi) {
        virtualisation.googleComputeImage.efi = lib.mkDefault true;
      }
    ))
    (mkIf (cfg.cloud == "azure") (
      optionalAttrs (options ? virtualisation.azureImage.vmGeneration) {
        virtualisation.azureImage.vmGeneration = lib.mkDefault "v2";
      }
    ))

    # EC2 images ship amazon-init, which would treat user data (our JSON
    # document) as a configuration.nix and run nixos-rebuild with it.
    (optionalAttrs (options ? virtualisation.amazon-init.enable) {
      virtualisation.amazon-init.enable = false;
    })
  ]);
}
