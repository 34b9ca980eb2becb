# mlWorkspace.idleStop: stop the machine when nobody uses it, so a workspace
# left running overnight or over a weekend stops costing money.
#
# `ml-workspace-idle-stop.timer` runs a check every minute (the first one five
# minutes after boot). The machine counts as busy while
#   - an SSH session is open: an established TCP connection to an SSH port;
#   - an IDE session is open: a connection to the IDE's Unix socket. nginx
#     holds one websocket per open browser tab, so an open tab keeps the
#     machine up, a closed one does not;
#   - the 5-minute load average per core is at or above `cpuLoadPerCore`;
#   - any GPU's utilisation is at or above `gpuUtilizationPercent` (only with
#     the workspace's GPU stack, `mlWorkspace.workspace.gpu.enable`). When
#     nvidia-smi fails (a driver and library of different versions after an
#     update, or no GPU on the machine) a job may still be using the GPUs, so
#     they count as busy, but only for `idleMinutes` after the first failure:
#     a broken driver must not keep a machine up for ever;
#   - ml-workspace-bootstrap.service is applying a machine document (a rebuild
#     cut short by a stop would start over at every boot).
# The time the machine was last busy is kept in /run (a tmpfs, so every boot
# starts a new idle window at boot time). Once the machine has not been busy
# for `idleMinutes`, or has been up for `maxRuntimeHours`, the check logs why,
# with what it measured, and runs `stopCommand`. A failed stop command fails
# the unit and is tried again at the next check.
#
# Stopping has to end compute billing, which works differently per cloud:
#   - GCP: a guest power-off stops the VM (the instance becomes TERMINATED;
#     disks and static addresses are still billed, compute is not).
#   - AWS: a guest power-off stops the instance when its instance-initiated
#     shutdown behaviour is "stop", the default for EBS-backed instances. With
#     "terminate" it would delete the instance instead.
#   - Azure: a guest power-off leaves the VM allocated and billed. The default
#     stop command deallocates the VM through the Azure Resource Manager API
#     with the VM's managed identity, which needs only the
#     `Microsoft.Compute/virtualMachines/deallocate/action` permission, scoped
#     to the VM itself (a custom role). The token is requested for the
#     system-assigned identity, or the only user-assigned one.
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
    mkOptionDefault
    types
    literalMD
    optional
    optionalString
    escapeShellArg
    concatMapStringsSep
    ;

  cfg = config.mlWorkspace.idleStop;
  opt = "mlWorkspace.idleStop";
  inherit (cfg) activity;
  # One JSON object per check at priority info (journald strips the <6>); the names are the
  # workspace's labels, rendered as JSON here, so the shell only fills in the time and state.
  activityLine =
    if activity == null then
      ": no activity line (${opt}.activity is null)"
    else
      "printf '<6>{\"time\":\"%s\",\"workspace\":%s,\"owner\":%s,\"state\":\"%s\"}\\n' \"$(date -u -d \"@$now\" +%Y-%m-%dT%H:%M:%SZ)\" ${escapeShellArg (builtins.toJSON activity.workspace)} ${escapeShellArg (builtins.toJSON activity.owner)} \"$state\"";

  workspace = config.mlWorkspace.workspace;
  bootstrap = config.mlWorkspace.bootstrap;

  gpu = workspace.enable && workspace.gpu.enable;
  ideSocket = config.services.openvscode-server.socketPath or null;
  sshPorts = config.services.openssh.ports or [ 22 ];

  # Kept on /run, so it is reset at every boot.
  stateDir = "/run/ml-workspace/idle-stop";

  # ss(8) filter for the server side of established inbound SSH connections
  # on any of its ports.
  sshFilter = "( ${concatMapStringsSep " or " (port: "sport = :${toString port}") sshPorts} )";

  # Deallocates this Azure VM through Azure Resource Manager with the VM's
  # managed identity. The access token stays in a shell variable and reaches
  # curl on stdin (`-H @-`), never on a command line.
  azureDeallocate = pkgs.writeShellApplication {
    name = "ml-workspace-azure-deallocate";
    runtimeInputs = [
      pkgs.curl
      pkgs.jq
    ];
    text = ''
      imds=http://169.254.169.254/metadata
      ${helpers.azureImdsToken}

      token=$(azure_imds_token https://management.azure.com/ --retry 3)

      compute=$(curl -fsS --retry 3 --max-time 10 -H 'Metadata: true' \
        "$imds/instance/compute?api-version=2021-02-01")
      subscription=$(jq -er .subscriptionId <<<"$compute")
      group=$(jq -er .resourceGroupName <<<"$compute")
      vm=$(jq -er .name <<<"$compute")

      echo "deallocating VM $vm in resource group $group (subscription $subscription)"
      # On failure Azure Resource Manager explains why in the body
      # (e.g. AuthorizationFailed); --fail-with-body prints it.
      printf 'Authorization: Bearer %s\n' "$token" \
        | curl -sS --fail-with-body --globoff --max-time 60 -X POST -H @- -H 'Content-Length: 0' \
          "https://management.azure.com/subscriptions/$subscription/resourceGroups/$group/providers/Microsoft.Compute/virtualMachines/$vm/deallocate?api-version=2024-03-01"
      echo
      echo "deallocation of VM $vm requested"
    '';
  };

  defaultStopCommands = {
    gcp = "systemctl poweroff";
    aws = "systemctl poweroff";
    azure = lib.getExe azureDeallocate;
  };

  # What the check needs on its PATH; nvidia-smi is in the driver's `bin`
  # output.
  checkPath = [
    pkgs.coreutils
    pkgs.gawk
    pkgs.iproute2
    config.systemd.package
  ]
  ++ optional gpu (lib.getBin config.hardware.nvidia.package);

  # The check, as the unit's `script` (bash). Lines starting with <N> are
  # logged at syslog priority N (5 notice, 4 warning, 3 error, 7 debug);
  # journald strips the prefix. Its state lives in the unit's
  # RuntimeDirectory, which systemd names in $RUNTIME_DIRECTORY.
  checkScript = ''
      set -euo pipefail
      state_dir=''${RUNTIME_DIRECTORY:-${stateDir}}
      last_busy_file=$state_dir/last-busy
      gpu_unknown_file=$state_dir/gpu-unknown-since
      idle_limit=${toString (cfg.idleMinutes * 60)}
      # 0: no limit.
      runtime_limit=${toString (if cfg.maxRuntimeHours == null then 0 else cfg.maxRuntimeHours * 3600)}
      stop_command=${escapeShellArg cfg.stopCommand}

      now=$(date +%s)
      read -r uptime_seconds _ </proc/uptime
      uptime_seconds=''${uptime_seconds%%.*}

      # Why the machine is busy right now; what keeps it up without counting
      # as use (a GPU whose state is unknown: the idle window keeps running);
      # and everything that was measured.
      busy=()
      held=()
      measured=()

      # join ITEM...: the items separated by "; ".
      join() {
        local out=$1 item
        shift
        for item in "$@"; do
          out+="; $item"
        done
        printf '%s' "$out"
      }

      count_connections() {
        ss -Htn state established "$1" | wc -l
      }

      ssh_sessions=$(count_connections ${escapeShellArg sshFilter})
      ${
        if ideSocket == null then
          "ide_sessions=0"
        else
          "ide_sessions=$(ss -Hx state connected src ${escapeShellArg ideSocket} | wc -l)"
      }
      measured+=("SSH sessions: $ssh_sessions" "IDE connections: $ide_sessions")
      if [ "$ssh_sessions" -gt 0 ]; then
        busy+=("$ssh_sessions SSH session(s) open")
      fi
      if [ "$ide_sessions" -gt 0 ]; then
        busy+=("$ide_sessions IDE connection(s) open")
      fi

      read -r _ load5 _ </proc/loadavg
      cores=$(nproc)
      load_per_core=$(awk -v load="$load5" -v cores="$cores" 'BEGIN { printf "%.2f", load / cores }')
      measured+=("5-minute load per core: $load_per_core ($load5 on $cores cores)")
      if awk -v load="$load5" -v cores="$cores" -v limit=${builtins.toJSON cfg.cpuLoadPerCore} \
        'BEGIN { exit !(load / cores >= limit + 0) }'; then
        busy+=("load per core $load_per_core >= ${builtins.toJSON cfg.cpuLoadPerCore}")
      fi

      ${optionalString gpu ''
        # One line per GPU. GPUs that report no utilisation ([N/A], e.g. with
        # MIG partitions) are left to the other checks; if nvidia-smi fails
        # altogether a job may still be using the GPUs, so they count as busy.
        if gpu_utilization=$(timeout 60 nvidia-smi --query-gpu=utilization.gpu --format=csv,noheader,nounits); then
          rm -f -- "$gpu_unknown_file"
          gpu_max=$(printf '%s\n' "$gpu_utilization" \
            | awk 'BEGIN { max = -1 } $1 ~ /^[0-9]+$/ && $1 + 0 > max { max = $1 + 0 } END { print max }')
          if [ "$gpu_max" -lt 0 ]; then
            measured+=("GPU utilisation: not reported")
          else
            measured+=("highest GPU utilisation: $gpu_max%")
            if [ "$gpu_max" -ge ${toString cfg.gpuUtilizationPercent} ]; then
              busy+=("GPU utilisation $gpu_max% >= ${toString cfg.gpuUtilizationPercent}%")
            fi
          fi
        else
          gpu_unknown_since=$(cat -- "$gpu_unknown_file" 2>/dev/null || true)
          if ! [[ $gpu_unknown_since =~ ^[0-9]+$ ]] || [ "$gpu_unknown_since" -gt "$now" ]; then
            gpu_unknown_since=$now
            printf '%s\n' "$now" >"$gpu_unknown_file"
          fi
          gpu_unknown_seconds=$((now - gpu_unknown_since))
          measured+=("GPU utilisation: nvidia-smi failing for $((gpu_unknown_seconds / 60)) min")
          if [ "$gpu_unknown_seconds" -lt "$idle_limit" ]; then
            echo "<4>nvidia-smi failed; keeping the machine up for at most ${opt}.idleMinutes (${toString cfg.idleMinutes}) after the first failure" >&2
            held+=("GPU state unknown")
          else
            echo "<4>nvidia-smi has failed for $((gpu_unknown_seconds / 60)) minutes; the GPUs no longer keep the machine up" >&2
          fi
        fi
      ''}
      ${optionalString bootstrap.enable ''
        if [ "$(systemctl show --property=ActiveState --value ml-workspace-bootstrap.service)" = activating ]; then
          busy+=("ml-workspace-bootstrap.service is applying a machine document")
        fi
      ''}
      if [ "''${#busy[@]}" -gt 0 ]; then
        last_busy=$now
        printf '%s\n' "$now" >"$last_busy_file.tmp"
        mv -f -- "$last_busy_file.tmp" "$last_busy_file"
      else
        last_busy=$(cat -- "$last_busy_file" 2>/dev/null || true)
        if ! [[ $last_busy =~ ^[0-9]+$ ]]; then
          # First check since boot: the idle window started at boot.
          last_busy=$((now - uptime_seconds))
        elif [ "$last_busy" -gt "$now" ]; then
          # The clock was set back.
          last_busy=$now
        fi
        printf '%s\n' "$last_busy" >"$last_busy_file.tmp"
        mv -f -- "$last_busy_file.tmp" "$last_busy_file"
      fi
      idle_seconds=$((now - last_busy))

      summary="up $((uptime_seconds / 60)) min, idle $((idle_seconds / 60)) min; $(join "''${measured[@]}")"

      # What this check found; with mlWorkspace.idleStop.activity, one line for the usage views.
      state=idle
      if [ "''${#busy[@]}" -gt 0 ]; then
        state=busy
      elif [ "''${#held[@]}" -gt 0 ]; then
        state=kept-up
      fi
      ${activityLine}

      reason=
      if [ "$runtime_limit" -gt 0 ] && [ "$uptime_seconds" -ge "$runtime_limit" ]; then
        reason="up for $((uptime_seconds / 60)) minutes, at least ${opt}.maxRuntimeHours (${toString cfg.maxRuntimeHours} h)"
      elif [ "$idle_seconds" -ge "$idle_limit" ] && [ "''${#held[@]}" -eq 0 ]; then
        reason="idle for $((idle_seconds / 60)) minutes, at least ${opt}.idleMinutes (${toString cfg.idleMinutes})"
      fi

      if [ -z "$reason" ]; then
        if [ "''${#busy[@]}" -gt 0 ]; then
          echo "<7>busy ($(join "''${busy[@]}")): $summary"
        elif [ "''${#held[@]}" -gt 0 ]; then
          echo "<7>kept up ($(join "''${held[@]}")): $summary"
        else
          echo "<7>idle: $summary"
        fi
        exit 0
      fi

      echo "<5>stopping the machine: $reason ($summary); running: $stop_command"
      if ! "$BASH" -c "$stop_command"; then
        echo "<3>the stop command failed; trying again at the next check" >&2
        exit 1
      fi
    '';
in
{
  # The workspace and bootstrap options are always declared (each role is gated
  # by its own enable), so this module reads them directly.
  imports = [
    ./workspace.nix
    ./bootstrap.nix
  ];

  options.mlWorkspace.idleStop = {
    enable = mkEnableOption "stopping the machine when nobody uses it";

    cloud = mkOption {
      type = types.enum [
        "gcp"
        "aws"
        "azure"
      ];
      example = "gcp";
      description = ''
        Cloud the machine runs on. Selects the default
        {option}`${opt}.stopCommand`: a guest power-off on GCP and AWS, a
        deallocation through the VM's managed identity on Azure.
      '';
    };

    idleMinutes = mkOption {
      type = types.ints.between 5 1440;
      default = 60;
      example = 120;
      description = ''
        Stop the machine once it has not been busy for this many consecutive
        minutes. The first idle window starts at boot. From 5 (so that people
        can sign in after starting the machine) to 1440 (a day).
      '';
    };

    gpuUtilizationPercent = mkOption {
      type = types.ints.between 0 100;
      default = 5;
      example = 10;
      description = ''
        The machine is busy while any GPU's utilisation (`nvidia-smi
        --query-gpu=utilization.gpu`) is at or above this percentage. Only
        checked on machines with the workspace's GPU stack
        ({option}`mlWorkspace.workspace.gpu.enable`); `0` keeps them up as
        long as nvidia-smi answers. If nvidia-smi fails the GPUs count as
        busy; GPUs that report no utilisation (MIG partitions) are left to
        the other checks.
      '';
    };

    cpuLoadPerCore = mkOption {
      type = types.numbers.between 0.01 64;
      default = 0.3;
      example = 0.5;
      description = ''
        The machine is busy while the 5-minute load average divided by the
        number of cores is at or above this value, from 0.01 to 64.
      '';
    };

    maxRuntimeHours = mkOption {
      type = types.nullOr (types.ints.between 1 8760);
      default = null;
      example = 24;
      description = ''
        Stop the machine once it has been up this many hours since boot, busy
        or not: a safety net for jobs that were forgotten or hang, and for a
        GPU driver that stopped answering. From 1 to 8760 (a year); `null`
        sets no limit.
      '';
    };

    activity = mkOption {
      type = types.nullOr (
        types.submodule {
          options = {
            workspace = mkOption {
              type = types.strMatching "[a-z][a-z0-9-]{0,62}";
              example = "alice";
              description = "The workspace's name, as its `workspace` label.";
            };
            owner = mkOption {
              type = types.strMatching "[a-z0-9][a-z0-9_-]{0,62}";
              example = "alice_example_com";
              description = "The workspace's owner, as its `owner` label.";
            };
          };
        }
      );
      default = null;
      example = {
        workspace = "alice";
        owner = "alice_example_com";
      };
      description = ''
        Who the activity lines are about. With it, every check writes one line
        to this unit's journal at priority info, a JSON object
        `{"time", "workspace", "owner", "state"}` where `state` is `busy`,
        `kept-up` or `idle`: shipped to the cloud's log store
        (`ml-workspace-activity`), the `UsageExporter` views count the idle
        share of each day's checks. `null` writes none.
      '';
    };

    stopCommand = mkOption {
      type = types.str;
      defaultText = literalMD ''
        `"systemctl poweroff"` on GCP and AWS; on Azure a script that
        deallocates the VM through its managed identity.
      '';
      example = "systemctl poweroff";
      description = ''
        Shell command (run by bash as root) that stops the machine so that
        compute is no longer billed. On Azure the default calls
        `POST .../virtualMachines/<name>/deallocate` with a token of the VM's
        managed identity, which needs only the
        `Microsoft.Compute/virtualMachines/deallocate/action` permission on
        the VM. On AWS the instance's shutdown behaviour must be "stop" for
        the default power-off to stop rather than terminate it.
      '';
    };
  };

  config = mkIf cfg.enable {
    assertions = [
      {
        assertion = cfg.stopCommand != "";
        message = "${opt}.stopCommand must not be empty; without it the machine is never stopped.";
      }
    ];

    warnings = optional (
      cfg.cloud == "azure" && builtins.match ".*(poweroff|shutdown|halt).*" cfg.stopCommand != null
    ) "${opt}.stopCommand shuts the VM down from inside, which leaves an Azure VM allocated and billed; the default deallocates it instead.";

    mlWorkspace.idleStop.stopCommand = mkOptionDefault defaultStopCommands.${cfg.cloud};

    systemd.services.ml-workspace-idle-stop = {
      description = "Stop the ML workspace machine when nobody uses it";
      after = [ "network-online.target" ];
      wants = [ "network-online.target" ];
      path = checkPath;
      script = checkScript;
      serviceConfig = {
        Type = "oneshot";
        RuntimeDirectory = "ml-workspace/idle-stop";
        RuntimeDirectoryMode = "0700";
        # Keep the last-busy time between runs; /run itself is reset at boot.
        RuntimeDirectoryPreserve = "yes";
        TimeoutStartSec = "5min";
      };
    };

    systemd.timers.ml-workspace-idle-stop = {
      description = "Check every minute whether the ML workspace machine is idle";
      wantedBy = [ "timers.target" ];
      timerConfig = {
        OnBootSec = "5min";
        OnUnitActiveSec = "1min";
        AccuracySec = "10s";
      };
    };
  };
}
