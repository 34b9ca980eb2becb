import { AccessMode } from '../core/access';
import { AuthMode, SsoOptions } from '../core/auth';
import { Cloud } from '../core/cloud-target';
import { DnsMode, DnsZoneOptions } from '../core/dns';
import { Gpu } from '../core/gpu';
import { WorkspaceSize } from '../core/size';
import { TlsMode } from '../core/tls';
import { TerraformStack } from 'cdktf';
import { CloudTarget } from '../core/cloud-target';
import { NixpkgsPin } from '../core/versions';

/** A shared network a workspace joins (a `WorkspaceNetwork`). @internal */
export interface AttachedNetwork {
  /** The network's name, the prefix of its resources' names. */
  readonly name: string;
  /** The network construct's path, for messages. */
  readonly path: string;
  /** The stack the network is in. */
  readonly stack: TerraformStack;
  /** The target the network was made for. */
  readonly target: CloudTarget;
  /** What the cloud's builder made for its workspaces (its own shape per cloud). */
  readonly attachment: unknown;
}

/**
 * A workspace with every default filled in and every value validated: what a cloud builder
 * turns into resources.
 *
 * @internal
 */
export interface WorkspaceSpec {
  /** The construct kind that made it, as messages name it (`GpuWorkspace`). */
  readonly kind: string;
  readonly cloud: Cloud;
  readonly name: string;
  readonly owner: string;
  readonly size: WorkspaceSize;
  /** The machine a fleet's packages chose; it wins over the size preset and the target's type. */
  readonly machine?: { readonly type: string; readonly gpuCount: number };
  readonly gpu?: Gpu;
  readonly access: { readonly mode: AccessMode; readonly allowedCidrs: string[]; readonly allowBroadRanges: boolean };
  readonly tls: {
    readonly mode: TlsMode;
    readonly email?: string;
    readonly validityHours: number;
    readonly caCertificatePem?: string;
    readonly caPrivateKeyPem?: string;
  };
  readonly auth: {
    readonly mode: AuthMode;
    readonly sso?: SsoOptions & { allowedEmails: string[]; allowedDomains: string[] };
    /** Days between generated secrets: the connection token or the SSO cookie secret (0: never rotated). */
    readonly rotationDays: number;
  };
  readonly dns: { readonly mode: DnsMode; readonly zone?: DnsZoneOptions };
  readonly spot: boolean;
  readonly running: boolean;
  readonly homeDiskSizeGiB: number;
  readonly bootDiskSizeGiB: number;
  readonly snapshotRetentionDays: number;
  /** Final labels: user labels plus the library's own. */
  readonly labels: Record<string, string>;
  readonly nixpkgs: NixpkgsPin;
  /** Idle auto-stop; undefined when switched off. */
  readonly idleStop?: {
    readonly idleMinutes: number;
    readonly gpuUtilizationPercent: number;
    readonly cpuLoadPerCore: number;
    readonly maxRuntimeHours?: number;
  };
  /** The shared network the workspace joins; undefined when it makes its own or uses the target's. */
  readonly network?: AttachedNetwork;
  /** The Unix user that runs the IDE and owns /home on the persistent disk (the NixOS module's default). */
  readonly user: 'workspace';
}
