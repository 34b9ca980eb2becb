import { requireShapes } from './shapes';
/** Single sign-on identity providers supported through oauth2-proxy. */
export enum SsoProvider {
  /** Google accounts (Workspace or Gmail). */
  GOOGLE = 'google',
  /** GitHub accounts. */
  GITHUB = 'github',
  /** Any OpenID Connect issuer (Okta, Keycloak, Entra ID, Auth0, ...). */
  OIDC = 'oidc',
}

/** How people sign in to the IDE. */
export enum AuthMode {
  /** openvscode-server's connection token, kept in the cloud's secret store. */
  CONNECTION_TOKEN = 'CONNECTION_TOKEN',
  /** oauth2-proxy in front of the IDE. */
  SSO = 'SSO',
}

/** Options for {@link WorkspaceAuth.sso}. */
export interface SsoOptions {
  /** The identity provider. */
  readonly provider: SsoProvider;
  /**
   * The OAuth client id registered with the provider (letters, digits and `. _ ~ -`). Not
   * secret.
   */
  readonly clientId: string;
  /**
   * The id of an existing secret in the cloud's secret store (on GCP, a Secret Manager
   * secret id in the workspace's project) holding the OAuth client secret. The workspace is
   * granted read access to that one secret; the value never passes through Terraform.
   */
  readonly clientSecretName: string;
  /**
   * Email addresses allowed to sign in.
   * @default - the workspace owner only (when `allowedDomains` is empty too)
   */
  readonly allowedEmails?: string[];
  /**
   * Email domains whose accounts may sign in, e.g. `example.com`.
   * @default - none
   */
  readonly allowedDomains?: string[];
  /**
   * The issuer URL, required for `SsoProvider.OIDC` and refused for the others, e.g.
   * `https://login.example.com/`: https, a host name, an optional port and path, and nothing
   * that could end a quoted command-line argument.
   * @default - none (required for OIDC only)
   */
  readonly oidcIssuerUrl?: string;
  /**
   * Make a new oauth2-proxy cookie secret at the first `cdktf deploy` after this many days
   * (0–365; 0 never rotates). Everyone signs in again once (sessions last a week anyway). The
   * schedule is a Terraform `time_rotating` resource, so synthesis stays the same between runs.
   * @default 30
   */
  readonly rotationDays?: number;
}

/** Options for {@link WorkspaceAuth.connectionToken}. */
export interface ConnectionTokenOptions {
  /**
   * Make a new token at the first `cdktf deploy` after this many days (0–365; 0 never rotates).
   * The machine reads it within the hour and restarts the IDE with it (open terminals end);
   * the old token stops working. Synthesis stays the same between runs: the schedule is a
   * Terraform `time_rotating` resource.
   * @default 30
   */
  readonly rotationDays?: number;
}

/**
 * Authentication in front of the IDE. Either way the IDE listens only on a Unix socket that
 * nginx (with TLS) and the workspace user can open.
 */
export class WorkspaceAuth {
  /**
   * A random 32-character connection token in the cloud's secret store, read by the machine
   * at boot into a file on tmpfs (`ide.connectionTokenFile`). The outputs give the command
   * that prints it.
   */
  public static connectionToken(options: ConnectionTokenOptions = {}): WorkspaceAuth {
    requireShapes('WorkspaceAuth.connectionToken', options, '{ rotationDays? }', { rotationDays: 'number' });
    return new WorkspaceAuth(AuthMode.CONNECTION_TOKEN, undefined, options.rotationDays ?? 30);
  }

  /** oauth2-proxy with the given provider and allow-list. */
  public static sso(options: SsoOptions): WorkspaceAuth {
    requireShapes('WorkspaceAuth.sso', options, '{ provider, clientId, clientSecretName, allowedEmails?, allowedDomains? }', {
      provider: 'string',
      clientId: 'string',
      clientSecretName: 'string',
      allowedEmails: 'string[]',
      allowedDomains: 'string[]',
      oidcIssuerUrl: 'string',
      rotationDays: 'number',
    });
    return new WorkspaceAuth(
      AuthMode.SSO,
      {
        ...options,
        allowedEmails: options.allowedEmails ? [...options.allowedEmails] : undefined,
        allowedDomains: options.allowedDomains ? [...options.allowedDomains] : undefined,
      },
      options.rotationDays ?? 30,
    );
  }

  private constructor(
    /** The authentication mode. */
    public readonly mode: AuthMode,
    /** SSO settings, for `AuthMode.SSO`. */
    public readonly ssoOptions: SsoOptions | undefined,
    /**
     * Days between the generated secrets Terraform makes again: the connection token, or the
     * SSO cookie secret (0: never rotated).
     */
    public readonly rotationDays: number = 0,
  ) {}
}
