# NixOS VM test for mlWorkspace.workspace: the IDE is reachable through nginx
# over TLS with its connection token, refuses requests without it, and
# listens on loopback only.
#
#   nix build ./nix#checks.x86_64-linux.workspace        # from the repository root
#   nix-build nix/tests/workspace.nix                    # with <nixpkgs> on NIX_PATH
#
# ACME is off: the VM has no public DNS name. A self-signed certificate is
# generated at build time instead, and a test-only activation script puts the
# connection token and the key where mlWorkspace.secrets would at runtime.
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
          -subj "/CN=${domain}" -addext "subjectAltName=DNS:${domain}" \
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

      # The test driver logs in through its own backdoor, not through a
      # password or SSH key, which the module's immutable users would demand.
      users.allowNoPasswordLogin = true;

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
        docker.enable = false;
        ide.connectionTokenFile = "${runtimeDir}/connection-token";
        tls = {
          acme.enable = false;
          certificateFile = "${certificate}/cert.pem";
          keyFile = "${runtimeDir}/key.pem";
        };
      };
    };

  testScript = ''
    url = "https://${domain}/"

    machine.wait_for_unit("openvscode-server.service")
    machine.wait_for_unit("nginx.service")
    machine.wait_for_open_port(3000)
    machine.wait_for_open_port(443)

    with subtest("the IDE answers through nginx when given the connection token"):
        machine.succeed(f"curl --fail -k -sS -o /dev/null '{url}?tkn=${token}'")

    with subtest("without the token the IDE refuses the request"):
        machine.fail(f"curl --fail -k -sS -o /dev/null '{url}'")
        status = machine.succeed(f"curl -k -s -o /dev/null -w '%{{http_code}}' '{url}'").strip()
        assert status in ("401", "403"), f"expected 401 or 403 without a token, got {status}"

    with subtest("responses carry HSTS"):
        headers = machine.succeed(f"curl -k -sS -D - -o /dev/null '{url}?tkn=${token}'").lower()
        assert "strict-transport-security: max-age=63072000; includesubdomains" in headers, headers

    with subtest("plain HTTP redirects to HTTPS"):
        status = machine.succeed("curl -s -o /dev/null -w '%{http_code}' http://${domain}/").strip()
        assert status == "301", f"expected a redirect from port 80, got {status}"

    with subtest("openvscode-server listens on 127.0.0.1 only"):
        listeners = machine.succeed("ss -ltnH 'sport = :3000'").strip().splitlines()
        local = sorted(line.split()[3] for line in listeners)
        assert local == ["127.0.0.1:3000"], f"unexpected listeners on port 3000: {local}"
  '';
}
