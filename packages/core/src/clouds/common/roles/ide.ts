import { Construct } from 'constructs';
import { AccessMode } from '../../../core/access';
import { AuthMode } from '../../../core/auth';
import { TlsMode } from '../../../core/tls';
import { DocumentFragment, MachineHost } from '../../../host/machine-host';
import { SecretName } from '../../../nixos/machine-config';
import { WorkspaceSpec } from '../../../host/workspace-spec';
import { openForSignIn, openInBrowser } from '../sign-in';
import { makeCertificate } from '../tls';
import { connectionToken, cookieSecret, expiryAfterRotation } from '../token';

/**
 * The IDE role, the part every cloud shares: what it opens (HTTPS from the allowed ranges and,
 * for Let's Encrypt, port 80 in public mode; 443 through the private path otherwise), the
 * secrets it needs (the connection token, or the SSO cookie and client secrets; a certificate
 * unless Let's Encrypt issues one on the machine), and its settings in the machine document.
 * Each cloud's `roles/ide.ts` adds what is the cloud's own: the DNS name and how people sign in.
 *
 * @internal
 */
export function ideIngress(host: MachineHost, spec: WorkspaceSpec): void {
  if (spec.access.mode !== AccessMode.PUBLIC) {
    host.allowPrivateAccess(443);
    return;
  }
  host.allowPublicIngress({
    id: 'Https',
    suffix: 'https',
    port: 443,
    sources: spec.access.allowedCidrs,
    description: 'HTTPS to the IDE from the allowed ranges',
    rangeDescription: 'HTTPS to the IDE from an allowed range',
  });
  if (spec.tls.mode === TlsMode.LETS_ENCRYPT) {
    host.allowPublicIngress({
      id: 'Acme',
      suffix: 'acme',
      port: 80,
      sources: 'internet',
      description: "Let's Encrypt HTTP-01 challenge and redirect to HTTPS; nginx serves nothing else on 80",
      rangeDescription: "Let's Encrypt HTTP-01 challenge and redirect to HTTPS; nginx serves nothing else on 80",
    });
  }
}

/**
 * The authentication secrets: a rotating connection token, or oauth2-proxy's rotating cookie
 * secret and the existing OAuth client secret. Returns the token's secret, which a grant lets
 * people read.
 *
 * @internal
 */
export function ideAuthSecrets(host: MachineHost, spec: WorkspaceSpec): Construct | undefined {
  const scope = host.scope;
  if (spec.auth.mode === AuthMode.CONNECTION_TOKEN) {
    // A rotating secret is marked expired (where the store can) one period after its rotation
    // falls due; the store still returns it, the expiry shows an overdue rotation to audits.
    const token = connectionToken(scope, spec.auth.rotationDays);
    return host.addSecret({
      idPrefix: 'ConnectionToken',
      fileName: SecretName.CONNECTION_TOKEN,
      owner: spec.user,
      value: token.password.result,
      contentType: 'text/plain',
      expirationDate: expiryAfterRotation(token),
    });
  }
  const sso = spec.auth.sso!;
  const cookie = cookieSecret(scope, spec.auth.rotationDays);
  host.addSecret({
    idPrefix: 'CookieSecret',
    fileName: SecretName.OAUTH2_COOKIE_SECRET,
    owner: 'oauth2-proxy',
    value: cookie.password.result,
    contentType: 'text/plain',
    expirationDate: expiryAfterRotation(cookie),
  });
  host.readExistingSecret('ClientSecret', sso.clientSecretName, SecretName.OAUTH2_CLIENT_SECRET, 'oauth2-proxy');
  return undefined;
}

/**
 * The certificate nginx serves, unless Let's Encrypt issues one on the machine: self-signed or
 * from the private CA, for the domain and the other names the IDE is reached at. Its secrets
 * expire with it (where the store records an expiry).
 *
 * @internal
 */
export function ideCertificate(host: MachineHost, spec: WorkspaceSpec, domain: string, dnsNames: string[], ipAddresses: string[] = []): void {
  const cert = makeCertificate(host.scope, spec.tls, domain, dnsNames, ipAddresses);
  if (!cert) return;
  const expirationDate = cert.validityEndTime;
  host.addSecret({ idPrefix: 'TlsCert', fileName: SecretName.TLS_CERT, owner: 'nginx', value: cert.certPem, contentType: 'application/x-pem-file', expirationDate });
  host.addSecret({ idPrefix: 'TlsKey', fileName: SecretName.TLS_KEY, owner: 'nginx', value: cert.key.privateKeyPem, contentType: 'application/x-pem-file', expirationDate });
}

/** The IDE's settings in the machine document. @internal */
export function ideDocument(spec: WorkspaceSpec, domain: string, url: string): DocumentFragment {
  const sso = spec.auth.sso;
  return {
    domain,
    // Only when it differs from the domain's: the document stays as small as it can.
    url: url === `https://${domain}/` ? undefined : url,
    acmeEmail: spec.tls.mode === TlsMode.LETS_ENCRYPT ? spec.tls.email : undefined,
    oauth2Proxy: sso
      ? {
        provider: sso.provider,
        clientId: sso.clientId,
        oidcIssuerUrl: sso.oidcIssuerUrl,
        allowedEmails: sso.allowedEmails,
        allowedEmailDomains: sso.allowedDomains,
      }
      : undefined,
  };
}

/**
 * How a person gets in: open the URL with the token the `readToken` command prints, or open it
 * and sign in with the provider; through `tunnel` first when the IDE is private.
 *
 * @internal
 */
export function ideSignIn(spec: WorkspaceSpec, url: string, readToken: string | undefined, tunnel: string | undefined): string {
  const step = readToken !== undefined ? openInBrowser(`${url}?tkn=$(${readToken})`) : openForSignIn(url, spec.auth.sso!.provider);
  return tunnel ? `${tunnel} & ${step}` : step;
}
