import { TlsMode } from '../../core/tls';
import { machineDocument, MachineSecret } from '../../nixos/machine-config';
import { WorkspaceSpec } from '../../workspace/workspace-spec';

/** What differs per cloud in a workspace's machine document. @internal */
export interface CloudMachineSettings {
  readonly cloud: 'gcp' | 'aws' | 'azure';
  /** The DNS name the certificate is for. */
  readonly domain: string;
  /** The address people open (a tunnel's localhost, an IP address, or the domain). */
  readonly url: string;
  /** Whether the machine has GPUs (and so the NVIDIA stack). */
  readonly gpu: boolean;
  /** The home disk's stable device path on that cloud. */
  readonly homeDevice: string;
  /** The secrets the machine reads at boot, by file name. */
  readonly secrets: Record<string, MachineSecret>;
  /** A break-glass administrator account, where the cloud's access path needs one. */
  readonly admin?: { readonly user: string; readonly authorizedKeys: string[] };
}

/**
 * The machine document of a workspace: the spec's settings plus what the cloud builder
 * decided (name, disk path, secret references).
 *
 * @internal
 */
export function workspaceMachineDocument(spec: WorkspaceSpec, cloud: CloudMachineSettings): Record<string, any> {
  const sso = spec.auth.sso;
  return machineDocument({
    hostName: spec.name,
    domain: cloud.domain,
    // Only when it differs from the domain's: the document stays as small as it can.
    url: cloud.url === `https://${cloud.domain}/` ? undefined : cloud.url,
    user: spec.user,
    gpu: cloud.gpu,
    homeDevice: cloud.homeDevice,
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
    idleStop: spec.idleStop,
    admin: cloud.admin,
    cloud: cloud.cloud,
    secrets: cloud.secrets,
    nixpkgs: spec.nixpkgs,
  });
}
