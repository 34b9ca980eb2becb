/**
 * The SSO strings that reach oauth2-proxy's command line (nixpkgs writes `--key='value'` into
 * ExecStart, unescaped) are refused in TypeScript and in the NixOS module alike when they could
 * end the quoted argument or the line: a `'` in the client id once added `--email-domain=*`.
 */
import * as path from 'path';
import { SsoProvider, WorkspaceAuth } from 'cdktf-ml-workspace';
import { OAUTH_CLIENT_ID, oidcIssuerProblem } from 'cdktf-ml-workspace/lib/core/sso-strings';
import { NIX_DIR, nixEvalExpr } from '../nix/nix-eval';
import { buildError, gcpWorkspace } from '../util';

jest.setTimeout(60_000);

/** The workspace module's failed assertions for each oauth2-proxy setting. */
const NIX_EXPR = `{ helper, module, probes }:
  map (probe:
    let
      m = import helper {
        inherit module;
        values.mlWorkspace.workspace = {
          enable = true;
          domain = "alice.example.com";
          tls.acme = { enable = true; email = "ops@example.com"; };
          admin = { user = "admin"; authorizedKeys = [ "ssh-ed25519 AAAA admin" ]; };
          oauth2Proxy = {
            enable = true;
            provider = "oidc";
            clientId = "ml-workspace";
            clientSecretFile = "/run/ml-workspace/secrets/oauth2-client-secret";
            cookieSecretFile = "/run/ml-workspace/secrets/oauth2-cookie-secret";
            oidcIssuerUrl = "https://login.example.com/";
            allowedEmails = [ "alice@example.com" ];
          } // probe;
        };
      };
    in
    builtins.filter (msg: builtins.match ".*oauth2Proxy.*" msg != null) m.failedAssertions
  ) (builtins.fromJSON probes)`;

function nixRefuses(probes: Array<Record<string, unknown>>): boolean[] {
  return nixEvalExpr<string[][]>(NIX_EXPR, [
    '--argstr', 'helper', path.join(NIX_DIR, 'tests', 'module-config.nix'),
    '--argstr', 'module', path.join(NIX_DIR, 'modules', 'workspace.nix'),
    '--argstr', 'probes', JSON.stringify(probes),
  ]).map((failed) => failed.length > 0);
}

const GOOD_CLIENT_IDS = ['123456789012-abc.apps.googleusercontent.com', 'Iv1.0123456789abcdef', '00000000-0000-0000-0000-000000000000', 'a~b_c'];
const BAD_CLIENT_IDS = [
  "x' --email-domain=*",
  'x\n--email-domain=*',
  'x y',
  '"quoted"',
  'client;id',
  '-leading-dash',
  'é-unicode',
  'a'.repeat(256),
];
const GOOD_ISSUERS = ['https://login.example.com/', 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0', 'https://auth.example.com:8443/realms/ml'];
const BAD_ISSUERS = [
  "https://login.example.com/' --email-domain=*",
  'https://login.example.com/\n',
  'http://login.example.com/',
  'https://evil.example@login.example.com/',
  'https://login.example.com/?next=x',
  'https://login.example.com/#x',
  'https://login example.com/',
  'javascript:alert(1)',
  '',
];

describe('auth.clientId', () => {
  test('TypeScript and the NixOS module accept the real client id shapes', () => {
    expect(GOOD_CLIENT_IDS.map((id) => OAUTH_CLIENT_ID.test(id))).toEqual(GOOD_CLIENT_IDS.map(() => true));
    expect(nixRefuses(GOOD_CLIENT_IDS.map((clientId) => ({ clientId })))).toEqual(GOOD_CLIENT_IDS.map(() => false));
  });

  test('both refuse quotes, newlines, spaces, a leading dash, unicode and 256 characters', () => {
    expect(BAD_CLIENT_IDS.map((id) => OAUTH_CLIENT_ID.test(id))).toEqual(BAD_CLIENT_IDS.map(() => false));
    expect(nixRefuses(BAD_CLIENT_IDS.map((clientId) => ({ clientId })))).toEqual(BAD_CLIENT_IDS.map(() => true));
  });

  test('synthesis names the prop, the value and why', () => {
    expect(
      buildError({ auth: WorkspaceAuth.sso({ provider: SsoProvider.GITHUB, clientId: "x' --email-domain=*", clientSecretName: 'gh' }) }),
    ).toBe(
      "GpuWorkspace 'alice': auth.clientId 'x' --email-domain=*' is not an OAuth client id: use the id the provider shows (letters, digits and . _ ~ -, e.g. '123-abc.apps.googleusercontent.com'); quotes, spaces and newlines would reach oauth2-proxy's command line",
    );
  });
});

describe('auth.oidcIssuerUrl', () => {
  test('TypeScript and the NixOS module accept real issuers', () => {
    expect(GOOD_ISSUERS.map(oidcIssuerProblem)).toEqual(GOOD_ISSUERS.map(() => undefined));
    expect(nixRefuses(GOOD_ISSUERS.map((oidcIssuerUrl) => ({ oidcIssuerUrl })))).toEqual(GOOD_ISSUERS.map(() => false));
  });

  test('both refuse quotes, newlines, http, credentials, queries, fragments and other schemes', () => {
    expect(BAD_ISSUERS.map((u) => oidcIssuerProblem(u) !== undefined)).toEqual(BAD_ISSUERS.map(() => true));
    expect(nixRefuses(BAD_ISSUERS.map((oidcIssuerUrl) => ({ oidcIssuerUrl })))).toEqual(BAD_ISSUERS.map(() => true));
  });

  test('synthesis refuses one, and an issuer for a provider that takes none', () => {
    const sso = (provider: SsoProvider, oidcIssuerUrl: string) =>
      WorkspaceAuth.sso({ provider, clientId: 'ml-workspace', clientSecretName: 'oidc', oidcIssuerUrl, allowedDomains: ['example.com'] });

    expect(buildError({ auth: sso(SsoProvider.OIDC, 'https://evil.example@login.example.com/') })).toBe(
      "GpuWorkspace 'alice': auth.oidcIssuerUrl 'https://evil.example@login.example.com/' must be an https URL of a host name with an optional port and path, and no quotes, spaces, credentials, query or fragment; e.g. 'https://login.example.com/'",
    );
    expect(buildError({ auth: sso(SsoProvider.GITHUB, 'https://login.example.com/') })).toBe(
      "GpuWorkspace 'alice': auth.oidcIssuerUrl 'https://login.example.com/' applies to SsoProvider.OIDC only; remove it for github",
    );
    expect(() => gcpWorkspace({ auth: sso(SsoProvider.OIDC, 'https://login.example.com/realms/ml') })).not.toThrow();
  });
});

describe('the allow-lists', () => {
  test('the NixOS module refuses a domain or an address that would break its argument or file', () => {
    expect(
      nixRefuses([
        { allowedEmailDomains: ["example.com' --email-domain=*"] },
        { allowedEmailDomains: ['*'] },
        { allowedEmails: ['alice@example.com\nmallory@evil.example'] },
        { allowedEmailDomains: ['example.com'] },
      ]),
    ).toEqual([true, true, true, false]);
  });
});
