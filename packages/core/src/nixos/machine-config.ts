import { Fn, Token } from 'cdktf';
import { NixpkgsPin } from '../core/versions';

/** Where the machine's secret files are written (tmpfs). @internal */
export const SECRETS_DIR = '/run/ml-workspace/secrets';

/** The instance-metadata key the NixOS bootstrap reads. @internal */
export const METADATA_KEY = 'ml-workspace-config';

/** A secret the machine fetches at boot from the cloud's secret store. @internal */
export interface MachineSecret {
  /** gcp: `projects/<p>/secrets/<s>`; aws: an ARN; azure: a Key Vault secret URL. */
  readonly source: string;
  readonly owner: string;
  readonly group?: string;
}

/** Everything the per-machine NixOS configuration needs, cloud-neutral. @internal */
export interface MachineSpec {
  readonly hostName: string;
  readonly domain: string;
  /** The address people open when it is not `https://<domain>/`. */
  readonly url?: string;
  /** The IDE's account: always `workspace`, the NixOS module's default, so never rendered. */
  readonly user: 'workspace';
  readonly gpu: boolean;
  /** Block device of the persistent home disk, e.g. `/dev/disk/by-id/google-home`. */
  readonly homeDevice: string;
  readonly acmeEmail?: string;
  readonly oauth2Proxy?: {
    readonly provider: string;
    readonly clientId: string;
    readonly oidcIssuerUrl?: string;
    readonly allowedEmails: string[];
    readonly allowedEmailDomains: string[];
  };
  readonly idleStop?: {
    readonly idleMinutes: number;
    readonly gpuUtilizationPercent: number;
    readonly cpuLoadPerCore: number;
    readonly maxRuntimeHours?: number;
    /** Who the check's activity lines are about: the workspace's and owner's labels. */
    readonly activity?: { readonly workspace: string; readonly owner: string };
  };
  /** A break-glass administrator that logs in with SSH keys only (Azure, through Bastion). */
  readonly admin?: { readonly user: string; readonly authorizedKeys: string[] };
  /** The cloud: where secrets are read from and how the machine stops itself. */
  readonly cloud: 'gcp' | 'aws' | 'azure';
  readonly secrets: Record<string, MachineSecret>;
  readonly nixpkgs: NixpkgsPin;
}

/** The names of the secret files the configuration refers to. @internal */
export const SecretName = {
  CONNECTION_TOKEN: 'connection-token',
  TLS_CERT: 'tls-cert',
  TLS_KEY: 'tls-key',
  OAUTH2_CLIENT_SECRET: 'oauth2-client-secret',
  OAUTH2_COOKIE_SECRET: 'oauth2-cookie-secret',
} as const;

/**
 * Renders the per-machine document the NixOS bootstrap (`nix/modules/bootstrap.nix`) applies:
 * schema version, the nixpkgs pin, and NixOS option values under `mlWorkspace.*`. Every key
 * under `config` is a declared NixOS option (a test checks this against `nix/modules`).
 *
 * @internal
 */
export function machineDocument(spec: MachineSpec): Record<string, any> {
  const has = (name: string) => name in spec.secrets;
  const sso = spec.oauth2Proxy;
  const workspace: Record<string, any> = {
    enable: true,
    domain: spec.domain,
    ...(spec.url !== undefined ? { url: spec.url } : {}),
    // No `user`: the IDE's account is the module's default, `workspace` (spec.user, which owns
    // the secret files), and a document may not name another (it could name a privileged one).
    gpu: { enable: spec.gpu },
    home: { device: spec.homeDevice },
    ide: has(SecretName.CONNECTION_TOKEN)
      ? { connectionTokenFile: `${SECRETS_DIR}/${SecretName.CONNECTION_TOKEN}` }
      : {},
    tls: spec.acmeEmail
      ? { acme: { enable: true, email: spec.acmeEmail } }
      : { acme: { enable: false }, certificateFile: `${SECRETS_DIR}/${SecretName.TLS_CERT}`, keyFile: `${SECRETS_DIR}/${SecretName.TLS_KEY}` },
  };
  if (spec.admin) {
    workspace.admin = { user: spec.admin.user, authorizedKeys: spec.admin.authorizedKeys };
  }
  if (sso) {
    workspace.oauth2Proxy = {
      enable: true,
      provider: sso.provider,
      clientId: sso.clientId,
      clientSecretFile: `${SECRETS_DIR}/${SecretName.OAUTH2_CLIENT_SECRET}`,
      cookieSecretFile: `${SECRETS_DIR}/${SecretName.OAUTH2_COOKIE_SECRET}`,
      ...(sso.oidcIssuerUrl ? { oidcIssuerUrl: sso.oidcIssuerUrl } : {}),
      allowedEmails: sso.allowedEmails,
      allowedEmailDomains: sso.allowedEmailDomains,
    };
  }
  const idle = spec.idleStop;
  const idleStop = idle
    ? {
      enable: true,
      cloud: spec.cloud,
      idleMinutes: idle.idleMinutes,
      gpuUtilizationPercent: idle.gpuUtilizationPercent,
      cpuLoadPerCore: idle.cpuLoadPerCore,
      ...(idle.maxRuntimeHours !== undefined ? { maxRuntimeHours: idle.maxRuntimeHours } : {}),
      ...(idle.activity ? { activity: { workspace: idle.activity.workspace, owner: idle.activity.owner } } : {}),
    }
    : { enable: false };
  const config: Record<string, any> = {
    networking: { hostName: spec.hostName },
    mlWorkspace: {
      workspace,
      idleStop,
      secrets: {
        enable: true,
        provider: spec.cloud,
        secrets: Object.fromEntries(
          Object.entries(spec.secrets)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([name, s]) => [name, { source: s.source, owner: s.owner, group: s.group ?? s.owner }]),
        ),
      },
    },
  };
  return {
    schemaVersion: 1,
    nixpkgs: { owner: spec.nixpkgs.owner, repo: spec.nixpkgs.repo, rev: spec.nixpkgs.rev, narHash: spec.nixpkgs.narHash },
    config,
  };
}

/**
 * The document as a metadata value: plain JSON when every value is known at synth time;
 * otherwise a Terraform `jsonencode(...)`, so values known only at apply time (a generated DNS
 * name, a certificate) are escaped correctly.
 *
 * @internal
 */
export function renderMachineDocument(doc: Record<string, any>): string {
  const json = JSON.stringify(doc);
  return Token.isUnresolved(json) ? Fn.jsonencode(doc) : json;
}

/** Characters counted for a value known only at apply time (an id, ARN, URL or key). @internal */
export const UNKNOWN_VALUE_ALLOWANCE = 255;

/**
 * The machine document's rendered size in UTF-8 bytes, for checks against a cloud's user-data
 * limit at synth time. A value known only at apply time counts as
 * {@link UNKNOWN_VALUE_ALLOWANCE} characters, more than any the constructs put there takes.
 *
 * @internal
 */
export function estimatedDocumentBytes(doc: Record<string, any>): number {
  const json = JSON.stringify(doc);
  const unknown = /\$\{TfToken\[[^\]]*\]\}/g;
  const count = (json.match(unknown) ?? []).length;
  return Buffer.byteLength(json.replace(unknown, ''), 'utf8') + count * UNKNOWN_VALUE_ALLOWANCE;
}
