/**
 * The shapes of the SSO strings that reach oauth2-proxy's command line. nixpkgs renders each as
 * `--key='value'` into `ExecStart`, unescaped, so a `'` would end the argument (and could add,
 * say, `--email-domain=*`) and a newline would break the unit. These are the same patterns the
 * NixOS module asserts (`nix/modules/workspace.nix`); a test probes both with the same values.
 *
 * @internal
 */

/** An OAuth client id: Google (`123-abc.apps.googleusercontent.com`), GitHub (`Iv1.…`), Entra (a UUID), Auth0, Okta. */
export const OAUTH_CLIENT_ID = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,254}$/;

/**
 * An OpenID Connect issuer: https, a host name, an optional port and path, nothing else (no
 * credentials, query or fragment, no quote, space or control character).
 */
export const OIDC_ISSUER_URL = /^https:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?(\/[A-Za-z0-9._~%!$&()*+,;=:@/-]*)?$/;

/**
 * Why an issuer URL is not acceptable, or undefined. It must match {@link OIDC_ISSUER_URL} and
 * parse as a URL with the same host (so `https://evil@good` and friends are refused).
 *
 * @internal
 */
export function oidcIssuerProblem(value: string): string | undefined {
  if (!OIDC_ISSUER_URL.test(value)) {
    return "must be an https URL of a host name with an optional port and path, and no quotes, spaces, credentials, query or fragment; e.g. 'https://login.example.com/'";
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "is not a URL; e.g. 'https://login.example.com/'";
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.search || url.hash) {
    return "must be a plain https URL; e.g. 'https://login.example.com/'";
  }
  return undefined;
}
