/** How the workspace gets its DNS name. */
export enum DnsMode {
  /** GCP Cloud Endpoints: `<name>-<suffix>.endpoints.<project>.cloud.goog`, no zone needed. */
  CLOUD_ENDPOINTS = 'CLOUD_ENDPOINTS',
  /** An A record in a DNS zone you manage on the same cloud. */
  ZONE = 'ZONE',
  /** No DNS record; the workspace is reached by IP or through a tunnel. */
  NONE = 'NONE',
}

/** Options for {@link WorkspaceDns.zone}. */
export interface DnsZoneOptions {
  /** The zone's name on the cloud (on GCP, the Cloud DNS managed zone name). */
  readonly zoneName: string;
  /** The fully qualified name of the record, e.g. `alice.ml.example.com`. */
  readonly recordName: string;
  /**
   * Record TTL in seconds.
   * @default 300
   */
  readonly ttlSeconds?: number;
}

/** The workspace's DNS name. */
export class WorkspaceDns {
  /**
   * A Cloud Endpoints name on GCP (the default there in public mode). The name carries a short
   * random suffix made once per workspace: GCP keeps a deleted Endpoints service name reserved
   * for 30 days, so a destroyed and re-created workspace gets a fresh name instead of failing
   * (the old plain-Terraform setup worked around that with a manual `terraform state rm`).
   * Stopping, resizing or re-creating the VM keeps the name.
   */
  public static cloudEndpoints(): WorkspaceDns {
    return new WorkspaceDns(DnsMode.CLOUD_ENDPOINTS, undefined);
  }

  /** An A record in a zone you manage. */
  public static zone(options: DnsZoneOptions): WorkspaceDns {
    return new WorkspaceDns(DnsMode.ZONE, { ...options });
  }

  /** No DNS record (the default in private mode). */
  public static none(): WorkspaceDns {
    return new WorkspaceDns(DnsMode.NONE, undefined);
  }

  private constructor(
    /** The DNS mode. */
    public readonly mode: DnsMode,
    /** Zone settings, for `DnsMode.ZONE`. */
    public readonly zoneOptions: DnsZoneOptions | undefined,
  ) {}
}
