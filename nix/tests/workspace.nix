# NixOS VM test for mlWorkspace.workspace: the IDE is reachable through nginx
# over TLS with its connection token at every address the constructs print
# (the domain, `localhost` through a tunnel, an IP address, which sends no
# server name), refuses requests without the token, sends HSTS for the domain
# only, and listens on a Unix socket that only nginx and the workspace user
# can open.
#
#   nix build ./nix#checks.x86_64-linux.workspace        # from the repository root
#   nix-build nix/tests/workspace.nix                    # with <nixpkgs> on NIX_PATH
#
# ACME is off: the VM has no public DNS name. A self-signed certificate is
# generated at build time instead, and a test-only activation script puts the
# connection token and the key where mlWorkspace.secrets would at runtime.
# The machine passes NixOS's lock-out check the way an Azure workspace does,
# through the break-glass admin's key, not with users.allowNoPasswordLogin.
{
  pkgs ? import <nixpkgs> { },
}:

let
  domain = "workspace.test";
  token = "test-connection-token";
  runtimeDir = "/run/ml-workspace-test";

  certificate =
    pkgs.runCommand "ml-workspace-test-certificate" { nativeBuildInputs = [ pkgs.openssl ]; }
      ''
        mkdir -p $out
        openssl req -x509 -nodes -days 3650 \
          -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
          -subj "/CN=${domain}" -addext "subjectAltName=DNS:${domain},DNS:localhost,IP:127.0.0.1" \
          -keyout $out/key.pem -out $out/cert.pem
      '';
in
pkgs.testers.runNixOSTest {
  name = "ml-workspace";

  nodes.machine =
    { ... }:
    {
      imports = [ ../modules/workspace.nix ];

      virtualisation.memorySize = 2048;
      networking.hosts."127.0.0.1" = [ domain ];


      system.activationScripts.ml-workspace-test-secrets = {
        deps = [ "users" ];
        text = ''
          install -d -m 0755 ${runtimeDir}
          printf '%s' '${token}' > ${runtimeDir}/connection-token
          chown workspace:workspace ${runtimeDir}/connection-token
          chmod 0400 ${runtimeDir}/connection-token
          install -m 0400 -o nginx -g nginx ${certificate}/key.pem ${runtimeDir}/key.pem
        '';
      };

      mlWorkspace.workspace = {
        enable = true;
        inherit domain;
        containers = "none";
        ide.connectionTokenFile = "${runtimeDir}/connection-token";
        admin = {
          user = "admin";
          authorizedKeys = [ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBreakGlassTestKeyOnlyForTheVmTest0000000 admin" ];
        };
        tls = {
          acme.enable = false;
          certificateFile = "${certificate}/cert.pem";
          keyFile = "${runtimeDir}/key.pem";
        };
      };
    };

  testScript = ''
    socket = "/run/ml-workspace-ide/ide.sock"

    def status(url, extra=""):
        return machine.succeed(f"curl -k -s -o /dev/null -w '%{{http_code}}' {extra} '{url}'").strip()

    machine.wait_for_unit("openvscode-server.service")
    machine.wait_for_unit("nginx.service")
    machine.wait_until_succeeds(f"test -S {socket}")
    machine.wait_for_open_port(443)

    for url in ["https://${domain}/", "https://localhost/", "https://127.0.0.1/"]:
        with subtest(f"the IDE answers at {url} with the connection token"):
            # An IP address sends no server name; localhost is what a tunnel sends.
            machine.succeed(f"curl --fail -k -sS -o /dev/null '{url}?tkn=${token}'")
        with subtest(f"without the token {url} refuses the request"):
            code = status(url)
            assert code in ("401", "403"), f"expected 401 or 403 without a token at {url}, got {code}"

    with subtest("HSTS for the domain, never for localhost or an address"):
        headers = machine.succeed("curl -k -sS -D - -o /dev/null 'https://${domain}/?tkn=${token}'").lower()
        assert "strict-transport-security: max-age=63072000; includesubdomains" in headers, headers
        for url in ["https://localhost/", "https://127.0.0.1/"]:
            headers = machine.succeed(f"curl -k -sS -D - -o /dev/null '{url}?tkn=${token}'").lower()
            assert "strict-transport-security" not in headers, f"{url}: {headers}"

    with subtest("plain HTTP redirects to HTTPS"):
        assert status("http://${domain}/") == "301"

    with subtest("the IDE listens on no TCP port, only on a socket for nginx and its user"):
        machine.fail("ss -ltnpH | grep -E 'node|openvscode'")
        assert machine.succeed(f"stat -c '%U %G %a' {socket}").strip() == "workspace nginx 770"
        assert machine.succeed("stat -c '%U %G %a' /run/ml-workspace-ide").strip() == "workspace nginx 2750"
        machine.fail(f"sudo -u admin curl -sS --unix-socket {socket} http://ide/")

    with subtest("the IDE cannot reach the instance metadata service"):
        deny = machine.succeed("systemctl show -p IPAddressDeny openvscode-server.service")
        assert "169.254.169.254" in deny, deny

    with subtest("the workspace user is in no group that is root"):
        groups = machine.succeed("id -nG workspace").split()
        assert "docker" not in groups and "wheel" not in groups, groups
  '';
}
