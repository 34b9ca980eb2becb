import { requireShapes } from './shapes';
/** Where the workspace's TLS certificate comes from. */
export enum TlsMode {
  /** Let's Encrypt through NixOS `security.acme` (HTTP-01). */
  LETS_ENCRYPT = 'LETS_ENCRYPT',
  /** A self-signed certificate made by the Terraform tls provider. */
  SELF_SIGNED = 'SELF_SIGNED',
  /** A certificate signed by the organisation's CA, made by the Terraform tls provider. */
  PRIVATE_CA = 'PRIVATE_CA',
}

/** Options for {@link WorkspaceTls.letsEncrypt}. */
export interface LetsEncryptOptions {
  /**
   * Contact address registered with Let's Encrypt (expiry notices).
   * @default - the workspace owner's email
   */
  readonly email?: string;
}

/** Options for {@link WorkspaceTls.selfSigned}. */
export interface SelfSignedOptions {
  /**
   * Certificate lifetime in hours. Terraform replaces the certificate when it is within
   * 30 days of expiry on the next apply.
   * @default 8760 (one year)
   */
  readonly validityHours?: number;
}

/** Options for {@link WorkspaceTls.privateCa}. */
export interface PrivateCaOptions {
  /** The CA certificate, PEM. Public; a literal is fine. */
  readonly caCertificatePem: string;
  /**
   * The CA private key, PEM. Must be a Terraform reference (a sensitive `TerraformVariable`,
   * or a data source reading a secret store): a literal would be written in clear text into
   * the synthesized configuration, so it is refused.
   */
  readonly caPrivateKeyPem: string;
  /**
   * Certificate lifetime in hours.
   * @default 2160 (90 days)
   */
  readonly validityHours?: number;
}

/**
 * TLS for the workspace's HTTPS endpoint. The private key of a self-signed or CA-signed
 * certificate is kept in the cloud's secret store and fetched by the machine at boot; it never
 * appears in instance metadata or the Nix store.
 */
export class WorkspaceTls {
  /** Let's Encrypt via NixOS ACME. Needs a public DNS name and public access. */
  public static letsEncrypt(options: LetsEncryptOptions = {}): WorkspaceTls {
    requireShapes('WorkspaceTls.letsEncrypt', options, '{ email? }', { email: 'string' });
    return new WorkspaceTls(TlsMode.LETS_ENCRYPT, options.email, 0, undefined, undefined);
  }

  /** A self-signed certificate (ECDSA P-256), for private access or tests. */
  public static selfSigned(options: SelfSignedOptions = {}): WorkspaceTls {
    requireShapes('WorkspaceTls.selfSigned', options, '{ validityHours? }', { validityHours: 'number' });
    return new WorkspaceTls(TlsMode.SELF_SIGNED, undefined, options.validityHours ?? 8760, undefined, undefined);
  }

  /** A certificate (ECDSA P-256) signed by your organisation's CA. */
  public static privateCa(options: PrivateCaOptions): WorkspaceTls {
    requireShapes('WorkspaceTls.privateCa', options, '{ caCertificatePem, caPrivateKeyPem, validityHours? }', {
      caCertificatePem: 'string',
      caPrivateKeyPem: 'string',
      validityHours: 'number',
    }, ['caCertificatePem', 'caPrivateKeyPem']);
    return new WorkspaceTls(
      TlsMode.PRIVATE_CA,
      undefined,
      options.validityHours ?? 2160,
      options.caCertificatePem,
      options.caPrivateKeyPem,
    );
  }

  private constructor(
    /** The TLS mode. */
    public readonly mode: TlsMode,
    /** ACME contact email, when given. */
    public readonly email: string | undefined,
    /** Certificate lifetime in hours for certificates made by Terraform; 0 for Let's Encrypt. */
    public readonly validityHours: number,
    /** CA certificate (private CA only). */
    public readonly caCertificatePem: string | undefined,
    /** CA private key reference (private CA only). */
    public readonly caPrivateKeyPem: string | undefined,
  ) {}
}
