import { Cloud } from './cloud-target';

/**
 * The identity a workspace's machine runs as, so other constructs (a dataset, a billing export)
 * can grant it access to their resources without knowing the cloud's resource types.
 */
export interface WorkspacePrincipal {
  /** The cloud the identity lives in. */
  readonly cloud: Cloud;
  /**
   * The principal as the cloud's grants name it: GCP `serviceAccount:<email>`, AWS the instance
   * role's ARN, Azure the user-assigned identity's principal (object) id.
   */
  readonly member: string;
}
