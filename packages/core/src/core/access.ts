import { checkShapes } from './shapes';
import { describe } from './validation';
import { usageError } from './errors';

/** First and count of the local ports tunnels are given, below the usual ephemeral ranges. */
const TUNNEL_PORT_BASE = 20000;
const TUNNEL_PORT_COUNT = 10000;

/**
 * The local port a private workspace's tunnel listens on: derived from the workspace name
 * (FNV-1a), so it stays the same from one apply to the next, and two workspaces opened side by
 * side on one laptop do not fight over one port.
 *
 * @internal
 */
export function tunnelLocalPort(workspaceName: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(workspaceName, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return TUNNEL_PORT_BASE + (hash % TUNNEL_PORT_COUNT);
}

/** How people reach a workspace. */
export enum AccessMode {
  /** HTTPS from given CIDR ranges through a static public IP. */
  PUBLIC = 'PUBLIC',
  /** No public IP; the IDE is reached through the cloud's identity-aware tunnel. */
  PRIVATE = 'PRIVATE',
}

/** Options for {@link WorkspaceAccess.public}. */
export interface PublicAccessOptions {
  /**
   * CIDR ranges allowed to reach HTTPS (443), e.g. an office range or a VPN egress range.
   * IPv4 is written plainly (no leading zeros); IPv6 is canonicalised. Together they may cover
   * at most as much as one IPv4 /8 or one IPv6 /32 unless `allowBroadRanges` says otherwise.
   */
  readonly allowedCidrs: string[];
  /**
   * Accept ranges that together cover more than an IPv4 /8 or an IPv6 /32, up to the whole
   * internet (`0.0.0.0/0`). The IDE is a shell on the machine with the VM's disks and network
   * behind it, so a scanner that reaches it meets only the sign-in (token or SSO). Prefer
   * `WorkspaceAccess.private()`, or list the ranges people come from.
   * @default false
   */
  readonly allowBroadRanges?: boolean;
}

/**
 * Network access to a workspace. SSH is never open to the internet in either mode: on GCP it
 * goes through IAP with OS Login.
 */
export class WorkspaceAccess {
  /**
   * A static public IP; 443 open to `allowedCidrs`. With Let's Encrypt, port 80 is open to
   * the internet as well, serving only the ACME HTTP-01 challenge and a redirect to HTTPS
   * (the CA validates from addresses nobody can list in advance).
   */
  public static public(options: PublicAccessOptions): WorkspaceAccess {
    if (typeof options !== 'object' || options === null || !Array.isArray(options.allowedCidrs)) {
      throw usageError(
        `WorkspaceAccess.public: options ${describe(options)} must be an object with allowedCidrs, a list of CIDR ranges, e.g. { allowedCidrs: ['203.0.113.0/24'] }`,
      );
    }
    checkShapes('WorkspaceAccess.public', options as unknown as Record<string, unknown>, { allowedCidrs: 'string[]', allowBroadRanges: 'boolean' });
    // Only `true` opts in: a truthy string such as 'false' must not open the IDE to the internet.
    return new WorkspaceAccess(AccessMode.PUBLIC, [...(options.allowedCidrs ?? [])], options.allowBroadRanges === true);
  }

  /**
   * No public IP. On GCP the IDE is reached through an IAP TCP tunnel
   * (`gcloud compute start-iap-tunnel ... 443`), and outbound traffic leaves through Cloud NAT.
   */
  public static private(): WorkspaceAccess {
    return new WorkspaceAccess(AccessMode.PRIVATE, [], false);
  }

  private constructor(
    /** The access mode. */
    public readonly mode: AccessMode,
    /** CIDR ranges allowed to reach HTTPS; empty in private mode. */
    public readonly allowedCidrs: string[],
    /** Whether ranges broader than an IPv4 /8 or IPv6 /32 together were accepted on purpose. */
    public readonly allowBroadRanges: boolean,
  ) {}
}
