/** The clouds the library deploys to. */
export enum Cloud {
  /** Google Cloud. */
  GCP = 'GCP',
  /** Amazon Web Services. */
  AWS = 'AWS',
  /** Microsoft Azure. */
  AZURE = 'AZURE',
}

/**
 * The cloud a construct deploys to, with that cloud's placement. Each cloud's package makes
 * one: `GcpTarget.of({ project, region, zone })` from `cdktf-ml-workspace-gcp`,
 * `AwsTarget.of({ region })` from `cdktf-ml-workspace-aws`, or
 * `AzureTarget.of({ location, imageId, keyVaultAllowedCidrs })` from `cdktf-ml-workspace-azure`.
 * Install only the package of the cloud you deploy to: each depends on its own provider.
 */
export abstract class CloudTarget {
  protected constructor(
    /** The cloud. */
    public readonly cloud: Cloud,
  ) {}
}

/** Each cloud's name in messages. @internal */
export const CLOUD_NAMES: Record<Cloud, string> = { [Cloud.GCP]: 'GCP', [Cloud.AWS]: 'AWS', [Cloud.AZURE]: 'Azure' };

/** How a target is made, for messages. @internal */
export const TARGET_EXAMPLE =
  "GcpTarget.of({ project, region, zone }) from 'cdktf-ml-workspace-gcp', AwsTarget.of({ region }) from 'cdktf-ml-workspace-aws' or AzureTarget.of({ location, imageId, keyVaultAllowedCidrs }) from 'cdktf-ml-workspace-azure'";
