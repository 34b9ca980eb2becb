/** The clouds the library deploys to. */
export enum Cloud {
  /** Google Cloud. */
  GCP = 'GCP',
  /** Amazon Web Services. */
  AWS = 'AWS',
  /** Microsoft Azure. */
  AZURE = 'AZURE',
}

/** Where and how to place a workspace on Google Cloud. */
export interface GcpTargetOptions {
  /** The project id, e.g. `ml-research-prod`. */
  readonly project: string;
  /** The region, e.g. `europe-west4`. */
  readonly region: string;
  /** The zone, inside `region`, e.g. `europe-west4-a`. Pick one that offers your GPU. */
  readonly zone: string;
  /**
   * An existing VPC network (name or self link). When given, `subnetwork` must be given too.
   * @default - a network and subnetwork are created for the workspace
   */
  readonly network?: string;
  /**
   * An existing subnetwork (name or self link) in `region`.
   * @default - created, with `subnetCidr`
   */
  readonly subnetwork?: string;
  /**
   * The primary range of the subnetwork the construct creates.
   * @default '10.42.0.0/24'
   */
  readonly subnetCidr?: string;
  /**
   * The NixOS base image: a self link, or `projects/<p>/global/images/family/<family>`. Build it
   * from this library's flake (`nix build ./nix#gce-image`) and upload it once per project;
   * the README gives the commands.
   * @default 'projects/<project>/global/images/family/ml-workspace-nixos'
   */
  readonly image?: string;
  /**
   * A machine type overriding the size preset, e.g. `g2-standard-12`. Required for a GPU
   * made with `Gpu.of(...)`.
   * @default - from the size preset and GPU
   */
  readonly machineType?: string;
  /**
   * A Cloud KMS key (`projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>`) encrypting the
   * boot and home disks. Grant the Compute Engine service agent
   * `roles/cloudkms.cryptoKeyEncrypterDecrypter` on it.
   * @default - Google-managed encryption keys
   */
  readonly kmsKeyName?: string;
}

/**
 * The cloud a construct deploys to, with that cloud's placement. Choose one with a static
 * factory: `CloudTarget.gcp({ project, region, zone })`.
 */
export class CloudTarget {
  /** Google Cloud. */
  public static gcp(options: GcpTargetOptions): CloudTarget {
    return new CloudTarget(Cloud.GCP, { ...options });
  }

  private constructor(
    /** The cloud. */
    public readonly cloud: Cloud,
    /** Google Cloud placement, for `Cloud.GCP`. */
    public readonly gcpOptions: GcpTargetOptions | undefined,
  ) {}
}
