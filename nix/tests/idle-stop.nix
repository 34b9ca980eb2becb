# NixOS VM test for mlWorkspace.idleStop: the timer is active, an open IDE or
# SSH connection keeps the machine up, and once it has been idle for
# idleMinutes the stop command runs and the reason is logged.
#
#   nix build ./nix#checks.x86_64-linux.idle-stop       # from the repository root
#   nix-build nix/tests/idle-stop.nix                   # with <nixpkgs> on NIX_PATH
#
# The stop command only leaves a marker file, so the VM keeps running and the
# test can look at it. The test stops the timer and starts the check service
# itself, with a last-busy time written to look like the idle window has
# passed; waiting out the real five minutes would only make it slower.
{
  pkgs ? import <nixpkgs> { },
}:

let
  ideSocket = "/run/fake-ide.sock";
  stopped = "/tmp/stopped";
  lastBusy = "/run/ml-workspace/idle-stop/last-busy";

  # Accepts connections and holds every one of them open, like the IDE holding
  # a browser tab's websocket.
  fakeIde = pkgs.writeText "fake-ide.py" ''
    import socket

    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind("${ideSocket}")
    server.listen()
    held = []
    while True:
        held.append(server.accept())
  '';

  # Opens one connection (to 127.0.0.1:<port>, or to a Unix socket) and keeps it open.
  holdConnection = pkgs.writeText "hold-connection.py" ''
    import socket
    import sys
    import time

    if sys.argv[1].startswith("/"):
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.connect(sys.argv[1])
    else:
        conn = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    while True:
        time.sleep(3600)
  '';

  python = "${pkgs.python3}/bin/python3";
in
pkgs.testers.runNixOSTest {
  name = "ml-workspace-idle-stop";

  nodes.machine =
    { ... }:
    {
      imports = [ ../modules/idle-stop.nix ];

      services.openssh.enable = true;
      # Where the idle check looks for IDE connections (the workspace module
      # sets it); the IDE itself is a stand-in here.
      services.openvscode-server.socketPath = ideSocket;

      mlWorkspace.idleStop = {
        enable = true;
        cloud = "gcp";
        idleMinutes = 5;
        # Booting the VM keeps the load average up for minutes; only
        # connections decide here.
        cpuLoadPerCore = 64;
        stopCommand = "touch ${stopped}";
        activity = {
          workspace = "alice";
          owner = "alice_example_com";
        };
      };
    };

  testScript = ''
    def pretend_idle_since(seconds):
        machine.succeed(
            "install -d -m 0700 /run/ml-workspace/idle-stop",
            f"echo $(( $(date +%s) - {seconds} )) > ${lastBusy}",
        )

    def check():
        machine.succeed("systemctl start ml-workspace-idle-stop.service")

    machine.wait_for_unit("multi-user.target")

    with subtest("the timer is active"):
        machine.wait_for_unit("ml-workspace-idle-stop.timer")
        machine.succeed("systemctl is-active ml-workspace-idle-stop.timer")
        # From here on the test runs the check itself.
        machine.succeed("systemctl stop ml-workspace-idle-stop.timer")
        machine.succeed("rm -f ${stopped}")

    with subtest("an open IDE connection keeps the machine up"):
        machine.succeed("systemd-run --unit=fake-ide ${python} ${fakeIde}")
        machine.wait_until_succeeds("test -S ${ideSocket}")
        machine.succeed("systemd-run --unit=ide-tab ${python} ${holdConnection} ${ideSocket}")
        machine.wait_until_succeeds("ss -Hx state connected src ${ideSocket} | grep -q .")
        pretend_idle_since(600)
        check()
        machine.fail("test -e ${stopped}")
        # Busy: the last-busy time is now.
        machine.succeed("test $(( $(date +%s) - $(cat ${lastBusy}) )) -lt 60")
        machine.succeed("systemctl stop ide-tab.service")
        machine.wait_until_fails("ss -Hx state connected src ${ideSocket} | grep -q .")

    with subtest("an open SSH connection keeps the machine up"):
        machine.wait_for_unit("sshd.service")
        machine.wait_for_open_port(22)
        machine.succeed("systemd-run --unit=ssh-session ${python} ${holdConnection} 22")
        machine.wait_until_succeeds("ss -Htn state established '( sport = :22 )' | grep -q .")
        pretend_idle_since(600)
        check()
        machine.fail("test -e ${stopped}")
        machine.succeed("systemctl stop ssh-session.service")
        machine.wait_until_fails("ss -Htn state established '( sport = :22 )' | grep -q .")

    with subtest("idle for less than idleMinutes, the machine stays up"):
        pretend_idle_since(120)
        check()
        machine.fail("test -e ${stopped}")

    with subtest("idle for idleMinutes, the stop command runs and the reason is logged"):
        pretend_idle_since(600)
        check()
        machine.succeed("test -e ${stopped}")
        machine.succeed(
            "journalctl -u ml-workspace-idle-stop.service"
            + " | grep 'stopping the machine: idle for 10 minutes, at least mlWorkspace.idleStop.idleMinutes (5)'"
        )

    with subtest("every check writes its activity line at priority info, as JSON"):
        machine.succeed(
            "journalctl -u ml-workspace-idle-stop.service -p info..info -o cat"
            + " | grep -E '^\\{\"time\":\"[0-9T:-]+Z\",\"workspace\":\"alice\",\"owner\":\"alice_example_com\",\"state\":\"idle\"\\}$'"
        )
  '';
}
