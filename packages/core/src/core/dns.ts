import { requireShapes } from './shapes';
/** How the workspace gets its DNS name. */
export enum DnsMode {
  /** GCP Cloud Endpoints: `<name>-<suffix>.endpoints.<project>.cloud.goog`, no zone needed. */
  CLOUD_ENDPOINTS = 'CLOUD_ENDPOINTS',
  /** An A record in a DNS zone you manage on the same cloud. */
  ZONE = 'ZONE',
  /** Azure: the public IP's `domain_name_label`, `<name>-<suffix>.<location>.cloudapp.azure.com`. */
  AZURE_DOMAIN_LABEL = 'AZURE_DOMAIN_LABEL',
  /** No DNS record; the workspace is reached by IP or through a tunnel. */
  NONE = 'NONE',
}

/** Options for {@link WorkspaceDns.zone}. */
export interface DnsZoneOptions {
  /**
   * The zone: on GCP the Cloud DNS managed zone name (`ml-zone`), on AWS the Route 53 hosted
   * zone id (`Z0123456789ABCDEFGHIJ`), on Azure the DNS zone's name (`ml.example.com`).
   */
  readonly zoneName: string;
  /**
   * Azure only: the resource group of the DNS zone.
   * @default - the workspace's resource group
   */
  readonly resourceGroupName?: string;
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

  /**
   * Azure: a name under `cloudapp.azure.com` from the static public IP's `domain_name_label`
   * (the default there in public mode). The label is `<workspace>-<suffix>`, with a short random
   * suffix made once per workspace, since labels are unique per region. Let's Encrypt
   * certifies it without any DNS zone.
   */
  public static azureDomainLabel(): WorkspaceDns {
    return new WorkspaceDns(DnsMode.AZURE_DOMAIN_LABEL, undefined);
  }

  /** An A record in a zone you manage. */
  public static zone(options: DnsZoneOptions): WorkspaceDns {
    requireShapes('WorkspaceDns.zone', options, '{ zoneName, recordName, resourceGroupName?, ttlSeconds? }', {
      zoneName: 'string',
      recordName: 'string',
      resourceGroupName: 'string',
      ttlSeconds: 'number',
    }, ['zoneName', 'recordName']);
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
