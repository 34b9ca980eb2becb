import { Cloud, CloudTarget } from 'cdktf-ml-workspace';
import { requireShapes } from 'cdktf-ml-workspace/lib/core/shapes';

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
  /**
   * Accept a `region` this release does not list (a region newer than it); otherwise a name
   * outside the list is refused with the closest listed one, as a typo would fail at apply.
   * @default false
   */
  readonly allowUnlistedRegion?: boolean;
}

/**
 * Google Cloud: the target a construct from `cdktf-ml-workspace` deploys to when given
 * `GcpTarget.of({ project, region, zone })`. Importing this package registers what Google Cloud builds.
 */
export class GcpTarget extends CloudTarget {
  /** Google Cloud, with its placement. */
  public static of(options: GcpTargetOptions): GcpTarget {
    requireShapes('GcpTarget.of', options, '{ project, region, zone }', {
      project: 'string',
      region: 'string',
      zone: 'string',
      machineType: 'string',
      network: 'string',
      subnetwork: 'string',
      subnetCidr: 'string',
      image: 'string',
      kmsKeyName: 'string',
      allowUnlistedRegion: 'boolean',
    });
    return new GcpTarget({ ...options });
  }

  private constructor(
    /** The placement, as given. */
    public readonly options: GcpTargetOptions,
  ) {
    super(Cloud.GCP);
  }
}

/** The Google Cloud placement of a target of this cloud. @internal */
export function gcpOptions(target: CloudTarget): GcpTargetOptions {
  return (target as GcpTarget).options;
}
