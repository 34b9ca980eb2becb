import { LocallySignedCert } from '@cdktf/provider-tls/lib/locally-signed-cert';
import { PrivateKey } from '@cdktf/provider-tls/lib/private-key';
import { SelfSignedCert } from '@cdktf/provider-tls/lib/self-signed-cert';
import { CertRequest } from '@cdktf/provider-tls/lib/cert-request';
import { Construct } from 'constructs';
import { TlsMode } from '../../core/tls';
import { ensureTlsProvider } from './providers';

/** A certificate and key made by Terraform for a non-ACME TLS mode. @internal */
export interface MadeCertificate {
  readonly key: PrivateKey;
  readonly certPem: string;
  /** When the certificate expires (RFC 3339), known at apply time. */
  readonly validityEndTime: string;
}

const USAGES = ['digital_signature', 'key_encipherment', 'server_auth'];
/** Renew when less than 30 days are left... */
const EARLY_RENEWAL_HOURS = 720;

/**
 * ...or, for a shorter certificate, when a third of its life is left: a renewal window as long
 * as the certificate itself would replace it on every apply. The machine reads the renewed
 * certificate within `mlWorkspace.secrets.refreshInterval` and reloads nginx.
 *
 * @internal
 */
export function earlyRenewalHours(validityHours: number): number {
  return Math.min(EARLY_RENEWAL_HOURS, Math.floor(validityHours / 3));
}

/**
 * Makes the workspace's certificate for `SELF_SIGNED` or `PRIVATE_CA`: an ECDSA P-256 key and
 * a certificate for `dnsNames`. Returns undefined for Let's Encrypt.
 *
 * @internal
 */
export function makeCertificate(
  scope: Construct,
  tls: { mode: TlsMode; validityHours: number; caCertificatePem?: string; caPrivateKeyPem?: string },
  commonName: string,
  dnsNames: string[],
  /** Addresses the certificate names too, when the IDE's URL is by IP address. */
  ipAddresses: string[] = [],
): MadeCertificate | undefined {
  if (tls.mode === TlsMode.LETS_ENCRYPT) return undefined;
  ensureTlsProvider(scope);
  const key = new PrivateKey(scope, 'TlsKey', { algorithm: 'ECDSA', ecdsaCurve: 'P256' });
  const subject = { commonName, organization: 'ml-workspace' };
  if (tls.mode === TlsMode.SELF_SIGNED) {
    const cert = new SelfSignedCert(scope, 'TlsCert', {
      privateKeyPem: key.privateKeyPem,
      subject: [subject],
      dnsNames,
      ...(ipAddresses.length ? { ipAddresses } : {}),
      validityPeriodHours: tls.validityHours,
      earlyRenewalHours: earlyRenewalHours(tls.validityHours),
      allowedUses: USAGES,
    });
    return { key, certPem: cert.certPem, validityEndTime: cert.validityEndTime };
  }
  const csr = new CertRequest(scope, 'TlsCsr', {
    privateKeyPem: key.privateKeyPem,
    subject: [subject],
    dnsNames,
    ...(ipAddresses.length ? { ipAddresses } : {}),
  });
  const cert = new LocallySignedCert(scope, 'TlsCert', {
    certRequestPem: csr.certRequestPem,
    caCertPem: tls.caCertificatePem!,
    caPrivateKeyPem: tls.caPrivateKeyPem!,
    validityPeriodHours: tls.validityHours,
    earlyRenewalHours: earlyRenewalHours(tls.validityHours),
    allowedUses: USAGES,
  });
  return { key, certPem: cert.certPem, validityEndTime: cert.validityEndTime };
}
